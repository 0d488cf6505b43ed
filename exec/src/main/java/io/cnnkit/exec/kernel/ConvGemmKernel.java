package io.cnnkit.exec.kernel;

import static io.cnnkit.exec.kernel.Sgemm.MR;
import static io.cnnkit.exec.kernel.Sgemm.NR;

import io.cnnkit.exec.Tensor;
import java.util.Arrays;

/**
 * Convolution as a GEMM per image and group: C[Cout/g x OH*OW] = A[Cout/g x K] * B[K x OH*OW] with
 * K = Cin/g * kh * kw. A (the weights, batchnorm folded) is packed into {@link Sgemm#MR}-row panels
 * once; B is never materialised whole: for each block of {@link GemmConv#KC} K-rows and {@link #nc} output
 * positions it is gathered from the input ("im2col by tiles") into {@link Sgemm#NR}-column panels
 * in the slot's scratch, and a 1x1 stride-1 convolution just copies input rows. The loop order
 * keeps one B panel in L1 while all A panels stream past it (GotoBLAS/MLAS style). The epilogue
 * (bias, residual, activation) runs on each finished tile.
 *
 * <p>Work items are image x group x row block x column chunk, split over the workspace's slots.
 */
final class ConvGemmKernel extends GemmConvKernel {
    /** Upper bound of output positions per work item: the packed B block stays in L2. */
    static final int NC_MAX = 8 * NR;

    private final int n, nc, nChunks, rowBlocks;

    ConvGemmKernel(int[] inShape, int[] outShape, Window w, int groups, Folding folded, Fusion fusion,
                   KernelOptions options) {
        super(inShape, outShape, w, groups, folded, fusion, options, MR);
        this.n = w.outSize();
        // equal chunks of whole panels (784 positions: 7, 7, 7 and 4 panels rather than 8, 8, 8 and 1)
        int panels = (n + NR - 1) / NR, chunks = (panels + NC_MAX / NR - 1) / (NC_MAX / NR);
        this.nc = (panels + chunks - 1) / chunks * NR;
        this.nChunks = (n + nc - 1) / nc;
        this.rowBlocks = g.rowBlocks(nChunks, options.threads(), 1);
    }

    @Override
    public int scratchPerSlot() {
        return g.kc() * nc + MR * NR;
    }

    @Override
    public void run(Tensor[] inputs, Tensor output, Workspace ws) {
        Tensor x = inputs[0];
        Tensor res = g.residual() ? inputs[1] : null;
        g.forEachItem(ws, rowBlocks, nChunks, macs(), (image, group, p0, p1, chunk, scratch) ->
                compute(x, res, output, image, group, p0, p1, chunk, scratch));
    }

    private void compute(Tensor x, Tensor res, Tensor out, int image, int group, int p0, int p1, int chunk,
                         float[] scratch) {
        int n0 = chunk * nc, n1 = Math.min(n, n0 + nc);
        int panels = (n1 - n0 + NR - 1) / NR;
        int k = g.k(), coutG = g.coutG();
        int xBase = x.offset() + g.planeBase(image, group, g.cin(), g.cinG(), w.inH() * w.inW());
        int cBase = out.offset() + g.planeBase(image, group, g.cout(), coutG, n);
        int rBase = res == null ? 0 : res.offset() + g.planeBase(image, group, g.cout(), coutG, n);
        float[] c = out.data();
        int tile = g.kc() * nc;
        for (int k0 = 0; k0 < k; k0 += g.kc()) {
            int kc = Math.min(g.kc(), k - k0);
            packB(x.data(), xBase, k0, kc, n0, n1, scratch);
            boolean first = k0 == 0, last = k0 + kc == k;
            for (int q = 0; q < panels; q++) {
                int col = n0 + q * NR;
                int cols = Math.min(NR, n1 - col);
                int bOff = q * kc * NR;
                for (int p = p0; p < p1; p++) {
                    int row = p * MR;
                    int rows = Math.min(MR, coutG - row);
                    int aOff = g.weightsAt(group, p, k0);
                    int cAt = cBase + row * n + col;
                    if (rows == MR && cols == NR) {
                        Sgemm.tile(g.scalar(), g.packedWeights(), aOff, scratch, bOff, kc, c, cAt, n, !first);
                    } else {
                        if (!first) {
                            for (int r = 0; r < rows; r++) {
                                System.arraycopy(c, cAt + r * n, scratch, tile + r * NR, cols);
                            }
                        }
                        Sgemm.tile(g.scalar(), g.packedWeights(), aOff, scratch, bOff, kc, scratch, tile, NR, !first);
                        for (int r = 0; r < rows; r++) {
                            System.arraycopy(scratch, tile + r * NR, c, cAt + r * n, cols);
                        }
                    }
                    if (last) {
                        for (int r = 0; r < rows; r++) {
                            g.epilogue().apply(c, cAt + r * n, cols, g.bias()[group * coutG + row + r],
                                    res == null ? null : res.data(), rBase + (row + r) * n + col);
                        }
                    }
                }
            }
        }
    }

    /**
     * Gathers rows [k0, k0 + kc) of B for output positions [n0, n1) into NR-column panels:
     * dst[q * kc * NR + kk * NR + j]; positions past n1 and padded input read as zero.
     */
    private void packB(float[] x, int xBase, int k0, int kc, int n0, int n1, float[] dst) {
        int plane = w.inH() * w.inW();
        int taps = w.kh() * w.kw();
        boolean pointwise = w.isPointwise();
        int panels = (n1 - n0 + NR - 1) / NR;
        for (int kk = 0; kk < kc; kk++) {
            int kIndex = k0 + kk;
            int ci = kIndex / taps, tap = kIndex % taps;
            int ky = tap / w.kw(), kx = tap % w.kw();
            int src = xBase + ci * plane;
            for (int q = 0; q < panels; q++) {
                int d = q * kc * NR + kk * NR;
                int p = n0 + q * NR;
                int cols = Math.min(NR, n1 - p);
                if (pointwise) {
                    System.arraycopy(x, src + p, dst, d, cols);
                } else {
                    gatherRow(x, src, ky, kx, p, cols, dst, d);
                }
                if (cols < NR) {
                    Arrays.fill(dst, d + cols, d + NR, 0f);
                }
            }
        }
    }

    /** B values of tap (ky, kx) of one input channel for {@code cols} output positions from {@code p}. */
    private void gatherRow(float[] x, int src, int ky, int kx, int p, int cols, float[] dst, int d) {
        int oy = p / w.outW(), ox = p % w.outW();
        int j = 0;
        while (j < cols) {
            int len = Math.min(cols - j, w.outW() - ox);
            int iy = oy * w.sh() - w.padTop() + ky * w.dh();
            if (iy < 0 || iy >= w.inH()) {
                Arrays.fill(dst, d + j, d + j + len, 0f);
            } else {
                int row = src + iy * w.inW();
                int ix0 = ox * w.sw() - w.padLeft() + kx * w.dw();
                int sw = w.sw();
                // columns t in [lo, hi) read inside the row: 0 <= ix0 + t * sw < inW
                int lo = Math.min(len, Math.max(0, -Math.floorDiv(ix0, sw)));
                int hi = Math.max(lo, Math.min(len, Math.floorDiv(w.inW() - 1 - ix0, sw) + 1));
                Arrays.fill(dst, d + j, d + j + lo, 0f);
                if (sw == 1) {
                    System.arraycopy(x, row + ix0 + lo, dst, d + j + lo, hi - lo);
                } else {
                    for (int t = lo, at = row + ix0 + lo * sw; t < hi; t++, at += sw) {
                        dst[d + j + t] = x[at];
                    }
                }
                Arrays.fill(dst, d + j + hi, d + j + len, 0f);
            }
            j += len;
            ox = 0;
            oy++;
        }
    }
}
