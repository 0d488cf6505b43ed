package io.cnnkit.train.grad;

import io.cnnkit.analyzer.ConvArithmetic;
import io.cnnkit.compiler.op.Op;
import io.cnnkit.compiler.op.Padding;
import io.cnnkit.compiler.op.Size2;

/** The resolved window of a conv or pool layer over one input size (pads explicit, output size known). */
record Geometry(int inH, int inW, int kh, int kw, int sh, int sw, int dh, int dw,
                int padTop, int padLeft, int padBottom, int padRight, int outH, int outW) {

    static Geometry of(Op op, int inH, int inW) {
        if (op instanceof Op.Conv c) {
            return of(inH, inW, c.kernel(), c.stride(), c.pad(), c.dilation(), false);
        }
        if (op instanceof Op.MaxPool p) {
            return of(inH, inW, p.kernel(), p.stride(), p.pad(), p.dilation(), p.ceil());
        }
        if (op instanceof Op.AvgPool p) {
            return of(inH, inW, p.kernel(), p.stride(), p.pad(), Size2.square(1), p.ceil());
        }
        throw new IllegalArgumentException(op.kind() + " has no window");
    }

    static Geometry of(int inH, int inW, Size2 kernel, Size2 stride, Padding pad, Size2 dilation, boolean ceil) {
        Padding.Explicit p = ConvArithmetic.resolve(pad, inH, inW, kernel, stride, dilation);
        long outH = ConvArithmetic.outputSize(inH, kernel.h(), stride.h(), p.top(), p.bottom(), dilation.h(), ceil);
        long outW = ConvArithmetic.outputSize(inW, kernel.w(), stride.w(), p.left(), p.right(), dilation.w(), ceil);
        return new Geometry(inH, inW, kernel.h(), kernel.w(), stride.h(), stride.w(), dilation.h(), dilation.w(),
                p.top(), p.left(), p.bottom(), p.right(), Math.toIntExact(outH), Math.toIntExact(outW));
    }

    int inY(int oy, int ky) {
        return oy * sh - padTop + ky * dh;
    }

    int inX(int ox, int kx) {
        return ox * sw - padLeft + kx * dw;
    }
}
