package io.cnnkit.exec.kernel;

import static io.cnnkit.exec.kernel.Sgemm.MR;
import static io.cnnkit.exec.kernel.Sgemm.NR;

import io.cnnkit.exec.Tensor;
import java.util.Arrays;

/**
 * Convolution as an implicit GEMM without im2col. The input is first copied once into a
 * zero-padded buffer (shared scratch), split for stride (sh, sw) into sh x sw phase planes
 * xq[a][b][i][j] = xpad[i * sh + a][j * sw + b], each Hq x Wq = ceil(Hp / sh) x ceil(Wp / sw) (for
 * stride 1 this is just the padded input). Output positions are numbered in phase coordinates,
 * p = oy * Wq + ox, so that B[(ci, ky, kx)][p] = xq[ci][ky*dh % sh][kx*dw % sw][p + (ky*dh / sh) * Wq
 * + kx*dw / sw]: every B row of a {@link Sgemm#NR}-column panel is a contiguous run of the
 * buffer at a per-row offset ({@link #koff}), copied K block by K block into a contiguous panel
 * that every row panel of weights reuses (see {@link #packColumns}). The columns
 * ox >= outW of each row are computed and dropped (the price: Wq - outW of every Wq columns), and
 * only valid columns are stored, through the epilogue. Valid outputs read only positions of their
 * phase plane; dropped ones may read the next row, plane, or the buffer's tail.
 */
final class ImplicitConvKernel extends GemmConvKernel {
    /** Panels of output positions per work item. */
    private static final int PANELS_PER_ITEM = 8;

    private final int wq, planeQ, channelSize, panels, chunks, rowBlocks;
    /**
     * Loop order: true when the weights of a K block outweigh the item's B panels (many output
     * channels on a small map, e.g. 512 on 7x7, whose weights come from memory every run): then
     * each weight block is read once per item; otherwise each B panel is packed once into L1.
     */
    private final boolean streamWeights;
    private final int[] koff;

    ImplicitConvKernel(int[] inShape, int[] outShape, Window w, int groups, Folding folded, Fusion fusion,
                       KernelOptions options) {
        super(inShape, outShape, w, groups, folded, fusion, options, MR);
        this.wq = phaseWidth(w);
        this.planeQ = ceilDiv(w.inH() + w.padTop() + w.padBottom(), w.sh()) * wq;
        this.channelSize = w.sh() * w.sw() * planeQ;
        this.panels = (paddedPositions(w) + NR - 1) / NR;
        this.koff = new int[g.k()];
        for (int ci = 0, kk = 0; ci < g.cinG(); ci++) {
            for (int ky = 0; ky < w.kh(); ky++) {
                int dy = ky * w.dh();
                for (int kx = 0; kx < w.kw(); kx++) {
                    int dx = kx * w.dw();
                    int phase = (dy % w.sh()) * w.sw() + dx % w.sw();
                    koff[kk++] = ci * channelSize + phase * planeQ + (dy / w.sh()) * wq + dx / w.sw();
                }
            }
        }
        this.chunks = (panels + PANELS_PER_ITEM - 1) / PANELS_PER_ITEM;
        this.rowBlocks = g.rowBlocks(chunks, options.threads(), 4);
        this.streamWeights = g.mPanels() * MR > PANELS_PER_ITEM * NR;
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    /** Wq: columns of a phase plane. */
    static int phaseWidth(Window w) {
        return ceilDiv(w.inW() + w.padLeft() + w.padRight(), w.sw());
    }

    /** Output positions computed in phase coordinates, dropped ones included. */
    static int paddedPositions(Window w) {
        return w.outH() * phaseWidth(w);
    }

    /** The slot's scratch: the tiles of every row and column panel of an item, then its packed B panels of one K block. */
    @Override
    public int scratchPerSlot() {
        return tilesSize() + PANELS_PER_ITEM * g.kc() * NR;
    }

    private int tilesSize() {
        return g.mPanels() * PANELS_PER_ITEM * MR * NR;
    }

    /**
     * B rows [k0, k0 + kc) of the column panel at {@code at} (NR contiguous values each, at their
     * per-row offsets) into one contiguous panel: the micro-kernel then streams it from L1 for
     * every row panel, instead of gathering NR values per row and tile from the padded planes.
     */
    private void packColumns(float[] padded, int at, int k0, int kc, float[] dst, int dstAt) {
        // System.arraycopy (an intrinsic) measured the same as an explicit vector copy here
        for (int kk = 0; kk < kc; kk++) {
            System.arraycopy(padded, at + koff[k0 + kk], dst, dstAt + kk * NR, NR);
        }
    }

    @Override
    public int sharedScratch() {
        // the last panel of the last plane reads up to (kw - 1) * dw + NR past the planes
        // dropped positions of the last panel read up to Wq + NR past the planes
        return g.batch() * g.cin() * channelSize + wq + NR;
    }

    @Override
    public void run(Tensor[] inputs, Tensor output, Workspace ws) {
        Tensor x = inputs[0];
        Tensor res = g.residual() ? inputs[1] : null;
        float[] padded = ws.shared();
        Parallel.forRange(ws, g.batch() * g.cin(), channelSize, (slot, from, to) -> {
            for (int plane = from; plane < to; plane++) {
                pad(x.data(), x.offset() + plane * w.inH() * w.inW(), padded, plane * channelSize);
            }
        });
        g.forEachItem(ws, rowBlocks, chunks, macs(), (image, group, p0, p1, chunk, tile) ->
                compute(padded, res, output, image, group, p0, p1, chunk, tile));
    }

    /** One input channel into its zero-padded phase planes at {@code at}. */
    private void pad(float[] x, int src, float[] dst, int at) {
        int sh = w.sh(), sw = w.sw(), hq = planeQ / wq;
        for (int a = 0; a < sh; a++) {
            for (int b = 0; b < sw; b++) {
                // phase columns j in [lo, hi) read input columns j * sw + b - padLeft inside the row
                int first = b - w.padLeft();
                int lo = Math.min(wq, Math.max(0, ceilDiv(-first, sw)));
                int hi = Math.max(lo, Math.min(wq, ceilDiv(w.inW() - first, sw)));
                for (int i = 0; i < hq; i++) {
                    int row = at + (a * sw + b) * planeQ + i * wq;
                    int iy = i * sh + a - w.padTop();
                    if (iy < 0 || iy >= w.inH()) {
                        Arrays.fill(dst, row, row + wq, 0f);
                        continue;
                    }
                    int in = src + iy * w.inW() + first;
                    Arrays.fill(dst, row, row + lo, 0f);
                    if (sw == 1) {
                        System.arraycopy(x, in + lo, dst, row + lo, hi - lo);
                    } else {
                        for (int j = lo; j < hi; j++) {
                            dst[row + j] = x[in + j * sw];
                        }
                    }
                    Arrays.fill(dst, row + hi, row + wq, 0f);
                }
            }
        }
    }

    private void compute(float[] padded, Tensor res, Tensor out, int image, int group, int p0, int p1, int chunk,
                         float[] scratch) {
        int q0 = chunk * PANELS_PER_ITEM, q1 = Math.min(panels, q0 + PANELS_PER_ITEM);
        int k = g.k();
        int bBase = g.planeBase(image, group, g.cin(), g.cinG(), channelSize);
        int cBase = out.offset() + g.planeBase(image, group, g.cout(), g.coutG(), w.outSize());
        int rBase = res == null ? 0 : res.offset() + g.planeBase(image, group, g.cout(), g.coutG(), w.outSize());
        int panelsAt = tilesSize();
        int kc = g.kc();
        if (streamWeights) {
            // K block by K block: the block's B panels of the item are packed once, then each
            // weight block (p) is read once for all of them, every tile accumulating in the scratch
            for (int k0 = 0; k0 < k; k0 += kc) {
                int rows = Math.min(kc, k - k0);
                for (int q = q0; q < q1; q++) {
                    packColumns(padded, bBase + q * NR, k0, rows, scratch, panelsAt + (q - q0) * kc * NR);
                }
                for (int p = p0; p < p1; p++) {
                    int aOff = g.weightsAt(group, p, k0);
                    for (int q = q0; q < q1; q++) {
                        Sgemm.tile(g.scalar(), g.packedWeights(), aOff, scratch, panelsAt + (q - q0) * kc * NR, rows,
                                scratch, tileAt(p - p0, q - q0), NR, k0 > 0);
                    }
                }
            }
        } else {
            // column panel by column panel: one packed B block stays in L1 while the weights pass it
            for (int q = q0; q < q1; q++) {
                for (int k0 = 0; k0 < k; k0 += kc) {
                    int rows = Math.min(kc, k - k0);
                    packColumns(padded, bBase + q * NR, k0, rows, scratch, panelsAt);
                    for (int p = p0; p < p1; p++) {
                        Sgemm.tile(g.scalar(), g.packedWeights(), g.weightsAt(group, p, k0), scratch, panelsAt, rows,
                                scratch, tileAt(p - p0, q - q0), NR, k0 > 0);
                    }
                }
            }
        }
        for (int q = q0; q < q1; q++) {
            for (int p = p0; p < p1; p++) {
                store(scratch, tileAt(p - p0, q - q0), p * MR, Math.min(MR, g.coutG() - p * MR), q * NR, out.data(),
                        cBase, res, rBase, group);
            }
        }
    }

    private static int tileAt(int p, int q) {
        return (p * PANELS_PER_ITEM + q) * MR * NR;
    }

    /** Valid columns of a finished tile to the output, through the epilogue. */
    private void store(float[] tile, int tileAt, int row0, int rows, int pos0, float[] c, int cBase, Tensor res, int rBase,
                       int group) {
        int oy = pos0 / wq, ox = pos0 % wq;
        for (int j = 0; j < NR && oy < w.outH(); ox = 0, oy++) {
            int run = Math.min(NR - j, wq - ox);
            int valid = Math.min(run, w.outW() - ox);
            if (valid > 0) {
                int at = oy * w.outW() + ox;
                for (int r = 0; r < rows; r++) {
                    int o = cBase + (row0 + r) * w.outSize() + at;
                    g.epilogue().apply(tile, tileAt + r * NR + j, c, o, valid, g.bias()[group * g.coutG() + row0 + r],
                            res == null ? null : res.data(),
                            rBase + (row0 + r) * w.outSize() + at);
                }
            }
            j += run;
        }
    }
}
