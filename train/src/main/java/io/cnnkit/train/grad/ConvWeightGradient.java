package io.cnnkit.train.grad;

import io.cnnkit.exec.kernel.Align;
import io.cnnkit.exec.kernel.KernelOptions;
import io.cnnkit.exec.kernel.gemm.Sgemm;

/**
 * A convolution's weight gradient for one group over some images, dW [coutG x K] += dY [coutG x P]
 * · rows [P x K] (rows = im2row(x), K = cinG·kh·kw), on the {@link Sgemm} register tiles with the
 * positions P as their reduction. The positions go in blocks of {@link #blockFor} (all the images'
 * positions one after the other, so that small maps fill a block too): per block dY is packed into
 * A panels and im2row writes straight into B panels, the A panels sized to stay in L2 while every
 * B panel meets them; the tiles add into one padded accumulator that lives across the blocks.
 * Packing whole operands instead (tens of MB on a large map) made the products run from memory.
 */
final class ConvWeightGradient {
    private static final boolean SCALAR = Boolean.getBoolean(KernelOptions.SCALAR_PROPERTY);
    /** Floats of packed A per block: the block's A panels stay in L2 while each B panel meets all of them. */
    private static final int A_BLOCK_FLOATS = 1 << 16;

    private final Sgemm.Shape shape;
    private final int coutG, k, mPanels, nPanels, ldc, block;
    private final float[] packedA, packedB, acc;
    private boolean started;

    ConvWeightGradient(int coutG, int k) {
        this.shape = Sgemm.best(coutG, k);
        this.coutG = coutG;
        this.k = k;
        this.mPanels = (coutG + shape.mr() - 1) / shape.mr();
        this.nPanels = (k + shape.nr() - 1) / shape.nr();
        this.ldc = nPanels * shape.nr();
        this.block = blockFor(mPanels * shape.mr());
        this.packedA = Align.floats(mPanels * shape.mr() * block);
        this.packedB = Align.floats(ldc * block);
        this.acc = Align.floats(mPanels * shape.mr() * ldc);
    }

    /** Positions per block for A panels of {@code rows} rows in all: at least 32, at most 128 (a B panel in L1). */
    static int blockFor(int rows) {
        return Math.max(32, Math.min(128, A_BLOCK_FLOATS / rows));
    }

    /**
     * Adds the gradient of images [first, first + count) of channels group {@code g} (input
     * channels from g·cinG, output channels from g·coutG).
     */
    void add(float[] x, int xOff, int cin, float[] dy, int dyOff, int cout, int first, int count, int g, int cinG,
             Geometry w) {
        int positions = w.outH() * w.outW(), total = count * positions;
        int mr = shape.mr(), nr = shape.nr();
        for (int start = 0; start < total; start += block) {
            int len = Math.min(block, total - start);
            for (int done = 0; done < len; ) {
                int image = (start + done) / positions, pos = (start + done) % positions;
                int seg = Math.min(len - done, positions - pos), b = first + image;
                packDy(dy, dyOff + (b * cout + g * coutG) * positions + pos, positions, seg, done, len);
                im2rowPacked(x, xOff + (b * cin + g * cinG) * w.inH() * w.inW(), cinG, w, pos, seg, done, len);
                done += seg;
            }
            for (int q = 0; q < nPanels; q++) {
                int bAt = Align.FLOATS + q * len * nr;
                for (int p = 0; p < mPanels; p++) {
                    Sgemm.tile(SCALAR, shape, packedA, Align.FLOATS + p * len * mr, packedB, bAt, len, acc,
                            Align.FLOATS + p * mr * ldc + q * nr, ldc, started);
                }
            }
            started = true;
        }
    }

    /** Starts a new sum (for the next group). */
    void reset() {
        started = false;
    }

    /** Adds the sum so far to {@code dw} from {@code at} ([coutG x K] row-major); zero if nothing was added. */
    void addTo(float[] dw, int at) {
        if (!started) {
            return;
        }
        for (int co = 0; co < coutG; co++) {
            int src = Align.FLOATS + co * ldc, dst = at + co * k;
            for (int j = 0; j < k; j++) {
                dw[dst + j] += acc[src + j];
            }
        }
    }

    /** dY rows (one per output channel of the group, {@code stride} apart) into A panels: a[p][kk][r]. */
    private void packDy(float[] dy, int from, int stride, int seg, int at, int len) {
        packDy(shape, mPanels, coutG, packedA, dy, from, stride, seg, at, len);
    }

    /** {@link #packDy} into {@code packedA}, panels of {@code shape} for {@code coutG} rows. */
    static void packDy(Sgemm.Shape shape, int mPanels, int coutG, float[] packedA, float[] dy, int from, int stride,
                       int seg, int at, int len) {
        int mr = shape.mr();
        for (int p = 0; p < mPanels; p++) {
            int base = Align.FLOATS + p * len * mr + at * mr;
            for (int r = 0; r < mr; r++) {
                int co = p * mr + r;
                if (co >= coutG) {
                    for (int kk = 0; kk < seg; kk++) {
                        packedA[base + kk * mr + r] = 0f;
                    }
                    continue;
                }
                int src = from + co * stride;
                for (int kk = 0; kk < seg; kk++) {
                    packedA[base + kk * mr + r] = dy[src + kk];
                }
            }
        }
    }

    /**
     * im2row of positions [pos, pos + seg) of one image into B panels: row kk of the block holds
     * x[ci][iy][ix] at column (ci·kh + ky)·kw + kx, zero outside the input and past K. Filled column
     * by column along each output row, with the inside range of ox computed once per column (as
     * col2im does), so that the inner loop is a strided copy without a test per element.
     */
    private void im2rowPacked(float[] x, int base, int channels, Geometry w, int pos, int seg, int at, int len) {
        im2rowPacked(shape, ldc, packedB, x, base, channels, w, pos, seg, at, len);
    }

    /** {@link #im2rowPacked} into {@code packedB}, panels of {@code shape} over {@code ldc} columns. */
    static void im2rowPacked(Sgemm.Shape shape, int ldc, float[] packedB, float[] x, int base, int channels, Geometry w,
                             int pos, int seg, int at, int len) {
        int nr = shape.nr(), inH = w.inH(), inW = w.inW(), outW = w.outW(), sw = w.sw();
        int j = 0;
        for (int ci = 0; ci < channels; ci++) {
            int plane = base + ci * inH * inW;
            for (int ky = 0; ky < w.kh(); ky++) {
                for (int kx = 0; kx < w.kw(); kx++, j++) {
                    int column = Align.FLOATS + (j / nr) * len * nr + j % nr;
                    int shift = kx * w.dw() - w.padLeft();
                    int lo = Math.max(0, -Math.floorDiv(shift, sw)), hi = Math.min(outW, Math.floorDiv(inW - 1 - shift, sw) + 1);
                    for (int p = pos, kk = at; p < pos + seg; ) {
                        int oy = p / outW, ox0 = p % outW, ox1 = Math.min(outW, ox0 + pos + seg - p);
                        int iy = w.inY(oy, ky), dst = column + kk * nr;
                        kk += ox1 - ox0;
                        p += ox1 - ox0;
                        if (iy < 0 || iy >= inH) {
                            for (int ox = ox0; ox < ox1; ox++, dst += nr) {
                                packedB[dst] = 0f;
                            }
                            continue;
                        }
                        int line = plane + iy * inW + shift, ox = ox0;
                        for (int end = Math.min(lo, ox1); ox < end; ox++, dst += nr) {
                            packedB[dst] = 0f;
                        }
                        for (int end = Math.min(hi, ox1); ox < end; ox++, dst += nr) {
                            packedB[dst] = x[line + ox * sw];
                        }
                        for (; ox < ox1; ox++, dst += nr) {
                            packedB[dst] = 0f;
                        }
                    }
                }
            }
        }
        for (; j < ldc; j++) {
            int dst = Align.FLOATS + (j / nr) * len * nr + j % nr + at * nr;
            for (int kk = 0; kk < seg; kk++, dst += nr) {
                packedB[dst] = 0f;
            }
        }
    }
}
