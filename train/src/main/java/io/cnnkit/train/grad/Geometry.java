package io.cnnkit.train.grad;

import io.cnnkit.analyzer.ConvArithmetic;
import io.cnnkit.compiler.op.Op;
import io.cnnkit.compiler.op.Padding;
import io.cnnkit.compiler.op.Size2;
import io.cnnkit.exec.Tensor;

/**
 * The resolved window of a conv or pool layer over one input: pads made explicit for its size; the
 * output size is the forward's (the shape of the gradient flowing back), not computed again here.
 */
record Geometry(int inH, int inW, int kh, int kw, int sh, int sw, int dh, int dw,
                int padTop, int padLeft, int padBottom, int padRight, int outH, int outW) {

    /** The window of {@code op} from its input {@code x} to its output, whose gradient is {@code dy}. */
    static Geometry of(Op op, Tensor x, Tensor dy) {
        if (op instanceof Op.Conv c) {
            return of(x, dy, c.kernel(), c.stride(), c.pad(), c.dilation());
        }
        if (op instanceof Op.MaxPool p) {
            return of(x, dy, p.kernel(), p.stride(), p.pad(), p.dilation());
        }
        if (op instanceof Op.AvgPool p) {
            return of(x, dy, p.kernel(), p.stride(), p.pad(), Size2.square(1));
        }
        if (op instanceof Op.GlobalMaxPool || op instanceof Op.GlobalAvgPool) {
            int h = x.dim(2), w = x.dim(3);
            return new Geometry(h, w, h, w, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1);
        }
        throw new IllegalArgumentException(op.kind() + " has no window");
    }

    /** A convolution's window from its input shape {@code x} to its output shape {@code y} ([N, C, H, W]). */
    static Geometry of(Op.Conv c, int[] x, int[] y) {
        return of(x, y, c.kernel(), c.stride(), c.pad(), c.dilation());
    }

    private static Geometry of(Tensor x, Tensor dy, Size2 kernel, Size2 stride, Padding pad, Size2 dilation) {
        return of(x.shape(), dy.shape(), kernel, stride, pad, dilation);
    }

    private static Geometry of(int[] x, int[] dy, Size2 kernel, Size2 stride, Padding pad, Size2 dilation) {
        int inH = x[2], inW = x[3];
        Padding.Explicit p = ConvArithmetic.resolve(pad, inH, inW, kernel, stride, dilation);
        return new Geometry(inH, inW, kernel.h(), kernel.w(), stride.h(), stride.w(), dilation.h(), dilation.w(),
                p.top(), p.left(), p.bottom(), p.right(), dy[2], dy[3]);
    }

    int inY(int oy, int ky) {
        return oy * sh - padTop + ky * dh;
    }

    int inX(int ox, int kx) {
        return ox * sw - padLeft + kx * dw;
    }
}
