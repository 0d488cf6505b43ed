package io.cnnkit.exec.kernel;

import io.cnnkit.exec.Tensor;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Max and average pooling, one input plane per work item, separably: for each output row the
 * valid kernel rows are first reduced column-wise into a scratch row (contiguous vector max/add),
 * then each kernel column combines a shifted (strided) run of that row into the output row over
 * the columns whose input lies inside the image, so no inner loop tests bounds. Tap column ranges
 * are precomputed. Average divisors follow PyTorch's avg_pool2d (see
 * {@link ReferenceKernels#avgPool}) and are separable, rows times columns. Global pools reduce
 * each contiguous plane.
 */
final class PoolKernel implements Kernel {
    private static final VectorSpecies<Float> S = Simd.S;

    enum Mode { MAX, AVG_COUNT_PAD, AVG }

    private final int[] outShape;
    private final Window w;
    private final Mode mode;
    private final boolean global, scalar;
    private final int[] rowDivisor, colDivisor;
    private final int[] tapShift, tapFirst, tapEnd;   // by kernel column: input = ox * sw + shift, ox in [first, end)

    PoolKernel(int[] outShape, Window w, Mode mode, boolean global, KernelOptions options) {
        this.outShape = outShape.clone();
        this.w = w;
        this.mode = mode;
        this.global = global;
        this.scalar = options.scalar();
        this.rowDivisor = new int[w.outH()];
        this.colDivisor = new int[w.outW()];
        for (int oy = 0; oy < w.outH(); oy++) {
            rowDivisor[oy] = divisor(oy * w.sh() - w.padTop(), w.kh(), w.dh(), w.inH(), w.padBottom());
        }
        for (int ox = 0; ox < w.outW(); ox++) {
            colDivisor[ox] = divisor(ox * w.sw() - w.padLeft(), w.kw(), w.dw(), w.inW(), w.padRight());
        }
        this.tapShift = new int[w.kw()];
        this.tapFirst = new int[w.kw()];
        this.tapEnd = new int[w.kw()];
        for (int kx = 0; kx < w.kw(); kx++) {
            tapShift[kx] = w.colShift(kx);
            tapFirst[kx] = w.firstCol(kx);
            tapEnd[kx] = w.endCol(kx);
        }
    }

    /** Window positions counted along one axis: clipped to the padded input, or to the input alone. */
    private int divisor(int start, int kernel, int dilation, int size, int padEnd) {
        if (mode == Mode.AVG_COUNT_PAD) {
            return Math.min(start + kernel, size + padEnd) - start;
        }
        return Math.max(0, endTap(start, dilation, kernel, size) - firstTap(start, dilation));
    }

    @Override
    public int[] outputShape() {
        return outShape.clone();
    }

    @Override
    public int scratchPerSlot() {
        return global ? 0 : w.inW();
    }

    @Override
    public void run(Tensor[] inputs, Tensor output, Workspace ws) {
        Tensor x = inputs[0];
        int planes = outShape[0] * outShape[1];
        int inPlane = w.inH() * w.inW();
        Parallel.forRange(ws, planes, (long) w.outSize() * w.kh() * w.kw(), (slot, from, to) -> {
            float[] rowScratch = ws.scratch(slot);
            for (int plane = from; plane < to; plane++) {
                int src = x.offset() + plane * inPlane, dst = output.offset() + plane * w.outSize();
                if (global) {
                    output.data()[dst] = reduce(x.data(), src, inPlane);
                } else {
                    plane(x.data(), src, output.data(), dst, rowScratch);
                }
            }
        });
    }

    private float reduce(float[] x, int src, int len) {
        boolean max = mode == Mode.MAX;
        float acc = max ? Float.NEGATIVE_INFINITY : 0f;
        int i = 0;
        if (!scalar && len >= S.length()) {
            FloatVector v = FloatVector.broadcast(S, acc);
            for (; i <= len - S.length(); i += S.length()) {
                FloatVector in = FloatVector.fromArray(S, x, src + i);
                v = max ? v.max(in) : v.add(in);
            }
            acc = v.reduceLanes(max ? VectorOperators.MAX : VectorOperators.ADD);
        }
        for (; i < len; i++) {
            acc = max ? Math.max(acc, x[src + i]) : acc + x[src + i];
        }
        return max ? acc : acc / len;
    }

    private void plane(float[] x, int src, float[] y, int dst, float[] row) {
        boolean max = mode == Mode.MAX;
        float identity = max ? Float.NEGATIVE_INFINITY : 0f;
        int inW = w.inW(), sw = w.sw();
        for (int oy = 0; oy < w.outH(); oy++) {
            int y0 = oy * w.sh() - w.padTop();
            int ky0 = firstTap(y0, w.dh()), ky1 = endTap(y0, w.dh(), w.kh(), w.inH());
            if (ky0 < ky1) {
                System.arraycopy(x, src + (y0 + ky0 * w.dh()) * inW, row, 0, inW);
            } else {
                Arrays.fill(row, 0, inW, identity);
            }
            for (int ky = ky0 + 1; ky < ky1; ky++) {
                combine(max, x, src + (y0 + ky * w.dh()) * inW, row, 0, inW);
            }
            int orow = dst + oy * w.outW();
            Arrays.fill(y, orow, orow + w.outW(), identity);
            for (int kx = 0; kx < w.kw(); kx++) {
                int shift = tapShift[kx], end = tapEnd[kx];
                if (sw == 1) {
                    combine(max, row, tapFirst[kx] + shift, y, orow + tapFirst[kx], end - tapFirst[kx]);
                } else {
                    for (int ox = tapFirst[kx]; ox < end; ox++) {
                        float in = row[ox * sw + shift];
                        y[orow + ox] = max ? Math.max(y[orow + ox], in) : y[orow + ox] + in;
                    }
                }
            }
            if (!max) {
                for (int ox = 0; ox < w.outW(); ox++) {
                    int divisor = rowDivisor[oy] * colDivisor[ox];
                    y[orow + ox] = divisor > 0 ? y[orow + ox] / divisor : 0f;
                }
            }
        }
    }

    /** acc[at, at + len) = max or sum of itself and in[from, from + len). */
    private void combine(boolean max, float[] in, int from, float[] acc, int at, int len) {
        int i = 0;
        if (!scalar) {
            for (; i <= len - S.length(); i += S.length()) {
                FloatVector a = FloatVector.fromArray(S, acc, at + i);
                FloatVector v = FloatVector.fromArray(S, in, from + i);
                (max ? a.max(v) : a.add(v)).intoArray(acc, at + i);
            }
        }
        for (; i < len; i++) {
            acc[at + i] = max ? Math.max(acc[at + i], in[from + i]) : acc[at + i] + in[from + i];
        }
    }

    /** The first tap whose input index start + tap * dilation is >= 0. */
    private static int firstTap(int start, int dilation) {
        return start >= 0 ? 0 : (-start + dilation - 1) / dilation;
    }

    /** One past the last tap whose input index is < size. */
    private static int endTap(int start, int dilation, int kernel, int size) {
        if (start >= size) {
            return 0;
        }
        return Math.min(kernel, (size - 1 - start) / dilation + 1);
    }
}
