package io.cnnkit.exec.kernel;

import io.cnnkit.exec.Tensor;

/**
 * 3x3 stride-1 convolution by Winograd's F(2x2, 3x3) with the GEMMs transposed, for small maps
 * with many channels (ResNet's 7x7 maps with 512 channels): M[xi]^T = V[xi]^T (tiles x Cin) *
 * U[xi]^T (Cin x Cout), tiles on the broadcast side of {@link Sgemm#tile} and output channels in
 * its vectors. A 7x7 map has exactly 16 tiles, two 8-row panels, where {@link WinogradConvKernel}
 * (tiles in the vectors, one extra tile per tile row) computes 32 columns for 16 tiles; and the
 * transformed weights, 16/9 of the filters and read once per run, are packed at preparation as
 * the GEMMs' B panels, so each panel is streamed once for all the tiles.
 *
 * <p>A run is three parallel steps per image, each split over its own units:
 * <ol>
 * <li>input, by input channel: the channel's zero-padded plane is copied into the slot's scratch
 *     and every tile's V = B^T d B goes into the packed A panels (shared scratch);</li>
 * <li>multiply, by (transform point, channel panel): the tile panels' GEMMs into M (shared);</li>
 * <li>output, by block of one vector of output channels: Y = A^T M A with lanes on channels into
 *     a positions x channels scratch, then bias, residual and activation on its way to the
 *     channel-major output ({@link Epilogue#applyTransposed}).</li>
 * </ol>
 */
final class WinogradTransposedKernel implements Kernel {
    private static final int M = Winograd.F2, ALPHA = Winograd.alpha(M), POINTS = ALPHA * ALPHA;
    private static final int LANES = Simd.S.length();

    private final int[] outShape;
    private final Window w;
    private final Sgemm.Shape shape;
    private final int batch, cin, cout, tilesH, tilesW, tiles, tilePanels, channelPanels, ldm, blocks;
    private final int paddedH, paddedW;
    private final float[] packedU, bias;
    private final boolean residual, scalar;
    private final Epilogue epilogue;
    /** Offsets of M's four values in one column (first pass) and of the temporary's four (second pass). */
    private final int[][] outCols;
    private final int[] outRows;

    /**
     * Whether this kernel runs the layer fastest: 3x3 stride-1 layers of one group on maps from 5x5
     * to 9x9 (from 10x10 {@link WinogradConvKernel} wins) with at least 64 channels in and out (with
     * fewer, the transforms cost more than the multiplies they save: 32x7-3s1-32 took 0.019 ms
     * against the direct convolution's 0.011). Measured one layer at a time, 512 bits, 1 thread:
     * 512x7-3s1-512 1.35 ms against 2.08, 160x7-3s1-320 0.30 against 0.41, 256x5-3s1-256 0.25
     * against 0.33, 64x9-3s1-64 0.070 against 0.078; 256x14-3s1-256 1.19 against 1.14 (docs/performance.md).
     */
    static boolean preferred(Window w, int inChannels, int outChannels, int groups) {
        int size = Math.min(w.outH(), w.outW());
        return groups == 1 && WinogradConvKernel.applies(w) && inChannels >= 64 && outChannels >= 64 && size >= 5
                && size < 10;
    }

    WinogradTransposedKernel(int[] inShape, int[] outShape, Window w, Folding folded, Fusion fusion,
                             KernelOptions options) {
        if (!WinogradConvKernel.applies(w)) {
            throw new IllegalArgumentException("Winograd convolution needs a 3x3 kernel, stride 1 and dilation 1");
        }
        this.outShape = outShape.clone();
        this.w = w;
        this.batch = inShape[0];
        this.cin = inShape[1];
        this.cout = outShape[1];
        this.tilesH = (w.outH() + M - 1) / M;
        this.tilesW = (w.outW() + M - 1) / M;
        this.tiles = tilesH * tilesW;
        this.shape = Sgemm.best(tiles, cout);
        this.tilePanels = (tiles + shape.mr() - 1) / shape.mr();
        this.channelPanels = (cout + shape.nr() - 1) / shape.nr();
        this.ldm = channelPanels * shape.nr();
        this.blocks = (cout + LANES - 1) / LANES;
        this.paddedH = M * tilesH + 2;
        this.paddedW = M * tilesW + 2;
        this.packedU = Sgemm.packPanels(Winograd.transformFilters(folded.weights(), cout, cin, M), POINTS, cout, cin,
                shape.nr());
        this.bias = folded.bias();
        this.residual = fusion.residual();
        this.scalar = options.scalar();
        this.epilogue = new Epilogue(fusion.activation(), options.scalar());
        this.outCols = new int[ALPHA][ALPHA];
        this.outRows = new int[ALPHA];
        for (int y = 0; y < ALPHA; y++) {
            for (int x = 0; x < ALPHA; x++) {
                outCols[x][y] = (y * ALPHA + x) * mStride();
            }
            outRows[y] = y * LANES;
        }
    }

    /** Floats between two transform points' GEMM outputs in M. */
    private int mStride() {
        return tilePanels * shape.mr() * ldm;
    }

    /**
     * Floats between two transform points' A panels: one cache line more than their size, since a
     * power-of-two stride (7x7 maps with 512 channels: 32 KiB) puts the 16 values that one tile
     * writes into a single L1 set.
     */
    private int vStride() {
        return tilePanels * cin * shape.mr() + 16;
    }

    private int vSize() {
        return POINTS * vStride();
    }

    @Override
    public int[] outputShape() {
        return outShape.clone();
    }

    @Override
    public long macs() {
        return (long) batch * cout * w.outSize() * cin * 9;
    }

    @Override
    public int scratchPerSlot() {
        // a padded input plane, or the output transform's first pass and Y (positions x one vector)
        return Math.max(paddedH * paddedW, POINTS * LANES + M * tilesH * M * tilesW * LANES);
    }

    @Override
    public int sharedScratch() {
        return vSize() + POINTS * mStride();
    }

    @Override
    public void run(Tensor[] inputs, Tensor output, Workspace ws) {
        Tensor x = inputs[0];
        Tensor res = residual ? inputs[1] : null;
        float[] shared = ws.shared();
        int mr = shape.mr(), nr = shape.nr();
        for (int image = 0; image < batch; image++) {
            int img = image;
            Parallel.forRange(ws, cin, (long) tiles * POINTS * 4, (slot, from, to) -> {
                for (int ci = from; ci < to; ci++) {
                    transformInput(x, img, ci, ws.scratch(slot), shared);
                }
            });
            Parallel.forRange(ws, POINTS * channelPanels, (long) tilePanels * mr * nr * cin, (slot, from, to) -> {
                for (int unit = from; unit < to; unit++) {
                    multiply(unit / channelPanels, unit % channelPanels, shared);
                }
            });
            Parallel.forRange(ws, blocks, (long) tiles * POINTS * LANES * 2, (slot, from, to) -> {
                for (int block = from; block < to; block++) {
                    transformOutput(shared, img, block, ws.scratch(slot), output, res);
                }
            });
        }
    }

    /**
     * V = B^T d B of every tile of channel {@code ci} into the A panels:
     * v[xi * vStride + (t / mr * cin + ci) * mr + t % mr]; rows past the last tile are zero.
     */
    private void transformInput(Tensor x, int image, int ci, float[] scratch, float[] v) {
        int mr = shape.mr();
        int plane = Align.FLOATS;
        java.util.Arrays.fill(scratch, plane, plane + paddedH * paddedW, 0f);
        float[] xs = x.data();
        int src = x.offset() + (image * cin + ci) * w.inH() * w.inW();
        int rows = Math.min(w.inH(), paddedH - w.padTop()), cols = Math.min(w.inW(), paddedW - w.padLeft());
        for (int iy = 0; iy < rows; iy++) {
            System.arraycopy(xs, src + iy * w.inW(), scratch, plane + (iy + w.padTop()) * paddedW + w.padLeft(), cols);
        }
        int vStride = vStride();
        for (int t = 0; t < tilePanels * mr; t++) {
            int at = Align.FLOATS + ((t / mr) * cin + ci) * mr + t % mr;
            if (t < tiles) {
                int ty = t / tilesW, tx = t % tilesW;
                Winograd.inputTile2(scratch, plane + ty * M * paddedW + tx * M, paddedW, v, at, vStride);
            } else {
                for (int xi = 0; xi < POINTS; xi++) {
                    v[at + xi * vStride] = 0f;
                }
            }
        }
    }

    /** M[xi] for the output channels of panel p: every tile panel against U[xi]'s B panel, K = Cin whole. */
    private void multiply(int xi, int p, float[] shared) {
        int mr = shape.mr(), nr = shape.nr();
        int b = Align.FLOATS + (xi * channelPanels + p) * cin * nr;
        int c = Align.FLOATS + vSize() + xi * mStride() + p * nr;
        for (int tp = 0; tp < tilePanels; tp++) {
            Sgemm.tile(scalar, shape, shared, Align.FLOATS + xi * vStride() + tp * cin * mr, packedU, b, cin,
                    shared, c + tp * mr * ldm, ldm, false);
        }
    }

    /**
     * Y = A^T M A for output channels [block * LANES, +LANES) of every tile, lanes on channels, into
     * y[(row * 2 tilesW + col) * LANES + j] (the tiles' whole 2x2 blocks), then row by row to the output.
     */
    private void transformOutput(float[] shared, int image, int block, float[] scratch, Tensor out, Tensor res) {
        int c0 = block * LANES, channels = Math.min(LANES, cout - c0);
        int tmp = Align.FLOATS, y = tmp + POINTS * LANES;
        int yRow = M * tilesW * LANES;
        int mBase = Align.FLOATS + vSize() + c0;
        for (int t = 0; t < tiles; t++) {
            int ty = t / tilesW, tx = t % tilesW;
            for (int k = 0; k < ALPHA; k++) {
                Winograd.output(M, scalar, shared, mBase + t * ldm, outCols[k], scratch, tmp + k * LANES,
                        ALPHA * LANES, LANES);
            }
            for (int i = 0; i < M; i++) {
                Winograd.output(M, scalar, scratch, tmp + i * ALPHA * LANES, outRows, scratch,
                        y + (ty * M + i) * yRow + tx * M * LANES, LANES, LANES);
            }
        }
        int outSize = w.outSize();
        for (int oy = 0; oy < w.outH(); oy++) {
            int at = (image * cout + c0) * outSize + oy * w.outW();
            epilogue.applyTransposed(scratch, y + oy * yRow, LANES, w.outW(), channels, bias, c0, out.data(),
                    out.offset() + at, outSize, res == null ? null : res.data(), res == null ? 0 : res.offset() + at);
        }
    }
}
