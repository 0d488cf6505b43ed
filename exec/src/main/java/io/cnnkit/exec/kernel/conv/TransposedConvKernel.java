package io.cnnkit.exec.kernel.conv;

import static io.cnnkit.exec.kernel.gemm.Sgemm.MR;
import static io.cnnkit.exec.kernel.gemm.Sgemm.NR;
import io.cnnkit.exec.Tensor;
import io.cnnkit.exec.kernel.Folding;
import io.cnnkit.exec.kernel.Fusion;
import io.cnnkit.exec.kernel.KernelOptions;
import io.cnnkit.exec.kernel.Parallel;
import io.cnnkit.exec.kernel.Window;
import io.cnnkit.exec.kernel.Workspace;
import io.cnnkit.exec.kernel.gemm.Sgemm;

/**
 * Convolution as the transposed GEMM C^T[positions x Cout/g] = B^T[positions x K] * A^T[K x Cout/g],
 * for small maps with many channels (7x7 and 14x14 with 256-512 channels): positions fill the
 * {@link Sgemm#MR}-row side and channels the {@link Sgemm#NR}-column side, so 49 positions
 * waste 7 of 56 instead of 23 of 72 (with the 8x24 tile). The weights are packed once into NR-channel panels; each run
 * packs the im2col rows of all positions into MR-position panels (shared scratch, cheap next to
 * the multiply when channels are many), then every work item (a run of channel panels) accumulates
 * all position tiles K block by K block and stores them transposed through the epilogue.
 */
final class TransposedConvKernel extends GemmConvKernel {

    private final int n, posPanels, chanPanels;

    TransposedConvKernel(int[] inShape, int[] outShape, Window w, int groups, Folding folded, Fusion fusion,
                         KernelOptions options) {
        this(inShape, outShape, w, groups, folded, fusion, options, null);
    }

    /** As above, {@code reuse}: a kernel no longer run whose packed weights this one may overwrite, or null. */
    TransposedConvKernel(int[] inShape, int[] outShape, Window w, int groups, Folding folded, Fusion fusion,
                         KernelOptions options, GemmConvKernel reuse) {
        super(inShape, outShape, w, groups, folded, fusion, options, NR, reuse);
        this.n = w.outSize();
        this.posPanels = (n + MR - 1) / MR;
        this.chanPanels = g.mPanels();
    }

    @Override
    public int scratchPerSlot() {
        return chanPanels * posPanels * MR * NR;
    }

    @Override
    public int sharedScratch() {
        return g.batch() * g.groups() * posPanels * g.k() * MR;
    }

    @Override
    public void run(Tensor[] inputs, Tensor output, Workspace ws) {
        Tensor x = inputs[0];
        Tensor res = g.residual() ? inputs[1] : null;
        float[] packed = ws.shared();
        Parallel.forRange(ws, g.batch() * g.groups() * posPanels, (long) g.k() * MR, (slot, from, to) -> {
            for (int panel = from; panel < to; panel++) {
                packPositions(x, panel, packed);
            }
        });
        int items = g.batch() * g.groups() * chanPanels;
        Parallel.forRange(ws, items, macs() / items, (slot, from, to) -> {
            float[] tiles = ws.scratch(slot);
            for (int item = from; item < to; ) {
                int imageGroup = item / chanPanels;
                int end = Math.min(to, (imageGroup + 1) * chanPanels);
                compute(packed, res, output, imageGroup, item % chanPanels, end - imageGroup * chanPanels, tiles);
                item = end;
            }
        });
    }

    /**
     * Im2col rows of MR positions as one A panel: packed[(panel * K + kk) * MR + r], where panel
     * counts (image, group, position panel); positions past the map and padding read as zero.
     */
    private void packPositions(Tensor x, int panel, float[] packed) {
        int pp = panel % posPanels, imageGroup = panel / posPanels;
        int image = imageGroup / g.groups(), group = imageGroup % g.groups();
        int plane = w.inH() * w.inW();
        int k = g.k(), cinG = g.cinG();
        int xBase = x.offset() + g.planeBase(image, group, g.cin(), cinG, plane);
        float[] xs = x.data();
        int base = panel * k * MR;
        int taps = w.kh() * w.kw();
        for (int r = 0; r < MR; r++) {
            int pos = pp * MR + r;
            if (pos >= n) {
                for (int kk = 0; kk < k; kk++) {
                    packed[base + kk * MR + r] = 0f;
                }
                continue;
            }
            int oy = pos / w.outW(), ox = pos % w.outW();
            for (int tap = 0; tap < taps; tap++) {
                int ky = tap / w.kw(), kx = tap % w.kw();
                int iy = oy * w.sh() - w.padTop() + ky * w.dh();
                int ix = ox * w.sw() - w.padLeft() + kx * w.dw();
                boolean inside = iy >= 0 && iy < w.inH() && ix >= 0 && ix < w.inW();
                int src = xBase + iy * w.inW() + ix;
                for (int ci = 0; ci < cinG; ci++) {
                    packed[base + (ci * taps + tap) * MR + r] = inside ? xs[src + ci * plane] : 0f;
                }
            }
        }
    }

    /**
     * Channel panels [q0, q1) of one image and group. K blocks are the outer loop so that the
     * activations' block (all positions) is read from cache once per block while each weight
     * block is read once; the tiles of every (channel panel, position panel) wait in the slot's
     * scratch.
     */
    private void compute(float[] packed, Tensor res, Tensor out, int imageGroup, int q0, int q1, float[] tiles) {
        int image = imageGroup / g.groups(), group = imageGroup % g.groups();
        int k = g.k(), coutG = g.coutG(), cout = g.cout();
        int aBase = imageGroup * posPanels * k * MR;
        int tilesPerPanel = posPanels * MR * NR;
        for (int k0 = 0; k0 < k; k0 += g.kc()) {
            int kc = Math.min(g.kc(), k - k0);
            for (int q = q0; q < q1; q++) {
                int bAt = g.weightsAt(group, q, k0);
                for (int pp = 0; pp < posPanels; pp++) {
                    Sgemm.tile(g.scalar(), packed, aBase + (pp * k + k0) * MR, g.packedWeights(), bAt, kc, tiles,
                            (q - q0) * tilesPerPanel + pp * MR * NR, NR, k0 > 0);
                }
            }
        }
        float[] o = out.data();
        for (int q = q0; q < q1; q++) {
            int c0 = q * NR, channels = Math.min(NR, coutG - c0);
            int tileBase = (q - q0) * tilesPerPanel;
            for (int j = 0; j < channels; j++) {
                int co = group * coutG + c0 + j;
                int row = out.offset() + (image * cout + co) * n;
                int resRow = res == null ? 0 : res.offset() + (image * cout + co) * n;
                int column = tileBase + j;
                for (int pos = 0; pos < n; pos++) {
                    o[row + pos] = tiles[column + pos * NR];
                }
                // once over the channel's whole row, still in L1: runs of MR positions are shorter
                // than a vector and would leave the activation to the scalar path
                g.epilogue().apply(o, row, n, g.bias()[co], res == null ? null : res.data(), resRow);
            }
        }
    }
}
