package io.cnnkit.exec.kernel;

import io.cnnkit.analyzer.ConvArithmetic;
import io.cnnkit.compiler.op.Padding;
import io.cnnkit.compiler.op.Size2;

/**
 * The resolved geometry of a sliding window (convolution or pooling) over one input size: explicit
 * pads and the output size. Built once per layer; kernels only read its fields.
 */
record Window(int inH, int inW, int kh, int kw, int sh, int sw, int dh, int dw,
              int padTop, int padLeft, int padBottom, int padRight, int outH, int outW) {

    static Window of(int inH, int inW, Size2 kernel, Size2 stride, Padding pad, Size2 dilation, boolean ceil) {
        Padding.Explicit p = ConvArithmetic.resolve(pad, inH, inW, kernel, stride, dilation);
        long outH = ConvArithmetic.outputSize(inH, kernel.h(), stride.h(), p.top(), p.bottom(), dilation.h(), ceil);
        long outW = ConvArithmetic.outputSize(inW, kernel.w(), stride.w(), p.left(), p.right(), dilation.w(), ceil);
        if (outH <= 0 || outW <= 0) {
            throw new IllegalArgumentException("a " + kernel + " window (stride " + stride + ", dilation "
                    + dilation + ", pad " + p + ") does not fit an input of " + inH + "x" + inW);
        }
        return new Window(inH, inW, kernel.h(), kernel.w(), stride.h(), stride.w(), dilation.h(), dilation.w(),
                p.top(), p.left(), p.bottom(), p.right(), Math.toIntExact(outH), Math.toIntExact(outW));
    }

    /** Input column offset of tap {@code kx}: output column ox reads input column ox * sw + shift. */
    int colShift(int kx) {
        return kx * dw - padLeft;
    }

    /** The first output column whose tap {@code kx} reads inside the input. */
    int firstCol(int kx) {
        return Math.max(0, -Math.floorDiv(colShift(kx), sw));
    }

    /** One past the last output column whose tap {@code kx} reads inside the input. */
    int endCol(int kx) {
        return Math.min(outW, Math.floorDiv(inW - 1 - colShift(kx), sw) + 1);
    }

    int outSize() {
        return outH * outW;
    }

    boolean isPointwise() {
        return kh == 1 && kw == 1 && sh == 1 && sw == 1 && padTop == 0 && padLeft == 0
                && padBottom == 0 && padRight == 0;
    }
}
