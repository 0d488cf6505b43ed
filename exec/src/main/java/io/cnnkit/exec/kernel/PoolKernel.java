package io.cnnkit.exec.kernel;

import io.cnnkit.exec.Tensor;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Max and average pooling, one input plane per work item. Windowed pools go tap by tap: each tap
 * (ky, kx) combines a shifted input row into the output row over the columns whose input lies
 * inside the image, so the inner loop has no bounds tests (and is a vector max/add with stride 1).
 * Average divisors follow PyTorch's avg_pool2d (see {@link ReferenceKernels#avgPool}) and are
 * separable, rows times columns, so they are computed once at preparation. Global pools reduce
 * each contiguous plane.
 */
final class PoolKernel implements Kernel {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_256;

    enum Mode { MAX, AVG_COUNT_PAD, AVG }

    private final int[] outShape;
    private final Window w;
    private final Mode mode;
    private final boolean global, scalar;
    private final int[] rowDivisor, colDivisor;

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
    public void run(Tensor[] inputs, Tensor output, Workspace ws) {
        Tensor x = inputs[0];
        int planes = outShape[0] * outShape[1];
        int inPlane = w.inH() * w.inW();
        Parallel.forRange(ws, planes, (long) w.outSize() * w.kh() * w.kw(), (slot, from, to) -> {
            for (int plane = from; plane < to; plane++) {
                int src = x.offset() + plane * inPlane, dst = output.offset() + plane * w.outSize();
                if (global) {
                    output.data()[dst] = reduce(x.data(), src, inPlane);
                } else {
                    plane(x.data(), src, output.data(), dst);
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

    private void plane(float[] x, int src, float[] y, int dst) {
        boolean max = mode == Mode.MAX;
        for (int oy = 0; oy < w.outH(); oy++) {
            int orow = dst + oy * w.outW();
            Arrays.fill(y, orow, orow + w.outW(), max ? Float.NEGATIVE_INFINITY : 0f);
            int y0 = oy * w.sh() - w.padTop();
            for (int ky = firstTap(y0, w.dh()), ky1 = endTap(y0, w.dh(), w.kh(), w.inH()); ky < ky1; ky++) {
                int irow = src + (y0 + ky * w.dh()) * w.inW();
                for (int kx = 0; kx < w.kw(); kx++) {
                    int shift = w.colShift(kx), hi = w.endCol(kx);
                    int ox = w.firstCol(kx);
                    if (w.sw() == 1 && !scalar) {
                        for (; ox <= hi - S.length(); ox += S.length()) {
                            FloatVector acc = FloatVector.fromArray(S, y, orow + ox);
                            FloatVector in = FloatVector.fromArray(S, x, irow + ox + shift);
                            (max ? acc.max(in) : acc.add(in)).intoArray(y, orow + ox);
                        }
                    }
                    for (; ox < hi; ox++) {
                        float in = x[irow + ox * w.sw() + shift];
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
