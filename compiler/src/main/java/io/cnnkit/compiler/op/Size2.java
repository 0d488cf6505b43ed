package io.cnnkit.compiler.op;

/** A height/width pair: kernel, stride or dilation. */
public record Size2(int h, int w) {

    public static Size2 square(int n) {
        return new Size2(n, n);
    }

    public boolean isSquare() {
        return h == w;
    }

    /** {@code 3} when square, {@code 3x5} otherwise. */
    @Override
    public String toString() {
        return isSquare() ? Integer.toString(h) : h + "x" + w;
    }
}
