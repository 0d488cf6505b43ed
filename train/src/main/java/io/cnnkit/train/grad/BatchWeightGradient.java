package io.cnnkit.train.grad;

import io.cnnkit.exec.kernel.Align;
import io.cnnkit.exec.kernel.KernelOptions;
import io.cnnkit.exec.kernel.gemm.Sgemm;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A convolution's weight gradient for one group over the whole batch at once, for small maps with
 * many channels (ResNet's 7x7 and 14x14 stages): dW [coutG x K] = dY [coutG x P] · im2row(x) [P x K]
 * with P every position of every image. dY and im2row(x) are packed once, images in parallel, and
 * the tiles are then split over blocks of output channels, each tile summing all P positions in
 * one pass. Where {@link ConvWeightGradient} sums chunks of a few images (196 positions on a 7x7
 * map) into a private copy of the whole gradient that is then added up, on these layers several
 * MB per chunk written and read back to sum a few hundred products each, here every element of dW
 * is written once, and its sum runs over the images in one fixed order whatever thread computes
 * it: bit-identical on any number of threads.
 */
final class BatchWeightGradient {
    private static final boolean SCALAR = Boolean.getBoolean(KernelOptions.SCALAR_PROPERTY);
    /** The largest packed im2row(x) for the whole batch, in floats: well within the L3 cache, read once per block. */
    static final long MAX_FLOATS = 4L << 20;
    /** A panels per block: a block's A panels stay in L2 while every B panel meets them. */
    private static final int PANELS_PER_BLOCK = 8;
    /** The packed operands, kept from call to call (one caller at a time takes them; another allocates its own). */
    private static final AtomicReference<float[]> KEPT_A = new AtomicReference<>(), KEPT_B = new AtomicReference<>();

    private BatchWeightGradient() {
    }

    /** Whether the whole batch's packed im2row(x) has at most {@code maxFloats} floats. */
    static boolean fits(int n, int coutG, int cinG, Geometry w, long maxFloats) {
        int k = cinG * w.kh() * w.kw();
        Sgemm.Shape shape = Sgemm.best(coutG, k);
        long ldc = (long) (k + shape.nr() - 1) / shape.nr() * shape.nr();
        return ldc * n * w.outH() * w.outW() <= maxFloats;
    }

    /**
     * Writes the weight gradient of group {@code g} over all {@code n} images into {@code dw} from
     * {@code at} ([coutG x K] row-major; overwritten, not added to).
     */
    static void compute(float[] x, int xOff, int cin, float[] dy, int dyOff, int cout, int n, int g, int cinG, int coutG,
                        Geometry w, float[] dw, int at, ForkJoinPool pool) {
        int k = cinG * w.kh() * w.kw(), positions = w.outH() * w.outW(), total = n * positions;
        Sgemm.Shape shape = Sgemm.best(coutG, k);
        int mr = shape.mr(), nr = shape.nr();
        int mPanels = (coutG + mr - 1) / mr, nPanels = (k + nr - 1) / nr, ldc = nPanels * nr;
        float[] a = take(KEPT_A, mPanels * mr * total), b = take(KEPT_B, ldc * total);
        Rows rows = w.padTop() >= 0 && w.padLeft() >= 0 ? Rows.of(w, cinG) : null;
        List<Runnable> work = new ArrayList<>();
        for (int image = 0; image < n; image++) {
            int bi = image;
            work.add(() -> {
                ConvWeightGradient.packDy(shape, mPanels, coutG, a, dy, dyOff + (bi * cout + g * coutG) * positions,
                        positions, positions, bi * positions, total);
                int xAt = xOff + (bi * cin + g * cinG) * w.inH() * w.inW();
                if (rows != null) {
                    rows.pack(nr, ldc, b, x, xAt, bi * positions, total);
                } else {
                    ConvWeightGradient.im2rowPacked(shape, ldc, b, x, xAt, cinG, w, 0, positions, bi * positions,
                            total);
                }
            });
        }
        FastBackward.run(work, pool);
        // blocks of A panels, at least one per thread: which thread computes a panel changes nothing in it
        int threads = pool == null ? 1 : pool.getParallelism();
        int blocks = Math.max(threads, (mPanels + PANELS_PER_BLOCK - 1) / PANELS_PER_BLOCK);
        blocks = Math.min(mPanels, (blocks + threads - 1) / threads * threads);
        work.clear();
        for (int block = 0; block < blocks; block++) {
            int p0 = (int) ((long) mPanels * block / blocks), p1 = (int) ((long) mPanels * (block + 1) / blocks);
            work.add(() -> {
                float[] acc = new float[(p1 - p0) * mr * ldc];
                for (int q = 0; q < nPanels; q++) {
                    int bAt = Align.FLOATS + q * total * nr;
                    for (int p = p0; p < p1; p++) {
                        Sgemm.tile(SCALAR, shape, a, Align.FLOATS + p * total * mr, b, bAt, total, acc,
                                (p - p0) * mr * ldc + q * nr, ldc, false);
                    }
                }
                for (int co = p0 * mr; co < Math.min(coutG, p1 * mr); co++) {
                    System.arraycopy(acc, (co - p0 * mr) * ldc, dw, at + co * k, k);
                }
            });
        }
        FastBackward.run(work, pool);
        KEPT_A.set(a);
        KEPT_B.set(b);
    }

    /**
     * im2row(x) of one image into B panels, row by row: each position's K columns read through
     * offsets computed once per call, column offsets into the input's zero-padded planes plus a
     * position offset, with no bounds test per element. On a 7x7 map the column-by-column fill
     * ({@link ConvWeightGradient#im2rowPacked}) worked out the inside range of every column for
     * every output row, 7 values each: 6 ms of a 512-channel layer's 44 on one thread.
     */
    private record Rows(Geometry w, int channels, int planeH, int planeW, boolean pads, int[] columns, int[] positions) {
        private static final ThreadLocal<float[]> PADDED = new ThreadLocal<>();

        static Rows of(Geometry w, int channels) {
            int planeH = Math.max(w.padTop() + w.inH(), (w.outH() - 1) * w.sh() + (w.kh() - 1) * w.dh() + 1);
            int planeW = Math.max(w.padLeft() + w.inW(), (w.outW() - 1) * w.sw() + (w.kw() - 1) * w.dw() + 1);
            boolean pads = planeH != w.inH() || planeW != w.inW() || w.padTop() != 0 || w.padLeft() != 0;
            int[] columns = new int[channels * w.kh() * w.kw()];
            for (int ci = 0, j = 0; ci < channels; ci++) {
                for (int ky = 0; ky < w.kh(); ky++) {
                    for (int kx = 0; kx < w.kw(); kx++, j++) {
                        columns[j] = (ci * planeH + ky * w.dh()) * planeW + kx * w.dw();
                    }
                }
            }
            int[] positions = new int[w.outH() * w.outW()];
            for (int oy = 0, p = 0; oy < w.outH(); oy++) {
                for (int ox = 0; ox < w.outW(); ox++, p++) {
                    positions[p] = oy * w.sh() * planeW + ox * w.sw();
                }
            }
            return new Rows(w, channels, planeH, planeW, pads, columns, positions);
        }

        /** The image's channels from {@code base} in {@code x} into rows [at, at + positions) of panels of len rows. */
        void pack(int nr, int ldc, float[] packedB, float[] x, int base, int at, int len) {
            float[] src = x;
            int from = base;
            if (pads) {
                src = padded(channels * planeH * planeW);
                from = 0;
                Arrays.fill(src, 0, channels * planeH * planeW, 0f);
                for (int ci = 0; ci < channels; ci++) {
                    for (int iy = 0; iy < w.inH(); iy++) {
                        System.arraycopy(x, base + (ci * w.inH() + iy) * w.inW(), src,
                                (ci * planeH + w.padTop() + iy) * planeW + w.padLeft(), w.inW());
                    }
                }
            }
            int k = columns.length;
            for (int j0 = 0; j0 < ldc; j0 += nr) {
                int j1 = Math.min(k, j0 + nr);
                int dst = Align.FLOATS + j0 * len + at * nr;
                for (int position : positions) {
                    int at0 = from + position;
                    for (int j = j0; j < j1; j++) {
                        packedB[dst + j - j0] = src[at0 + columns[j]];
                    }
                    for (int j = Math.max(j0, j1); j < j0 + nr; j++) {
                        packedB[dst + j - j0] = 0f;
                    }
                    dst += nr;
                }
            }
        }

        /** This thread's planes, kept from call to call. */
        private float[] padded(int floats) {
            float[] planes = PADDED.get();
            if (planes == null || planes.length < floats) {
                planes = new float[floats];
                PADDED.set(planes);
            }
            return planes;
        }
    }

    /** The kept array if it is large enough (else a new one); every element read is written before. */
    static float[] take(AtomicReference<float[]> kept, int floats) {
        float[] array = kept.getAndSet(null);
        return array != null && array.length >= Align.FLOATS + floats ? array : Align.floats(floats);
    }
}
