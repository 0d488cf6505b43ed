package io.cnnkit.exec.kernel;

import static io.cnnkit.exec.kernel.Sgemm.MR;
import static io.cnnkit.exec.kernel.Sgemm.NR;

import io.cnnkit.exec.Tensor;
import java.util.Arrays;

/**
 * Stride-1 convolution as an implicit GEMM without im2col. The input is first copied once into a
 * zero-padded buffer (shared scratch) of width Wp = W + padLeft + padRight. Output positions are
 * then numbered in padded coordinates, p = oy * Wp + ox, so that B[(ci, ky, kx)][p] =
 * xpad[ci][p + ky * dh * Wp + kx * dw]: every B row of a {@value Sgemm#NR}-column panel is a
 * contiguous run of the padded input at a per-row offset ({@link #koff}), which the micro-kernel
 * reads in place. The columns ox >= outW of each padded row are computed and dropped (the price:
 * (kw - 1) * dw of every Wp columns), and only valid columns are stored, through the epilogue.
 * Valid outputs read only padded-input positions; dropped ones may read the next row or the
 * buffer's tail.
 */
final class ImplicitConvKernel extends GemmConvKernel {
    /** Panels of output positions per work item. */
    private static final int PANELS_PER_ITEM = 8;
    /** K-rows per block (measured best of 32..256 on Zen 4): the block of one B panel stays in L1. */
    static final int KC = 64;

    private final int wp, planeP, panels, chunks, rowBlocks;
    private final int[] koff;

    ImplicitConvKernel(int[] inShape, int[] outShape, Window w, int groups, Folding folded, Fusion fusion,
                       KernelOptions options) {
        super(inShape, outShape, w, groups, folded, fusion, options, MR);
        if (w.sh() != 1 || w.sw() != 1) {
            throw new IllegalArgumentException("implicit convolution needs stride 1");
        }
        this.wp = paddedWidth(w);
        this.planeP = (w.inH() + w.padTop() + w.padBottom()) * wp;
        this.panels = (paddedPositions(w) + NR - 1) / NR;
        this.koff = new int[g.k()];
        for (int ci = 0, kk = 0; ci < g.cinG(); ci++) {
            for (int ky = 0; ky < w.kh(); ky++) {
                for (int kx = 0; kx < w.kw(); kx++) {
                    koff[kk++] = ci * planeP + ky * w.dh() * wp + kx * w.dw();
                }
            }
        }
        this.chunks = (panels + PANELS_PER_ITEM - 1) / PANELS_PER_ITEM;
        this.rowBlocks = g.rowBlocks(chunks, options.threads());
    }

    static int paddedWidth(Window w) {
        return w.inW() + w.padLeft() + w.padRight();
    }

    /** Output positions computed in padded coordinates, dropped ones included. */
    static int paddedPositions(Window w) {
        return w.outH() * paddedWidth(w);
    }

    @Override
    public int scratchPerSlot() {
        return g.mPanels() * MR * NR;
    }

    @Override
    public int sharedScratch() {
        // the last panel of the last plane reads up to (kw - 1) * dw + NR past the planes
        return g.batch() * g.cin() * planeP + (w.kw() - 1) * w.dw() + NR;
    }

    @Override
    public void run(Tensor[] inputs, Tensor output, Workspace ws) {
        Tensor x = inputs[0];
        Tensor res = g.residual() ? inputs[1] : null;
        float[] padded = ws.shared();
        Parallel.forRange(ws, g.batch() * g.cin(), planeP, (slot, from, to) -> {
            for (int plane = from; plane < to; plane++) {
                pad(x.data(), x.offset() + plane * w.inH() * w.inW(), padded, plane * planeP);
            }
        });
        g.forEachItem(ws, rowBlocks, chunks, macs(), (image, group, p0, p1, chunk, tile) ->
                compute(padded, res, output, image, group, p0, p1, chunk, tile));
    }

    private void pad(float[] x, int src, float[] dst, int at) {
        int rowsTop = w.padTop() * wp;
        Arrays.fill(dst, at, at + rowsTop, 0f);
        int row = at + rowsTop;
        for (int y = 0; y < w.inH(); y++, row += wp) {
            Arrays.fill(dst, row, row + w.padLeft(), 0f);
            System.arraycopy(x, src + y * w.inW(), dst, row + w.padLeft(), w.inW());
            Arrays.fill(dst, row + w.padLeft() + w.inW(), row + wp, 0f);
        }
        Arrays.fill(dst, row, at + planeP, 0f);
    }

    private void compute(float[] padded, Tensor res, Tensor out, int image, int group, int p0, int p1, int chunk,
                         float[] tile) {
        int q0 = chunk * PANELS_PER_ITEM, q1 = Math.min(panels, q0 + PANELS_PER_ITEM);
        int k = g.k();
        int bBase = g.planeBase(image, group, g.cin(), g.cinG(), planeP);
        int cBase = out.offset() + g.planeBase(image, group, g.cout(), g.coutG(), w.outSize());
        int rBase = res == null ? 0 : res.offset() + g.planeBase(image, group, g.cout(), g.coutG(), w.outSize());
        for (int q = q0; q < q1; q++) {
            // all row panels of this column panel accumulate in the slot's tiles, K block by K block
            for (int k0 = 0; k0 < k; k0 += KC) {
                int kc = Math.min(KC, k - k0);
                for (int p = p0; p < p1; p++) {
                    int aOff = ((group * g.mPanels() + p) * k + k0) * MR;
                    Sgemm.tileOffsets(g.scalar(), g.packedWeights(), aOff, padded, bBase + q * NR, koff, k0, kc, tile,
                            (p - p0) * MR * NR, NR, k0 > 0);
                }
            }
            for (int p = p0; p < p1; p++) {
                store(tile, (p - p0) * MR * NR, p * MR, Math.min(MR, g.coutG() - p * MR), q * NR, out.data(), cBase,
                        res, rBase, group);
            }
        }
    }

    /** Valid columns of a finished tile to the output, through the epilogue. */
    private void store(float[] tile, int tileAt, int row0, int rows, int pos0, float[] c, int cBase, Tensor res, int rBase,
                       int group) {
        int oy = pos0 / wp, ox = pos0 % wp;
        for (int j = 0; j < NR && oy < w.outH(); ox = 0, oy++) {
            int run = Math.min(NR - j, wp - ox);
            int valid = Math.min(run, w.outW() - ox);
            if (valid > 0) {
                int at = oy * w.outW() + ox;
                for (int r = 0; r < rows; r++) {
                    int o = cBase + (row0 + r) * w.outSize() + at;
                    System.arraycopy(tile, tileAt + r * NR + j, c, o, valid);
                    g.epilogue().apply(c, o, valid, g.bias()[group * g.coutG() + row0 + r], res == null ? null : res.data(),
                            rBase + (row0 + r) * w.outSize() + at);
                }
            }
            j += run;
        }
    }
}
