package io.cnnkit.exec.kernel;

import io.cnnkit.compiler.op.Padding;
import io.cnnkit.compiler.op.Size2;

/** Conv/pool size arithmetic (temporary: to be replaced by the analyzer's ConvArithmetic). */
final class SizeArithmetic {
    private SizeArithmetic() {
    }

    /** PyTorch: floor, or ceil where the last window must start inside the input or the begin padding. */
    static long outputSize(long in, int kernel, int stride, int padBegin, int padEnd, int dilation, boolean ceil) {
        long span = in + padBegin + padEnd - (long) dilation * (kernel - 1) - 1;
        if (span < 0) {
            return 0;
        }
        long out = (ceil ? Math.floorDiv(span + stride - 1, stride) : Math.floorDiv(span, stride)) + 1;
        if (ceil && (out - 1) * stride >= in + padBegin) {
            out--;
        }
        return out;
    }

    /** SAME_UPPER: out = ceil(in / stride), odd padding at the end. */
    static Padding.Explicit resolve(Padding pad, long inH, long inW, Size2 kernel, Size2 stride, Size2 dilation) {
        if (pad instanceof Padding.Explicit explicit) {
            return explicit;
        }
        int h = samePad(inH, kernel.h(), stride.h(), dilation.h());
        int w = samePad(inW, kernel.w(), stride.w(), dilation.w());
        return new Padding.Explicit(h / 2, w / 2, h - h / 2, w - w / 2);
    }

    private static int samePad(long in, int kernel, int stride, int dilation) {
        long out = (in + stride - 1) / stride;
        long total = (out - 1) * stride + (long) dilation * (kernel - 1) + 1 - in;
        return (int) Math.max(0, total);
    }
}
