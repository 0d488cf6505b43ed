package io.cnnkit.exec.kernel.conv;

import io.cnnkit.exec.Tensor;
import io.cnnkit.exec.kernel.Simd;
import io.cnnkit.exec.kernel.Window;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The input of a convolution copied once into a zero-padded buffer and split for stride (sh, sw)
 * into sh x sw phase planes xq[a][b][i][j] = xpad[i * sh + a][j * sw + b], each Hq x Wq =
 * ceil(Hp / sh) x ceil(Wp / sw) (for stride 1 just the padded input). Output positions are
 * numbered in phase coordinates, p = oy * Wq + ox, so that the input that K row (ci, ky, kx) of the
 * im2col matrix holds for position p is {@code xq[p + offset(kk)]}: one offset per K row, and
 * consecutive output columns of a row read consecutive floats. Positions ox >= outW of a phase row
 * may be computed and dropped; they read the next row, plane or {@link #TAIL} floats past the
 * planes, never outside the buffer. Winograd's convolution uses the same split with m x m phases
 * of its own size ({@link #tiles}), reading them at offsets of its own.
 */
final class PhasePlanes implements InputCopy {
    private static final VectorSpecies<Float> S = Simd.S;
    /** A vector's even (odd) lanes, in both halves of the result: two vectors' blended are one column phase. */
    private static final VectorShuffle<Float> EVENS = VectorShuffle.fromOp(S, i -> 2 * (i % (S.length() / 2)));
    private static final VectorShuffle<Float> ODDS = VectorShuffle.fromOp(S, i -> 2 * (i % (S.length() / 2)) + 1);
    private static final VectorMask<Float> HIGH_HALF = VectorMask.fromLong(S, -1L << (S.length() / 2));
    /** Floats past the planes that dropped positions may read, besides one phase row. */
    static final int TAIL = 64;

    private final Window w;
    private final int sh, sw, wq, planeQ, channelSize;
    private final int[] offsets;
    /** Per column phase b, the phase columns that read inside an input row; and the columns where all do. */
    private final int[] colStart, colEnd;
    private final int allFrom, allTo;

    /** The planes of a convolution with window {@code w}, split by its stride, with the offsets of its K rows. */
    PhasePlanes(Window w, int cinG) {
        this(w, w.sh(), w.sw(), ceilDiv(w.inH() + w.padTop() + w.padBottom(), w.sh()), width(w), cinG);
    }

    /** m x m phase planes of {@code rows} x {@code cols} each of the input of {@code w} (no K-row offsets). */
    static PhasePlanes tiles(Window w, int m, int rows, int cols) {
        return new PhasePlanes(w, m, m, rows, cols, 0);
    }

    private PhasePlanes(Window w, int sh, int sw, int rows, int cols, int cinG) {
        this.w = w;
        this.sh = sh;
        this.sw = sw;
        this.wq = cols;
        this.planeQ = rows * cols;
        this.channelSize = sh * sw * planeQ;
        this.colStart = new int[sw];
        this.colEnd = new int[sw];
        int from = 0, to = wq;
        for (int b = 0; b < sw; b++) {
            int first = b - w.padLeft();
            colStart[b] = Math.min(wq, Math.max(0, ceilDiv(-first, sw)));
            colEnd[b] = Math.max(colStart[b], Math.min(wq, ceilDiv(w.inW() - first, sw)));
            from = Math.max(from, colStart[b]);
            to = Math.min(to, colEnd[b]);
        }
        this.allFrom = from;
        this.allTo = Math.max(from, to);
        this.offsets = new int[cinG * w.kh() * w.kw()];
        for (int ci = 0, kk = 0; ci < cinG; ci++) {
            for (int ky = 0; ky < w.kh(); ky++) {
                int dy = ky * w.dh();
                for (int kx = 0; kx < w.kw(); kx++) {
                    int dx = kx * w.dw();
                    int phase = (dy % sh) * sw + dx % sw;
                    offsets[kk++] = ci * channelSize + phase * planeQ + (dy / sh) * wq + dx / sw;
                }
            }
        }
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    /** Wq: columns of a phase plane. */
    static int width(Window w) {
        return ceilDiv(w.inW() + w.padLeft() + w.padRight(), w.sw());
    }

    int width() {
        return wq;
    }

    /** Floats per input channel (all its phase planes). */
    @Override
    public int channelSize() {
        return channelSize;
    }

    /** Offset of K row kk (ci, ky, kx) from an output position, per {@link #offsets()}. */
    int[] offsets() {
        return offsets;
    }

    /** Floats of the buffer for {@code channels} input channels, with the tail dropped positions read. */
    @Override
    public int bufferSize(int channels) {
        return channels * channelSize + wq + TAIL;
    }

    @Override
    public void fill(Tensor x, int first, int count, float[] dst, int at) {
        for (int i = 0; i < count; i++) {
            pad(x.data(), x.offset() + (first + i) * w.inH() * w.inW(), dst, at + i * channelSize);
        }
    }

    /** The even floats of two vectors of {@code x} from {@code from}: one vector, to dst[at, at + lanes). */
    static void evens(float[] x, int from, float[] dst, int at) {
        FloatVector lo = FloatVector.fromArray(S, x, from);
        FloatVector hi = FloatVector.fromArray(S, x, from + S.length());
        lo.rearrange(EVENS).blend(hi.rearrange(EVENS), HIGH_HALF).intoArray(dst, at);
    }

    /** Even and odd floats of two vectors of {@code x} from {@code from}: one vector each, to {@code even} and {@code odd}. */
    private static void splitPair(float[] x, int from, float[] dst, int even, int odd) {
        FloatVector lo = FloatVector.fromArray(S, x, from);
        FloatVector hi = FloatVector.fromArray(S, x, from + S.length());
        lo.rearrange(EVENS).blend(hi.rearrange(EVENS), HIGH_HALF).intoArray(dst, even);
        lo.rearrange(ODDS).blend(hi.rearrange(ODDS), HIGH_HALF).intoArray(dst, odd);
    }

    /**
     * x[from + 4i + b] to dst[at + b · planeQ + i] for the four phases b and i < n (at most a
     * vector): four input vectors split into even and odd floats, then each half again. Only the
     * 4n floats read are loaded where the vectors would pass the end of {@code x}, and only n
     * lanes are stored.
     */
    private static void splitFour(float[] x, int from, float[] dst, int at, int planeQ, int n) {
        int lanes = S.length();
        FloatVector v0 = load(x, from, 4 * n), v1 = load(x, from + lanes, 4 * n - lanes);
        FloatVector v2 = load(x, from + 2 * lanes, 4 * n - 2 * lanes), v3 = load(x, from + 3 * lanes, 4 * n - 3 * lanes);
        FloatVector e01 = v0.rearrange(EVENS).blend(v1.rearrange(EVENS), HIGH_HALF);
        FloatVector o01 = v0.rearrange(ODDS).blend(v1.rearrange(ODDS), HIGH_HALF);
        FloatVector e23 = v2.rearrange(EVENS).blend(v3.rearrange(EVENS), HIGH_HALF);
        FloatVector o23 = v2.rearrange(ODDS).blend(v3.rearrange(ODDS), HIGH_HALF);
        FloatVector p0 = e01.rearrange(EVENS).blend(e23.rearrange(EVENS), HIGH_HALF);
        FloatVector p2 = e01.rearrange(ODDS).blend(e23.rearrange(ODDS), HIGH_HALF);
        FloatVector p1 = o01.rearrange(EVENS).blend(o23.rearrange(EVENS), HIGH_HALF);
        FloatVector p3 = o01.rearrange(ODDS).blend(o23.rearrange(ODDS), HIGH_HALF);
        if (n == lanes) {
            p0.intoArray(dst, at);
            p1.intoArray(dst, at + planeQ);
            p2.intoArray(dst, at + 2 * planeQ);
            p3.intoArray(dst, at + 3 * planeQ);
            return;
        }
        VectorMask<Float> m = VectorMask.fromLong(S, (1L << n) - 1);
        p0.intoArray(dst, at, m);
        p1.intoArray(dst, at + planeQ, m);
        p2.intoArray(dst, at + 2 * planeQ, m);
        p3.intoArray(dst, at + 3 * planeQ, m);
    }

    /** A vector of x from {@code from}, of which only the first {@code count} floats are needed. */
    private static FloatVector load(float[] x, int from, int count) {
        if (count <= 0) {
            return FloatVector.zero(S);
        }
        if (from + S.length() <= x.length) {
            return FloatVector.fromArray(S, x, from);
        }
        return FloatVector.fromArray(S, x, from, VectorMask.fromLong(S, (1L << Math.min(count, S.length())) - 1));
    }

    /**
     * One input channel into its zero-padded phase planes at {@code at}. Phase column j of column
     * phase b reads input column j * sw + b - padLeft, inside the row for j in [colStart[b],
     * colEnd[b]). For stride 2 (and Winograd F(4,3)'s 4) the columns where every phase reads inside
     * the row are copied in one pass over the input row, a vector of each phase at a time, the edges
     * phase by phase; other strides go phase by phase.
     */
    private void pad(float[] x, int src, float[] dst, int at) {
        int hq = planeQ / wq;
        for (int a = 0; a < sh; a++) {
            for (int i = 0; i < hq; i++) {
                int rowA = at + a * sw * planeQ + i * wq;   // phase (a, b) is b planes further
                int iy = i * sh + a - w.padTop();
                if (iy < 0 || iy >= w.inH()) {
                    for (int b = 0; b < sw; b++) {
                        Arrays.fill(dst, rowA + b * planeQ, rowA + b * planeQ + wq, 0f);
                    }
                    continue;
                }
                int in = src + iy * w.inW() - w.padLeft();
                for (int b = 0; b < sw; b++) {
                    int row = rowA + b * planeQ;
                    zero(dst, row, row + colStart[b]);
                    zero(dst, row + colEnd[b], row + wq);
                }
                if (sw == 1) {
                    System.arraycopy(x, in + colStart[0], dst, rowA + colStart[0], colEnd[0] - colStart[0]);
                    continue;
                }
                if (sw == 4) {
                    // Winograd F(4,3)'s phases: the columns where all four read inside the row 16
                    // of each phase at a time from four input vectors
                    copyEdges(x, in, dst, rowA);
                    for (int j = allFrom; j < allTo; j += S.length()) {
                        splitFour(x, in + 4 * j, dst, rowA + j, planeQ, Math.min(S.length(), allTo - j));
                    }
                    continue;
                }
                if (sw != 2) {
                    // phase by phase: one strided pass over the row each
                    for (int b = 0; b < sw; b++) {
                        int row = rowA + b * planeQ;
                        for (int j = colStart[b]; j < colEnd[b]; j++) {
                            dst[row + j] = x[in + j * sw + b];
                        }
                    }
                    continue;
                }
                copyEdges(x, in, dst, rowA);
                int lanes = S.length(), last = allTo - lanes, j = allFrom;
                if (last >= allFrom) {
                    // a vector of each phase from two input vectors; the last vector ends at allTo, overlapping
                    for (; j < last; j += lanes) {
                        splitPair(x, in + 2 * j, dst, rowA + j, rowA + planeQ + j);
                    }
                    splitPair(x, in + 2 * last, dst, rowA + last, rowA + planeQ + last);
                    continue;
                }
                if (allTo - allFrom > 1) {
                    // a row shorter than a vector of each phase (28x28 and 14x14 maps): under a mask
                    splitShortPair(x, in + 2 * j, dst, rowA + j, planeQ, allTo - allFrom);
                    continue;
                }
                for (; j < allTo; j++) {
                    dst[rowA + j] = x[in + 2 * j];
                    dst[rowA + planeQ + j] = x[in + 2 * j + 1];
                }
            }
        }
    }

    /**
     * dst[from, to) = 0 for the pads of one row, none to a few floats: Arrays.fill's call cost more
     * than the floats it wrote (a 64x56 3x3/2 layer ran 3.5% faster with this loop).
     */
    private static void zero(float[] dst, int from, int to) {
        for (int i = from; i < to; i++) {
            dst[i] = 0f;
        }
    }

    /** The columns of each phase row that read inside the input row but outside [allFrom, allTo), one by one. */
    private void copyEdges(float[] x, int in, float[] dst, int rowA) {
        for (int b = 0; b < sw; b++) {
            int row = rowA + b * planeQ;
            for (int j = colStart[b]; j < Math.min(colEnd[b], allFrom); j++) {
                dst[row + j] = x[in + j * sw + b];
            }
            for (int j = Math.max(colStart[b], allTo); j < colEnd[b]; j++) {
                dst[row + j] = x[in + j * sw + b];
            }
        }
    }

    /** x[from + 2i + b] to dst[at + b · planeQ + i] for both phases b and i < n, fewer than a vector. */
    private static void splitShortPair(float[] x, int from, float[] dst, int at, int planeQ, int n) {
        int lanes = S.length();
        FloatVector lo = load(x, from, 2 * n), hi = load(x, from + lanes, 2 * n - lanes);
        VectorMask<Float> m = VectorMask.fromLong(S, (1L << n) - 1);
        lo.rearrange(EVENS).blend(hi.rearrange(EVENS), HIGH_HALF).intoArray(dst, at, m);
        lo.rearrange(ODDS).blend(hi.rearrange(ODDS), HIGH_HALF).intoArray(dst, at + planeQ, m);
    }
}
