package io.cnnkit.exec.kernel.conv;

import io.cnnkit.exec.Tensor;
import io.cnnkit.exec.kernel.Align;
import io.cnnkit.exec.kernel.Folding;
import io.cnnkit.exec.kernel.Fusion;
import io.cnnkit.exec.kernel.KernelOptions;
import io.cnnkit.exec.kernel.Simd;
import io.cnnkit.exec.kernel.Window;
import io.cnnkit.exec.kernel.gemm.Sgemm;

/**
 * Convolution as an implicit GEMM without im2col, over the input's zero-padded phase planes
 * ({@link PhasePlanes}): every B row of an nr-column panel (the layer's tile shape, {@link Sgemm#best}) is a contiguous run of the
 * planes at the row's offset, copied K block by K block into a contiguous panel that every row
 * panel of weights reuses (see {@link #packColumns}). The columns ox >= outW of each phase row are
 * computed and dropped (the price: Wq - outW of every Wq columns), and only valid columns are
 * stored, through the epilogue.
 */
final class ImplicitConvKernel extends CopiedInputConvKernel {
    /** Most panels of output positions per chunk. */
    private static final int PANELS_PER_ITEM = 8;

    private final Sgemm.Shape shape;
    private final int mr, nr, wq, panels;
    /**
     * Loop order: true when the weights of a K block outweigh the item's B panels (many output
     * channels on a small map, e.g. 512 on 7x7, whose weights come from memory every run): then
     * each weight block is read once per item; otherwise each B panel is packed once into L1.
     */
    private final boolean streamWeights;
    private final int[] koff;
    /** Floats per input channel in the phase planes. */
    private final int channelSize;

    ImplicitConvKernel(int[] inShape, int[] outShape, Window w, int groups, Folding folded, Fusion fusion,
                       KernelOptions options) {
        this(inShape, outShape, w, groups, folded, fusion, options, null);
    }

    /** As above, {@code reuse}: a kernel no longer run whose packed weights this one may overwrite, or null. */
    ImplicitConvKernel(int[] inShape, int[] outShape, Window w, int groups, Folding folded, Fusion fusion,
                       KernelOptions options, GemmConvKernel reuse) {
        this(inShape, outShape, w, groups, folded, fusion, options, reuse, new PhasePlanes(w, inShape[1] / groups));
    }

    private ImplicitConvKernel(int[] inShape, int[] outShape, Window w, int groups, Folding folded, Fusion fusion,
                               KernelOptions options, GemmConvKernel reuse, PhasePlanes planes) {
        super(inShape, outShape, w, groups, folded, fusion, options, shape(w, outShape[1] / groups).mr(), planes,
                GemmConv.Chunks.of(paddedPositions(w), shape(w, outShape[1] / groups).nr(), PANELS_PER_ITEM),
                ConvCostModel.PACK_COST * Simd.S.length(), reuse);
        this.shape = shape(w, g.coutG());
        this.mr = shape.mr();
        this.nr = shape.nr();
        this.wq = planes.width();
        this.koff = planes.offsets();
        this.channelSize = planes.channelSize();
        this.panels = ceilDiv(paddedPositions(w), nr);
        this.streamWeights = g.mPanels() * mr > PANELS_PER_ITEM * nr;
    }

    /** The tile shape for {@code coutG} output channels per group on this window. */
    static Sgemm.Shape shape(Window w, int coutG) {
        return Sgemm.best(coutG, paddedPositions(w));
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    /** Output positions computed in phase coordinates, dropped ones included. */
    static int paddedPositions(Window w) {
        return w.outH() * PhasePlanes.width(w);
    }

    /** The slot's scratch: the tiles of every row and column panel of an item, then its packed B panels of one K block. */
    @Override
    public int scratchPerSlot() {
        return tilesSize() + PANELS_PER_ITEM * g.kc() * nr;
    }

    private int tilesSize() {
        return g.mPanels() * PANELS_PER_ITEM * mr * nr;
    }

    /**
     * B rows [k0, k0 + kc) of the column panel at {@code at} (nr contiguous values each, at their
     * per-row offsets) into one contiguous panel: the micro-kernel then streams it from L1 for
     * every row panel, instead of gathering nr values per row and tile from the padded planes.
     */
    private void packColumns(float[] padded, int at, int k0, int kc, float[] dst, int dstAt) {
        // System.arraycopy (an intrinsic) measured the same as an explicit vector copy here
        for (int kk = 0; kk < kc; kk++) {
            System.arraycopy(padded, at + koff[k0 + kk], dst, dstAt + kk * nr, nr);
        }
    }

    @Override
    void compute(Tensor x, float[] padded, int planesAt, Tensor res, Tensor out, int image, int group, int p0, int p1, int chunk,
                 float[] scratch) {
        int q0 = chunks.start(chunk) / nr, q1 = Math.min(panels, q0 + chunks.size() / nr);
        int k = g.k();
        int bBase = planesAt + g.planeBase(0, group, g.cin(), g.cinG(), channelSize);
        int cBase = out.offset() + g.planeBase(image, group, g.cout(), g.coutG(), w.outSize());
        int rBase = res == null ? 0 : res.offset() + g.planeBase(image, group, g.cout(), g.coutG(), w.outSize());
        int panelsAt = Align.FLOATS + tilesSize();
        int kc = g.kc();
        if (streamWeights) {
            // K block by K block: the block's B panels of the item are packed once, then each
            // weight block (p) is read once for all of them, every tile accumulating in the scratch
            for (int k0 = 0; k0 < k; k0 += kc) {
                int rows = Math.min(kc, k - k0);
                for (int q = q0; q < q1; q++) {
                    packColumns(padded, bBase + q * nr, k0, rows, scratch, panelsAt + (q - q0) * kc * nr);
                }
                for (int p = p0; p < p1; p++) {
                    int aOff = g.weightsAt(group, p, k0);
                    for (int q = q0; q < q1; q++) {
                        Sgemm.tile(g.scalar(), shape, g.packedWeights(), aOff, scratch, panelsAt + (q - q0) * kc * nr, rows,
                                scratch, tileAt(p - p0, q - q0), nr, k0 > 0);
                    }
                }
            }
        } else {
            // column panel by column panel: one packed B block stays in L1 while the weights pass it
            for (int q = q0; q < q1; q++) {
                for (int k0 = 0; k0 < k; k0 += kc) {
                    int rows = Math.min(kc, k - k0);
                    packColumns(padded, bBase + q * nr, k0, rows, scratch, panelsAt);
                    for (int p = p0; p < p1; p++) {
                        Sgemm.tile(g.scalar(), shape, g.packedWeights(), g.weightsAt(group, p, k0), scratch, panelsAt, rows,
                                scratch, tileAt(p - p0, q - q0), nr, k0 > 0);
                    }
                }
            }
        }
        for (int q = q0; q < q1; q++) {
            for (int p = p0; p < p1; p++) {
                store(scratch, tileAt(p - p0, q - q0), p * mr, Math.min(mr, g.coutG() - p * mr), q * nr, out.data(),
                        cBase, res, rBase, group);
            }
        }
    }

    private int tileAt(int p, int q) {
        return Align.FLOATS + (p * PANELS_PER_ITEM + q) * mr * nr;
    }

    /** Valid columns of a finished tile to the output, through the epilogue. */
    private void store(float[] tile, int tileAt, int row0, int rows, int pos0, float[] c, int cBase, Tensor res, int rBase,
                       int group) {
        int oy = pos0 / wq, ox = pos0 % wq;
        for (int j = 0; j < nr && oy < w.outH(); ox = 0, oy++) {
            int run = Math.min(nr - j, wq - ox);
            int valid = Math.min(run, w.outW() - ox);
            if (valid > 0) {
                int at = oy * w.outW() + ox;
                for (int r = 0; r < rows; r++) {
                    int o = cBase + (row0 + r) * w.outSize() + at;
                    g.epilogue().apply(tile, tileAt + r * nr + j, c, o, valid, g.bias()[group * g.coutG() + row0 + r],
                            res == null ? null : res.data(),
                            rBase + (row0 + r) * w.outSize() + at);
                }
            }
            j += run;
        }
    }
}
