package io.cnnkit.analyzer;

import io.cnnkit.compiler.op.Padding;
import io.cnnkit.compiler.op.Size2;

/**
 * The one place for convolution and pooling size arithmetic, with PyTorch semantics. Every
 * operation is exact: a result that does not fit a {@code long} throws {@link ArithmeticException},
 * which the analyzer turns into a diagnostic.
 */
public final class ConvArithmetic {

    private ConvArithmetic() {
    }

    /** The extent of a dilated kernel: {@code dilation * (kernel - 1) + 1}. */
    public static long effectiveKernel(int kernel, int dilation) {
        return Math.addExact(Math.multiplyExact((long) dilation, kernel - 1L), 1);
    }

    /**
     * The output length along one axis. Floor mode: {@code floor((in + pads - effKernel) / stride) + 1}.
     * Ceil mode rounds up instead, but, as PyTorch does, drops a last window that would start
     * beyond the input and its begin padding. The result may be {@code <= 0} for callers to report.
     */
    public static long outputSize(long in, int kernel, int stride, int padBegin, int padEnd, int dilation,
                                  boolean ceil) {
        long padded = Math.addExact(in, (long) padBegin + padEnd);
        long span = Math.subtractExact(padded, effectiveKernel(kernel, dilation));
        long out = (ceil ? -Math.floorDiv(-span, stride) : Math.floorDiv(span, stride)) + 1;
        if (ceil && out > 0 && Math.multiplyExact(out - 1, (long) stride) >= in + padBegin) {
            out--;
        }
        return out;
    }

    /**
     * Rows (or columns) of real input, not padding, that no window reaches in floor mode:
     * the remainder of the last stride minus the end padding it would have covered. Windows
     * narrower than their stride skip rows everywhere by design (a 1x1 stride-2 projection), so
     * nothing is reported for them.
     */
    public static long droppedSize(long in, int kernel, int stride, int padBegin, int padEnd, int dilation,
                                   boolean ceil) {
        long extent = effectiveKernel(kernel, dilation);
        if (ceil || extent < stride) {
            return 0;
        }
        long span = Math.subtractExact(Math.addExact(in, (long) padBegin + padEnd), extent);
        if (span < 0) {
            return 0;
        }
        return Math.max(0, Math.floorMod(span, (long) stride) - padEnd);
    }

    /**
     * Resolves {@link Padding.Same} (ONNX SAME_UPPER: output {@code ceil(in / stride)}, an odd total
     * padding puts the extra row/column at the bottom/right) to explicit pads for this input size.
     * {@link Padding.Explicit} is returned as is.
     */
    public static Padding.Explicit resolve(Padding pad, long inH, long inW, Size2 kernel, Size2 stride,
                                           Size2 dilation) {
        if (pad instanceof Padding.Explicit explicit) {
            return explicit;
        }
        int totalH = samePadding(inH, kernel.h(), stride.h(), dilation.h());
        int totalW = samePadding(inW, kernel.w(), stride.w(), dilation.w());
        return new Padding.Explicit(totalH / 2, totalW / 2, totalH - totalH / 2, totalW - totalW / 2);
    }

    private static int samePadding(long in, int kernel, int stride, int dilation) {
        long out = -Math.floorDiv(-in, stride);
        long total = Math.addExact(Math.multiplyExact(out - 1, (long) stride), effectiveKernel(kernel, dilation)) - in;
        return Math.toIntExact(Math.max(0, total));
    }

    /** First input index of adaptive pooling's window {@code i} of {@code out} over {@code in}: floor(i·in/out). */
    public static int adaptiveStart(int i, int in, int out) {
        return (int) ((long) i * in / out);
    }

    /** One past the last input index of adaptive pooling's window {@code i}: ceil((i+1)·in/out). */
    public static int adaptiveEnd(int i, int in, int out) {
        return (int) (((long) (i + 1) * in + out - 1) / out);
    }
}
