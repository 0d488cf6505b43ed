package io.cnnkit.train.grad;

import io.cnnkit.exec.kernel.Align;
import io.cnnkit.exec.kernel.KernelOptions;
import io.cnnkit.exec.kernel.gemm.Sgemm;
import java.util.ArrayList;
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
        List<Runnable> work = new ArrayList<>();
        for (int image = 0; image < n; image++) {
            int bi = image;
            work.add(() -> {
                ConvWeightGradient.packDy(shape, mPanels, coutG, a, dy, dyOff + (bi * cout + g * coutG) * positions,
                        positions, positions, bi * positions, total);
                ConvWeightGradient.im2rowPacked(shape, ldc, b, x, xOff + (bi * cin + g * cinG) * w.inH() * w.inW(),
                        cinG, w, 0, positions, bi * positions, total);
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

    /** The kept array if it is large enough (else a new one); every element read is written before. */
    static float[] take(AtomicReference<float[]> kept, int floats) {
        float[] array = kept.getAndSet(null);
        return array != null && array.length >= Align.FLOATS + floats ? array : Align.floats(floats);
    }
}
