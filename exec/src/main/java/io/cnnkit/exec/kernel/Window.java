package io.cnnkit.exec.kernel;

import io.cnnkit.analyzer.ConvArithmetic;
import io.cnnkit.analyzer.ShapeInference;
import io.cnnkit.compiler.op.Op;
import io.cnnkit.compiler.op.Padding;
import io.cnnkit.compiler.op.Size2;
import java.util.List;

/**
 * The resolved geometry of a sliding window (convolution or pooling) over one input size: explicit
 * pads and the output size. Built once per layer; kernels only read its fields.
 */
public record Window(int inH, int inW, int kh, int kw, int sh, int sw, int dh, int dw,
              int padTop, int padLeft, int padBottom, int padRight, int outH, int outW) {

    /**
     * The window of a layer from its input and output shapes (NCHW; the output size is the
     * analyzer's): pads resolved for this input size.
     */
    public static Window of(int[] x, int[] out, Size2 kernel, Size2 stride, Padding pad, Size2 dilation) {
        Padding.Explicit p = ConvArithmetic.resolve(pad, x[2], x[3], kernel, stride, dilation);
        return new Window(x[2], x[3], kernel.h(), kernel.w(), stride.h(), stride.w(), dilation.h(), dilation.w(),
                p.top(), p.left(), p.bottom(), p.right(), out[2], out[3]);
    }

    /** The window of a convolution over input {@code x}, its output size by the analyzer. */
    public static Window of(Op.Conv c, int[] x) {
        return of(x, ShapeInference.batched(c, List.of(x)), c.kernel(), c.stride(), c.pad(), c.dilation());
    }

    /** One window over the whole plane of an NCHW input: global pooling. */
    static Window whole(int[] x) {
        return new Window(x[2], x[3], x[2], x[3], 1, 1, 1, 1, 0, 0, 0, 0, 1, 1);
    }

    /** Input column offset of tap {@code kx}: output column ox reads input column ox * sw + shift. */
    public int colShift(int kx) {
        return kx * dw - padLeft;
    }

    /** The first output column whose tap {@code kx} reads inside the input. */
    public int firstCol(int kx) {
        return Math.max(0, -Math.floorDiv(colShift(kx), sw));
    }

    /** One past the last output column whose tap {@code kx} reads inside the input. */
    public int endCol(int kx) {
        return Math.min(outW, Math.floorDiv(inW - 1 - colShift(kx), sw) + 1);
    }

    public int outSize() {
        return outH * outW;
    }

    public boolean isPointwise() {
        return kh == 1 && kw == 1 && sh == 1 && sw == 1 && padTop == 0 && padLeft == 0
                && padBottom == 0 && padRight == 0;
    }
}
