package io.cnnkit.exec.kernel.pool;

import io.cnnkit.exec.Tensor;
import io.cnnkit.exec.kernel.Align;
import io.cnnkit.exec.kernel.Kernel;
import io.cnnkit.exec.kernel.KernelOptions;
import io.cnnkit.exec.kernel.Parallel;
import io.cnnkit.exec.kernel.Simd;
import io.cnnkit.exec.kernel.Window;
import io.cnnkit.exec.kernel.Workspace;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Max and average pooling, one input plane per work item, separably and without bounds tests in
 * the inner loops. Output rows are taken in blocks whose scratch stays in L1:
 * <ol>
 * <li><b>pad</b>: the input rows the block reads are copied into rows of {@link #wp} columns laid
 *     out like the padded input (left pad, the input, right pad and any ceil-mode overhang), pads
 *     and rows outside the input holding the identity (-inf for max, 0 for sums);
 * <li><b>down the kernel height</b>: each output row is the element-wise reduction of its kernel's
 *     padded rows (for stride 1 the whole block at once, flattened: one long vector loop; also
 *     for strided rows shorter than a vector, every padded row then, see {@link #allRows});
 * <li><b>across the kernel width</b>: every column of the block, flattened, is reduced with the
 *     next {@code kw - 1} taps at its dilation (contiguous shifted vectors; a row's windows never
 *     reach into the next row because {@code wp} covers every tap);
 * <li><b>stride and divisor</b>: output column ox is column {@code ox * sw} of that result (a row
 *     copy for stride 1, every other column a vector at a time for a stride-2 max, a strided copy
 *     otherwise), divided for averages by PyTorch's avg_pool2d
 *     divisor (see {@link ReferenceKernels#avgPool}), which is separable, rows times columns.
 * </ol>
 * Maxima use Math.max semantics (NaN wins, as in PyTorch). The scalar path does the same
 * operations in the same order, so both paths give identical results. Global pools, and windows
 * covering the whole plane, reduce each contiguous plane; a 3x3 max pool of stride 1 and padding 1
 * skips the padded copy ({@link #same}), and so does one of stride 2 ({@link #stride2}).
 */
public final class PoolKernel implements Kernel {
    private static final VectorSpecies<Float> S = Simd.S;
    private static final Class<? extends FloatVector> EXACT = Simd.EXACT;
    /** A vector's even lanes, in both halves of the result: two vectors' even lanes, blended, are every other column. */
    private static final VectorShuffle<Float> EVENS = VectorShuffle.fromOp(S, i -> 2 * (i % (S.length() / 2)));
    private static final VectorMask<Float> HIGH_HALF = VectorMask.fromLong(S, -1L << (S.length() / 2));
    /**
     * Where {@link #same} keeps the plane reduced down, past the scratch's alignment: a vector in,
     * so that the first value has a left neighbour to read.
     */
    private static final int SAME_AT = S.length();
    /**
     * Floats of a block of reduced rows: 8 KiB, so that with the padded input rows it reads (about
     * stride times as many) the block stays in a 32 KiB L1 (docs/performance.md, "Pools").
     */
    private static final int BLOCK_FLOATS = 2048;

    public enum Mode { MAX, AVG_COUNT_PAD, AVG }

    private final int[] outShape;
    private final Window w;
    private final Mode mode;
    private final boolean whole, scalar;
    /** Columns of a padded row: every column a window reads, pads and ceil-mode overhang included. */
    private final int wp;
    private final int blockRows, slack;
    /**
     * Strided rows shorter than a vector (GoogLeNet's 14x14 stride-2 pool): both passes run over
     * every padded row of a block, flattened, and the store takes every sh-th row: sh times the
     * work, but in long vector loops instead of a scalar one per output row, which is faster for
     * such rows. Rows of a vector or more keep the row-by-row pass, which computes only the rows
     * it needs and is faster for them.
     */
    private final boolean allRows;
    /**
     * A 3x3 max pool of stride 1 and padding 1 (Inception's fourth branches): reduced straight from
     * the input plane into the output plane, both flattened, with no padded copy ({@link #same}).
     */
    private final boolean same3x3;
    /**
     * A 3x3 max pool of stride 2 (the stems' and GoogLeNet's), any padding and ceil mode: row by
     * row from the input plane, without the padded copy ({@link #stride2}). Rows narrower than a
     * vector are loaded and stored under these masks.
     */
    private final boolean stride2x3;
    private final VectorMask<Float> inRow, outRow;
    private final int[] rowDivisor;
    private final float[] colDivisor;
    /** Some average window covers no input at all (PyTorch then outputs 0). */
    private final boolean emptyWindow;

    public PoolKernel(int[] outShape, Window w, Mode mode, boolean global, KernelOptions options) {
        this.outShape = outShape.clone();
        this.w = w;
        this.mode = mode;
        this.whole = global || w.outH() == 1 && w.outW() == 1 && w.kh() == w.inH() && w.kw() == w.inW()
                && w.dh() == 1 && w.dw() == 1
                && w.padTop() == 0 && w.padLeft() == 0 && w.padBottom() == 0 && w.padRight() == 0;
        this.scalar = options.scalar();
        this.wp = Math.max(w.padLeft() + w.inW() + w.padRight(), (w.outW() - 1) * w.sw() + (w.kw() - 1) * w.dw() + 1);
        this.blockRows = Math.max(1, Math.min(w.outH(), BLOCK_FLOATS / wp));
        this.slack = (w.kw() - 1) * w.dw();
        this.allRows = w.sh() > 1 && wp < S.length();
        this.same3x3 = mode == Mode.MAX && w.kh() == 3 && w.kw() == 3 && w.sh() == 1 && w.sw() == 1
                && w.dh() == 1 && w.dw() == 1 && w.padTop() == 1 && w.padLeft() == 1 && w.padBottom() == 1
                && w.padRight() == 1 && w.inH() >= 2 && w.inW() >= 2;
        this.stride2x3 = mode == Mode.MAX && !scalar && w.kh() == 3 && w.kw() == 3 && w.sh() == 2 && w.sw() == 2
                && w.dh() == 1 && w.dw() == 1;
        this.inRow = S.indexInRange(0, w.inW());
        this.outRow = S.indexInRange(0, w.outW());
        this.rowDivisor = new int[w.outH()];
        this.colDivisor = new float[w.outW()];
        boolean empty = false;
        for (int oy = 0; oy < w.outH(); oy++) {
            rowDivisor[oy] = divisor(oy * w.sh() - w.padTop(), w.kh(), w.dh(), w.inH(), w.padBottom());
            empty |= rowDivisor[oy] == 0;
        }
        for (int ox = 0; ox < w.outW(); ox++) {
            colDivisor[ox] = divisor(ox * w.sw() - w.padLeft(), w.kw(), w.dw(), w.inW(), w.padRight());
            empty |= colDivisor[ox] == 0;
        }
        this.emptyWindow = empty;
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
        // the padded input rows of a block (later the reduced rows), then the rows reduced down the kernel
        int paddedRows = (blockRows - 1) * w.sh() + (w.kh() - 1) * w.dh() + 1;
        if (whole) {
            return 0;
        }
        if (stride2x3) {
            return wp + 2 * S.length();
        }
        return same3x3 ? SAME_AT + w.inH() * w.inW() + 1 : paddedRows * wp + reducedRows(blockRows) * wp + slack;
    }

    @Override
    public void run(Tensor[] inputs, Tensor output, Workspace ws) {
        Tensor x = inputs[0];
        int planes = outShape[0] * outShape[1];
        int inPlane = w.inH() * w.inW();
        long work = whole ? inPlane : (long) w.outH() * wp * (w.kh() + w.kw());
        Parallel.forRange(ws, planes, work, (slot, from, to) -> {
            float[] scratch = ws.scratch(slot);
            for (int plane = from; plane < to; plane++) {
                int src = x.offset() + plane * inPlane, dst = output.offset() + plane * w.outSize();
                if (whole) {
                    output.data()[dst] = reduce(x.data(), src, inPlane);
                } else if (same3x3) {
                    same(x.data(), src, output.data(), dst, scratch);
                } else if (stride2x3) {
                    stride2(x.data(), src, output.data(), dst, scratch);
                } else {
                    plane(x.data(), src, output.data(), dst, scratch);
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
            // One constant operator per call: C2 intrinsifies a reduction only for a constant one.
            acc = max ? v.reduceLanes(VectorOperators.MAX) : v.reduceLanes(VectorOperators.ADD);
        }
        for (; i < len; i++) {
            acc = max ? Math.max(acc, x[src + i]) : acc + x[src + i];
        }
        return max ? acc : acc / len;
    }

    /**
     * The {@link #same3x3} pool of one plane. Down: rows 1..H-2 take the maximum of three input
     * rows in one flattened pass, the first and last rows of two. Across, flattened over the whole
     * plane: each value with its left and right neighbours, which is wrong only in the first and
     * last column of each row, where the window has two columns; those are redone. The same maxima
     * as the padded path (a pad is -inf), in a few long loops instead of a short call per row.
     */
    private void same(float[] x, int src, float[] y, int dst, float[] scratch) {
        int h = w.inH(), wd = w.inW(), v = Align.FLOATS + SAME_AT;
        reduceTaps(true, x, src, wd, 2, wd, scratch, v);
        reduceTaps(true, x, src, (h - 2) * wd, 3, wd, scratch, v + wd);
        reduceTaps(true, x, src + (h - 2) * wd, wd, 2, wd, scratch, v + (h - 1) * wd);
        reduceTaps(true, scratch, v - 1, h * wd, 3, 1, y, dst);
        for (int r = 0, at = v; r < h; r++, at += wd) {
            y[dst + r * wd] = Math.max(scratch[at], scratch[at + 1]);
            y[dst + r * wd + wd - 1] = Math.max(scratch[at + wd - 2], scratch[at + wd - 1]);
        }
    }

    /**
     * The {@link #stride2x3} pool of one plane, an output row at a time: the maximum of its (up to
     * three) input rows, read in place, into one padded row of scratch whose pads and ceil-mode
     * overhang hold -inf; then each output column, 16 at a time, as the maximum of the padded row
     * at 2·ox, 2·ox + 1 and 2·ox + 2 (two vectors at each shift, their even lanes kept). The last
     * vector of each pass overlaps the one before. The same maxima as the padded path.
     */
    private void stride2(float[] x, int src, float[] y, int dst, float[] scratch) {
        int inW = w.inW(), inH = w.inH(), outW = w.outW(), lanes = S.length();
        int row = Align.FLOATS, left = row + w.padLeft();
        Arrays.fill(scratch, row, row + w.padLeft(), Float.NEGATIVE_INFINITY);
        Arrays.fill(scratch, left + inW, row + wp + 2 * lanes, Float.NEGATIVE_INFINITY);
        for (int oy = 0; oy < w.outH(); oy++) {
            int top = oy * 2 - w.padTop(), first = Math.max(0, top), end = Math.min(inH, top + 3);
            int r0 = src + first * inW, r1 = src + Math.min(first + 1, end - 1) * inW;
            int r2 = src + (end - 1) * inW;
            // rows past the map repeat a row inside it: the same maximum
            if (inW < lanes) {
                FloatVector.fromArray(S, x, r0, inRow).max(FloatVector.fromArray(S, x, r1, inRow))
                        .max(FloatVector.fromArray(S, x, r2, inRow)).intoArray(scratch, left, inRow);
            } else {
                for (int i = 0; ; i += lanes) {
                    int at = Math.min(i, inW - lanes);
                    FloatVector.fromArray(S, x, r0 + at).max(FloatVector.fromArray(S, x, r1 + at))
                            .max(FloatVector.fromArray(S, x, r2 + at)).intoArray(scratch, left + at);
                    if (at == inW - lanes) {
                        break;
                    }
                }
            }
            int to = dst + oy * outW;
            if (outW < lanes) {
                evenMaxima(scratch, row).intoArray(y, to, outRow);
                continue;
            }
            for (int ox = 0; ; ox += lanes) {
                int at = Math.min(ox, outW - lanes);
                evenMaxima(scratch, row + 2 * at).intoArray(y, to + at);
                if (at == outW - lanes) {
                    break;
                }
            }
        }
    }

    /** Lane i: the maximum of {@code h[from + 2i]}, {@code h[from + 2i + 1]} and {@code h[from + 2i + 2]}. */
    private static FloatVector evenMaxima(float[] h, int from) {
        int lanes = S.length();
        FloatVector lo = FloatVector.fromArray(S, h, from).max(FloatVector.fromArray(S, h, from + 1))
                .max(FloatVector.fromArray(S, h, from + 2));
        FloatVector hi = FloatVector.fromArray(S, h, from + lanes).max(FloatVector.fromArray(S, h, from + lanes + 1))
                .max(FloatVector.fromArray(S, h, from + lanes + 2));
        return lo.rearrange(EVENS).blend(hi.rearrange(EVENS), HIGH_HALF);
    }

    /** Rows reduced down the kernel for a block of {@code rows} output rows. */
    private int reducedRows(int rows) {
        return allRows ? (rows - 1) * w.sh() + 1 : rows;
    }

    private void plane(float[] x, int src, float[] y, int dst, float[] scratch) {
        boolean max = mode == Mode.MAX;
        float identity = max ? Float.NEGATIVE_INFINITY : 0f;
        int sh = w.sh(), tapRows = (w.kh() - 1) * w.dh();
        int vAt = (blockRows - 1) * sh * wp + (tapRows + 1) * wp;   // after the largest padded block
        for (int oy0 = 0; oy0 < w.outH(); oy0 += blockRows) {
            int rows = Math.min(blockRows, w.outH() - oy0);
            int paddedRows = (rows - 1) * sh + tapRows + 1;
            pad(identity, x, src, oy0 * sh - w.padTop(), paddedRows, scratch);
            int reduced = reducedRows(rows) * wp;
            if (sh == 1 || allRows) {
                reduceTaps(max, scratch, 0, reduced, w.kh(), w.dh() * wp, scratch, vAt);
            } else {
                for (int r = 0; r < rows; r++) {
                    reduceTaps(max, scratch, r * sh * wp, wp, w.kh(), w.dh() * wp, scratch, vAt + r * wp);
                }
            }
            Arrays.fill(scratch, vAt + reduced, vAt + reduced + slack, identity);
            // across into the start of the scratch: the padded rows are no longer needed
            reduceTaps(max, scratch, vAt, reduced, w.kw(), w.dw(), scratch, 0);
            int rowStep = allRows ? sh * wp : wp;
            for (int r = 0; r < rows; r++) {
                store(scratch, r * rowStep, oy0 + r, y, dst + (oy0 + r) * w.outW());
            }
        }
    }

    /** Input rows [iy0, iy0 + rows) as padded rows of wp columns at the start of {@code p}, identity outside. */
    private void pad(float identity, float[] x, int src, int iy0, int rows, float[] p) {
        int inW = w.inW(), left = w.padLeft();
        for (int r = 0; r < rows; r++) {
            int iy = iy0 + r, at = r * wp;
            if (iy < 0 || iy >= w.inH()) {
                Arrays.fill(p, at, at + wp, identity);
                continue;
            }
            for (int j = 0; j < left; j++) {
                p[at + j] = identity;
            }
            System.arraycopy(x, src + iy * inW, p, at + left, inW);
            for (int j = at + left + inW; j < at + wp; j++) {
                p[j] = identity;
            }
        }
    }

    /**
     * dst[at + i] = src[from + i] reduced with src[from + i + t * step] for taps t in [1, taps),
     * i in [0, n): down the kernel (step = rows apart) or across it (step = dilation).
     */
    private void reduceTaps(boolean max, float[] src, int from, int n, int taps, int step, float[] dst, int at) {
        int i = 0;
        int lanes = S.length();
        if (!scalar && n >= lanes) {
            // The last vector ends at n, overlapping the previous one (dst never overlaps src, so the
            // overlap recomputes the same values) instead of a scalar tail: rows of 30 columns (a
            // 28x28 map's stride-2 pool) were one vector and 14 scalars each.
            int last = n - lanes;
            if (taps == 3) {   // the zoo's 3x3 windows, unrolled
                for (; i < last; i += lanes) {
                    reduce3(max, src, from + i, step, dst, at + i);
                }
                reduce3(max, src, from + last, step, dst, at + last);
            } else {
                for (; i < last; i += lanes) {
                    reduceVector(max, src, from + i, taps, step, dst, at + i);
                }
                reduceVector(max, src, from + last, taps, step, dst, at + last);
            }
            return;
        }
        for (; i < n; i++) {
            float acc = src[from + i];
            for (int t = 1; t < taps; t++) {
                float in = src[from + i + t * step];
                acc = max ? Math.max(acc, in) : acc + in;
            }
            dst[at + i] = acc;
        }
    }

    /** One vector of {@link #reduceTaps} for three taps. */
    private static void reduce3(boolean max, float[] src, int from, int step, float[] dst, int at) {
        FloatVector a = FloatVector.fromArray(S, src, from);
        FloatVector b = FloatVector.fromArray(S, src, from + step);
        FloatVector c = FloatVector.fromArray(S, src, from + 2 * step);
        (max ? a.max(b).max(c) : a.add(b).add(c)).intoArray(dst, at);
    }

    /** One vector of columns 0, 2, 4, ... of {@code h} from {@code at}, to {@code y} at {@code to}. */
    private static void evenColumns(float[] h, int at, float[] y, int to) {
        FloatVector lo = FloatVector.fromArray(S, h, at);
        FloatVector hi = FloatVector.fromArray(S, h, at + S.length());
        lo.rearrange(EVENS).blend(hi.rearrange(EVENS), HIGH_HALF).intoArray(y, to);
    }

    /** One vector of {@link #reduceTaps}. */
    private static void reduceVector(boolean max, float[] src, int from, int taps, int step, float[] dst, int at) {
        FloatVector acc = FloatVector.fromArray(S, src, from);
        for (int t = 1; t < taps; t++) {
            FloatVector in = FloatVector.fromArray(S, src, from + t * step);
            acc = max ? acc.max(in) : acc.add(in);
        }
        EXACT.cast(acc).intoArray(dst, at);   // acc is a loop phi: see Simd.EXACT
    }

    /** Output row {@code oy} from the reduced padded row at {@code at}: every sw-th column, divided for averages. */
    private void store(float[] h, int at, int oy, float[] y, int to) {
        int outW = w.outW(), sw = w.sw();
        if (mode == Mode.MAX) {
            if (sw == 1) {
                System.arraycopy(h, at, y, to, outW);
            } else if (sw == 2 && !scalar && outW >= S.length()) {
                // every other column, a vector at a time; the last vector ends at outW, overlapping
                // (a reduced row holds at least 2 * outW - 1 columns, so reads stay in the scratch)
                int lanes = S.length(), last = outW - lanes;
                for (int ox = 0; ox < last; ox += lanes) {
                    evenColumns(h, at + 2 * ox, y, to + ox);
                }
                evenColumns(h, at + 2 * last, y, to + last);
            } else {
                for (int ox = 0; ox < outW; ox++) {
                    y[to + ox] = h[at + ox * sw];
                }
            }
            return;
        }
        float rows = rowDivisor[oy];
        int ox = 0;
        if (!scalar && !emptyWindow && sw == 1) {
            for (; ox <= outW - S.length(); ox += S.length()) {
                FloatVector d = FloatVector.fromArray(S, colDivisor, ox).mul(rows);
                FloatVector.fromArray(S, h, at + ox).div(d).intoArray(y, to + ox);
            }
        }
        for (; ox < outW; ox++) {
            float d = rows * colDivisor[ox];
            y[to + ox] = d > 0 ? h[at + ox * sw] / d : 0f;
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
