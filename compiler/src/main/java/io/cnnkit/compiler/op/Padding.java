package io.cnnkit.compiler.op;

/**
 * Spatial padding. {@link Same} depends on the input size and is resolved by the analyzer with
 * ONNX's SAME_UPPER rule (output = ceil(input / stride), any odd padding goes to the bottom/right),
 * which is also what PyTorch's {@code padding='same'} does.
 */
public sealed interface Padding permits Padding.Explicit, Padding.Same {

    Explicit ZERO = new Explicit(0, 0, 0, 0);

    static Explicit symmetric(int h, int w) {
        return new Explicit(h, w, h, w);
    }

    /** Zeros added on each side, in ONNX order: begins then ends. */
    record Explicit(int top, int left, int bottom, int right) implements Padding {
        public boolean isZero() {
            return top == 0 && left == 0 && bottom == 0 && right == 0;
        }

        public boolean isSymmetric() {
            return top == bottom && left == right;
        }

        @Override
        public String toString() {
            if (isSymmetric()) {
                return top == left ? Integer.toString(top) : "(" + top + ", " + left + ")";
            }
            return "(" + top + ", " + left + ", " + bottom + ", " + right + ")";
        }
    }

    record Same() implements Padding {
        @Override
        public String toString() {
            return "same";
        }
    }
}
