package io.cnnkit.train.grad;

import io.cnnkit.exec.kernel.Align;
import io.cnnkit.exec.kernel.KernelOptions;
import io.cnnkit.exec.kernel.gemm.Sgemm;

/**
 * A stride-1 convolution's weight gradient for one group without im2row: for each window offset
 * (ky, kx), dW[:, :, ky, kx] [coutG x cinG] = Σ over positions of dy[co][p] · x[ci][p + shift]. Per
 * image, x is padded and transposed once into B panels (position-major, {@code nr} channels per
 * row) and dy into A panels over the same "extended" positions oy·Wp + ox (Wp the padded width, dy
 * zero for ox ≥ outW). A's rows are (kx, co): row kx·coutG + co holds dy[co] moved kx·dw positions
 * on, so one GEMM per window row ky gives dW[:, :, ky, kx] for every kx, and kw·coutG rows fill the
 * tiles where coutG alone would not (64 in 12-row panels: 89%; 192: 100%). B for window row ky is
 * the same xT read from position p + ky·dh·Wp, so the tiles run on the panels as they lie, with no
 * packing per shift. It writes
 * each input once instead of kh·kw times, for Wp / outW more multiply-adds and channel counts that
 * must fill the tiles: {@link #pays} decides against {@link ConvWeightGradient}.
 */
final class ShiftedWeightGradient {
    private static final boolean SCALAR = Boolean.getBoolean(KernelOptions.SCALAR_PROPERTY);
    /** Extended positions per block: the block's panels stay in L2 while every shift's tiles read them. */
    private static final int BLOCK = 128;
    /** What writing one value in im2row or a transpose costs, in tile multiply-adds (fitted on ResNet-18). */
    private static final double STORE = 64;

    private final Sgemm.Shape shape;
    private final Geometry w;
    private final int coutG, cinG, rows, mPanels, nPanels, ldc, wp, hp, extended, padded;
    private final float[] xT, dyT, acc;
    private boolean started;

    ShiftedWeightGradient(int coutG, int cinG, Geometry w) {
        this.rows = w.kw() * coutG;
        this.shape = Sgemm.best(rows, cinG);
        this.w = w;
        this.coutG = coutG;
        this.cinG = cinG;
        this.mPanels = (rows + shape.mr() - 1) / shape.mr();
        this.nPanels = (cinG + shape.nr() - 1) / shape.nr();
        this.ldc = nPanels * shape.nr();
        this.wp = w.inW() + w.padLeft() + w.padRight();
        this.hp = w.inH() + w.padTop() + w.padBottom();
        this.extended = w.outH() * wp;
        // the last extended position reads up to (kh - 1)·dh rows and (kw - 1)·dw columns further
        this.padded = hp * wp + (w.kw() - 1) * w.dw();
        this.xT = Align.floats(nPanels * padded * shape.nr());
        this.dyT = Align.floats(mPanels * extended * shape.mr());
        this.acc = Align.floats(w.kh() * mPanels * shape.mr() * ldc);
    }

    /** Whether this beats im2row for a convolution of window {@code w} (stride 1 only). */
    static boolean pays(int coutG, int cinG, Geometry w) {
        if (w.sh() != 1 || w.sw() != 1) {
            return false;
        }
        int k = cinG * w.kh() * w.kw(), wp = w.inW() + w.padLeft() + w.padRight();
        double macs = (double) coutG * k;
        double im2row = macs / Sgemm.best(coutG, k).useful(coutG, k) + k * STORE;
        int rows = w.kw() * coutG;
        double shifted = macs * wp / w.outW() / Sgemm.best(rows, cinG).useful(rows, cinG)
                + (double) (cinG + rows) * STORE;
        return shifted < im2row;
    }

    void reset() {
        started = false;
    }

    /** Adds the gradient of images [first, first + count) of group {@code g}, as {@link ConvWeightGradient#add}. */
    void add(float[] x, int xOff, int cin, float[] dy, int dyOff, int cout, int first, int count, int g) {
        int positions = w.outH() * w.outW(), area = w.inH() * w.inW();
        int mr = shape.mr(), nr = shape.nr();
        for (int b = first; b < first + count; b++) {
            transposeX(x, xOff + (b * cin + g * cinG) * area);
            transposeDy(dy, dyOff + (b * cout + g * coutG) * positions);
            for (int e0 = 0; e0 < extended; e0 += BLOCK) {
                int len = Math.min(BLOCK, extended - e0);
                for (int ky = 0; ky < w.kh(); ky++) {
                    int shift = e0 + ky * w.dh() * wp;
                    for (int q = 0; q < nPanels; q++) {
                        int bAt = Align.FLOATS + (q * padded + shift) * nr;
                        for (int p = 0; p < mPanels; p++) {
                            Sgemm.tile(SCALAR, shape, dyT, Align.FLOATS + (p * extended + e0) * mr, xT, bAt, len,
                                    acc, Align.FLOATS + (ky * mPanels * mr + p * mr) * ldc + q * nr, ldc, started);
                        }
                    }
                }
                started = true;
            }
        }
    }

    /** Adds the sum so far to {@code dw} from {@code at} ([coutG, cinG, kh, kw]); nothing if nothing was added. */
    void addTo(float[] dw, int at) {
        if (!started) {
            return;
        }
        int kw = w.kw(), shifts = w.kh() * kw;
        for (int ky = 0; ky < w.kh(); ky++) {
            for (int row = 0; row < rows; row++) {
                int kx = row / coutG, co = row % coutG;
                int src = Align.FLOATS + (ky * mPanels * shape.mr() + row) * ldc;
                int dst = at + co * cinG * shifts + ky * kw + kx;
                for (int ci = 0; ci < cinG; ci++) {
                    dw[dst + ci * shifts] += acc[src + ci];
                }
            }
        }
    }

    /** x's channels into xT[q][padded position][lane]; the border and the lanes past cinG stay zero. */
    private void transposeX(float[] x, int base) {
        int nr = shape.nr(), inH = w.inH(), inW = w.inW();
        for (int ci = 0; ci < cinG; ci++) {
            int plane = base + ci * inH * inW;
            int lane = Align.FLOATS + (ci / nr) * padded * nr + ci % nr;
            for (int iy = 0; iy < inH; iy++) {
                int src = plane + iy * inW;
                int dst = lane + ((iy + w.padTop()) * wp + w.padLeft()) * nr;
                for (int ix = 0; ix < inW; ix++, dst += nr) {
                    xT[dst] = x[src + ix];
                }
            }
        }
    }

    /**
     * dy's channels into dyT[p][extended position][lane], row kx·coutG + co moved kx·dw positions on
     * (ox + kx·dw stays below Wp); the other positions and the lanes past the rows stay zero.
     */
    private void transposeDy(float[] dy, int base) {
        int mr = shape.mr(), outH = w.outH(), outW = w.outW();
        for (int row = 0; row < rows; row++) {
            int plane = base + row % coutG * outH * outW;
            int lane = Align.FLOATS + (row / mr) * extended * mr + row % mr + row / coutG * w.dw() * mr;
            for (int oy = 0; oy < outH; oy++) {
                int src = plane + oy * outW, dst = lane + oy * wp * mr;
                for (int ox = 0; ox < outW; ox++, dst += mr) {
                    dyT[dst] = dy[src + ox];
                }
            }
        }
    }
}
