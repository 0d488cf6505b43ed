package io.cnnkit.exec.kernel.conv;

import io.cnnkit.exec.Tensor;
import io.cnnkit.exec.kernel.Align;
import io.cnnkit.exec.kernel.Epilogue;
import io.cnnkit.exec.kernel.Folding;
import io.cnnkit.exec.kernel.Fusion;
import io.cnnkit.exec.kernel.Kernel;
import io.cnnkit.exec.kernel.KernelOptions;
import io.cnnkit.exec.kernel.Parallel;
import io.cnnkit.exec.kernel.Simd;
import io.cnnkit.exec.kernel.Window;
import io.cnnkit.exec.kernel.Workspace;
import io.cnnkit.exec.kernel.gemm.Sgemm;

/**
 * 3x3 stride-1 convolution (dilation 1, one group, any padding) by Winograd's F(m x m, 3 x 3)
 * ({@link Winograd}): per image, the output is cut into m x m tiles, each computed from an alpha x
 * alpha input tile (alpha = m + 2) with alpha^2 independent GEMMs
 * M[xi] = U[xi] (Cout x Cin) * V[xi] (Cin x tiles) in place of one GEMM with K = 9 Cin.
 *
 * <p>Prepare: the filters (batchnorm folded) are transformed, U = G g G^T, and packed per transform
 * point xi into mr-row panels of the layer's tile shape ({@link Sgemm#best}: 8x48 or 12x32 at 512 bits). Run:
 * <ol>
 * <li>The input is copied once (shared scratch) into m x m phase planes with zero padding
 *     ({@link PhasePlanes#tiles}):
 *     plane (a, b) holds xpad[a + m i][b + m j] at i * wt + j, wt = tilesW + 1. Tiles are numbered
 *     t = ty * wt + tx, so the value d[y][x] of tile t is at t + (y / m) * wt + x / m of plane
 *     (y % m, x % m): every row of a tile's input is a contiguous run over t, and the transforms
 *     run over nr tiles at once with vector lanes on tiles. The tiles tx = tilesW
 *     (one per tile row) are computed and dropped.</li>
 * <li>Images go one at a time ({@link ImageByImage}). An image's work is cut into units
 *     (output-channel panel, tile panel), ordered block by block of tile panels, and split into one
 *     contiguous range per thread balanced by a cost model ({@link #balancedParts}). A range transforms each block it meets, V = B^T d B, straight into
 *     packed nr-column B panels (alpha^2 x block panels x Cin x nr in the slot's scratch), then per
 *     chunk of output-channel panels runs the alpha^2 x block x chunk tiles with {@link Sgemm#tile} into a
 *     scratch M, transforms it back, Y = A^T M A, into m x m phase rows, scatters those into the
 *     cropped output and applies the epilogue (bias, residual, activation) on the block's rows.
 *     Blocks and chunks come from the cheaper of two orders: V blocked to stay in L2 with chunks
 *     of one panel, or, for weight-heavy layers (512 channels on small maps), the whole image as
 *     one block with U read once.</li>
 * </ol>
 */
final class WinogradConvKernel implements Kernel {
    /**
     * Floats of transformed input per block (1.5 MiB): with the M tiles and the streaming U panels it
     * stays in the 2 MiB L2. Fewer, larger blocks stream U fewer times.
     */
    private static final int BLOCK_FLOATS = 3 << 17;
    /** Floats of GEMM output per chunk of output-channel panels (512 KiB) in the weight-heavy order. */
    private static final int CHUNK_FLOATS = 1 << 17;

    private final int[] outShape;
    private final Window w;
    private final Sgemm.Shape shape;
    private final int mr, nr;
    private final int m, alpha, batch, cin, cout, mPanels;
    private final int tilesW, tilesH, wt, planeT, tiles, panels, blockPanels, chunk;
    /** One image's work split into a contiguous range of units per thread: part s runs units [parts[s], parts[s + 1]). */
    private final int[] parts;
    private final ImageByImage images;
    private final float[] packedU, bias;
    private final boolean residual, scalar;
    private final Epilogue epilogue;
    /** Input transform: offsets of d[y][0..alpha) per row y; of tmp rows for the second pass. */
    private final int[][] inRows;
    private final int[] inCols;
    /** Output transform: offsets of M[0..alpha)[k] per column k; of tmp rows for the second pass. */
    private final int[][] outCols;
    private final int[] outRows;
    /** The input split into m x m phase planes of (tilesH + 1) x wt. */
    private final PhasePlanes planes;

    /** True when the kernel computes this window: 3x3, stride 1, dilation 1 (one group is the caller's check). */
    static boolean applies(Window w) {
        return w.kh() == 3 && w.kw() == 3 && w.sh() == 1 && w.sw() == 1 && w.dh() == 1 && w.dw() == 1;
    }

    /**
     * The output tile that runs this layer fastest, or 0 where the direct GEMMs win (measured on
     * ResNet-18's and VGG-16's layers, see docs/performance.md). Each transformed filter value is
     * used once per tile, so small maps make the alpha^2 x Cout x Cin weights a memory stream:
     * F(4,3) (2.25 times F(2,3)'s weights) pays from 24x24 outputs, F(2,3) from 10x10; below 16
     * channels the transforms cost more than the multiplies they save.
     */
    static int preferredTile(Window w, int inChannels, int outChannels, int groups) {
        int size = Math.min(w.outH(), w.outW());
        if (groups != 1 || !applies(w) || inChannels < 16 || outChannels < 16 || size < 10) {
            return 0;
        }
        return size >= 24 ? Winograd.F4 : Winograd.F2;
    }

    /** The two loop orders (see the constructor); tests force each. */
    enum Order { BLOCKED, WEIGHT_HEAVY }

    /** {@code m}: {@link Winograd#F2} or {@link Winograd#F4}; the loop order streaming fewer floats. */
    WinogradConvKernel(int[] inShape, int[] outShape, Window w, int m, Folding folded, Fusion fusion,
                       KernelOptions options) {
        this(inShape, outShape, w, m, folded, fusion, options, null);
    }

    /** {@code order} null: chosen by the floats each order streams from beyond L2. */
    WinogradConvKernel(int[] inShape, int[] outShape, Window w, int m, Folding folded, Fusion fusion,
                       KernelOptions options, Order order) {
        this(inShape, outShape, w, m, folded, fusion, options, order, null);
    }

    /** {@code reuse}: a kernel no longer run whose transformed filters this one may overwrite, or null. */
    WinogradConvKernel(int[] inShape, int[] outShape, Window w, int m, Folding folded, Fusion fusion,
                       KernelOptions options, Order order, WinogradConvKernel reuse) {
        if (!applies(w)) {
            throw new IllegalArgumentException("Winograd convolution needs a 3x3 kernel, stride 1 and dilation 1");
        }
        this.outShape = outShape.clone();
        this.w = w;
        this.m = m;
        this.alpha = Winograd.alpha(m);
        this.batch = inShape[0];
        this.cin = inShape[1];
        this.cout = outShape[1];
        this.tilesH = (w.outH() + m - 1) / m;
        this.tilesW = (w.outW() + m - 1) / m;
        this.wt = tilesW + 1;
        this.tiles = tilesH * wt;
        this.shape = Sgemm.best(cout, tiles);
        this.mr = shape.mr();
        this.nr = shape.nr();
        if (nr % Simd.S.length() != 0) {
            throw new IllegalStateException("the tile panel width must be a multiple of the vector length");
        }
        this.mPanels = (cout + mr - 1) / mr;
        this.packedU = Winograd.packedFilters(folded.weights(), cout, cin, m, mr,
                reuse != null && reuse.cout == cout && reuse.cin == cin && reuse.m == m && reuse.mr == mr
                        ? reuse.packedU : null);
        this.bias = folded.bias();
        this.residual = fusion.residual();
        this.scalar = options.scalar();
        this.epilogue = new Epilogue(fusion.activation(), options.scalar());

        this.planeT = (tilesH + 1) * wt;
        this.panels = (tiles + nr - 1) / nr;
        // Two loop orders, chosen by the floats they stream from beyond L2. Blocked: V of a block of
        // tile panels stays in L2 while each output-channel panel runs on its own; U is read once per
        // block. Weight-heavy: the whole image is one block and the GEMMs run transform point by
        // transform point over chunks of output-channel panels (V[xi] is reused from L2 across the
        // chunk); U is read once, V once per chunk.
        int fitL2 = Math.max(1, BLOCK_FLOATS / (alpha * alpha * cin * nr));
        int chunkPanels = Math.max(1, CHUNK_FLOATS / (alpha * alpha * panels * mr * nr));
        long weights = (long) alpha * alpha * cout * cin, image = (long) alpha * alpha * panels * nr * cin;
        long blocked = weights * ((panels + fitL2 - 1) / fitL2);
        boolean weightHeavy = order != null ? order == Order.WEIGHT_HEAVY
                : weights + image * ((mPanels + chunkPanels - 1) / chunkPanels) < blocked;
        int fit = weightHeavy ? panels : fitL2;
        int blocksWanted = (panels + fit - 1) / fit;
        this.blockPanels = (panels + blocksWanted - 1) / blocksWanted;
        this.chunk = weightHeavy ? chunkPanels : 1;
        this.parts = balancedParts(options.threads());

        this.planes = PhasePlanes.tiles(w, m, tilesH + 1, wt);
        this.images = new ImageByImage(batch, planes.bufferSize(cin), options.threads());
        this.inRows = new int[alpha][alpha];
        this.inCols = new int[alpha];
        this.outCols = new int[alpha][alpha];
        this.outRows = new int[alpha];
        for (int y = 0; y < alpha; y++) {
            for (int x = 0; x < alpha; x++) {
                inRows[y][x] = ((y % m) * m + x % m) * planeT + (y / m) * wt + x / m;
                outCols[x][y] = (y * alpha + x) * chunk * blockPanels * mr * nr;
            }
            inCols[y] = y * alpha * nr;
            outRows[y] = y * nr;
        }
    }

    /** Units of one image: output-channel panel x tile panel, block after block (see {@link #run}). */
    private int unitsPerImage() {
        return mPanels * panels;
    }

    /**
     * Per-unit and per-transformed-panel costs, in multiply-adds of the tile per product element:
     * the output transform, scatter and epilogue cost about 37 per M value and the input transform
     * about 24 per V value, in proportion to their shares of a profile of the 64x56 layer.
     */
    private static final long OUTPUT_COST = 37, INPUT_COST = 24;

    /** Work of units [from, to): their GEMMs and output transforms, and the input panels they transform. */
    private double cost(int from, int to) {
        long units = to - from, transformed = 0;
        for (int u = from; u < to; ) {
            Segment s = segment(u, to);
            transformed += s.transformTo() - s.transformFrom();
            u = s.end();
        }
        return (double) units * mr * (cin + OUTPUT_COST) + (double) transformed * cin * INPUT_COST;
    }

    /**
     * {@code threads} contiguous ranges of units with the least work in the largest (each range
     * transforms the input of every block it meets): blocks of unequal size or a block shared by
     * two threads are balanced by moving output-channel panels (64x56 on two threads: 5 tile
     * panels in blocks of 3 and 2, which split as whole blocks ran 3:2).
     */
    private int[] balancedParts(int threads) {
        return Parallel.balancedRanges(unitsPerImage(), threads, this::cost);
    }

    /**
     * The units from {@code from} to the end of its block or {@code to}: output-channel panels
     * [pFirst, pLast] of one block of one image, tile panels [qa, qb) of the first and last of
     * them, and the block's tile panels to transform (all, unless only one channel panel is met).
     */
    private record Segment(int image, int q0, int qn, int pFirst, int pLast, int qaFirst, int qbLast, int end) {
        int transformFrom() {
            return pFirst == pLast ? qaFirst : 0;
        }

        int transformTo() {
            return pFirst == pLast ? qbLast : qn;
        }

        /** Whether channel panel p (in [pFirst, pLast]) runs every tile panel of the block. */
        boolean whole(int p) {
            return (p != pFirst || qaFirst == 0) && (p != pLast || qbLast == qn);
        }
    }

    private Segment segment(int from, int to) {
        int image = from / unitsPerImage(), block = from % unitsPerImage() / (mPanels * blockPanels);
        int q0 = block * blockPanels, qn = Math.min(panels, q0 + blockPanels) - q0;
        int start = image * unitsPerImage() + mPanels * q0;
        int end = Math.min(to, start + mPanels * qn);
        int first = from - start, last = end - 1 - start;
        return new Segment(image, q0, qn, first / qn, last / qn, first % qn, last % qn + 1, end);
    }

    @Override
    public int[] outputShape() {
        return outShape.clone();
    }

    @Override
    public long macs() {
        return (long) batch * cout * w.outSize() * cin * 9;
    }

    private int vSize() {
        return alpha * alpha * blockPanels * cin * nr;
    }

    private int mSize() {
        return alpha * alpha * chunk * blockPanels * mr * nr;
    }

    @Override
    public int scratchPerSlot() {
        // V, M, the first pass of a transform (alpha^2 rows of nr), the output tile's m^2 phase rows
        return vSize() + mSize() + alpha * alpha * nr + m * m * nr;
    }

    @Override
    public int sharedScratch() {
        // the last panel of the last plane reads up to nr + wt + 1 floats past the planes
        return images.sharedScratch();
    }

    @Override
    public void run(Tensor[] inputs, Tensor output, Workspace ws) {
        Tensor x = inputs[0];
        Tensor res = residual ? inputs[1] : null;
        float[] shared = ws.shared();
        images.run(ws, macs(), (image, at, scratch) -> {
            planes.fill(x, image * cin, cin, shared, at);
            units(shared, at, image * unitsPerImage(), (image + 1) * unitsPerImage(), scratch, output, res);
        }, image -> {
            int first = image * unitsPerImage();
            planes.fill(ws, x, image * cin, cin, shared, 0);
            Parallel.forRanges(ws, parts, macs() / batch, (slot, from, to) ->
                    units(shared, 0, first + from, first + to, ws.scratch(slot), output, res));
        });
    }

    /** Units [from, to) of one image, whose planes are at {@code planesAt} in {@code shared}. */
    private void units(float[] shared, int planesAt, int from, int to, float[] scratch, Tensor output, Tensor res) {
        for (int u = from; u < to; ) {
            Segment s = segment(u, to);
            transformInput(shared, planesAt, s.q0(), s.transformFrom(), s.transformTo(), scratch);
            for (int p = s.pFirst(); p <= s.pLast(); ) {
                int qa = p == s.pFirst() ? s.qaFirst() : 0, qb = p == s.pLast() ? s.qbLast() : s.qn();
                // a chunk of channel panels shares one tile-panel range: whole panels only
                int end = p + 1;
                while (end - p < chunk && end <= s.pLast() && s.whole(p) && s.whole(end)) {
                    end++;
                }
                multiply(p, end, qa, qb, scratch);
                for (int c = p; c < end; c++) {
                    transformOutput(c, c - p, s.image(), s.q0(), qa, qb, scratch, output, res);
                }
                p = end;
            }
            u = s.end();
        }
    }

    /**
     * V = B^T d B for tile panels [q0 + qa, q0 + qb) of {@code image}, the block starting at panel
     * q0: v[((xi * blockPanels + q) * cin + ci) * nr + j], q counted from q0.
     */
    private void transformInput(float[] planes, int planesAt, int q0, int qa, int qb, float[] scratch) {
        int tmp = Align.FLOATS + vSize() + mSize();
        int vStride = alpha * blockPanels * cin * nr;
        for (int q = qa; q < qb; q++) {
            int t0 = (q0 + q) * nr;
            for (int ci = 0; ci < cin; ci++) {
                int base = planesAt + ci * m * m * planeT + t0;
                for (int y = 0; y < alpha; y++) {
                    Winograd.input(m, scalar, planes, base, inRows[y], scratch, tmp + y * alpha * nr, nr, nr);
                }
                for (int k = 0; k < alpha; k++) {
                    Winograd.input(m, scalar, scratch, tmp + k * nr, inCols, scratch,
                            Align.FLOATS + ((k * blockPanels + q) * cin + ci) * nr, vStride, nr);
                }
            }
        }
    }

    /**
     * M[xi] = U[xi] V[xi] for output-channel panels [c0, c1) and the block's tile panels [qa, qb),
     * transform point by transform point: m[vSize + (((xi * chunk + p - c0) * blockPanels + q) * mr + r) * nr + j].
     */
    private void multiply(int c0, int c1, int qa, int qb, float[] scratch) {
        int mBase = Align.FLOATS + vSize();
        for (int xi = 0; xi < alpha * alpha; xi++) {
            for (int p = c0; p < c1; p++) {
                int a = Align.FLOATS + (xi * mPanels + p) * cin * mr;
                int c = mBase + (xi * chunk + p - c0) * blockPanels * mr * nr;
                for (int q = qa; q < qb; q++) {
                    Sgemm.tile(scalar, shape, packedU, a, scratch, Align.FLOATS + (xi * blockPanels + q) * cin * nr, cin, scratch,
                            c + q * mr * nr, nr, false);
                }
            }
        }
    }

    /**
     * Y = A^T M A for the channels of panel p and tile panels [q0 + qa, q0 + qb), scattered into the
     * output, then the epilogue on their rows.
     */
    private void transformOutput(int p, int inChunk, int image, int q0, int qa, int qb, float[] scratch, Tensor out,
                                 Tensor res) {
        int mBase = Align.FLOATS + vSize() + inChunk * blockPanels * mr * nr;
        int tmp = Align.FLOATS + vSize() + mSize(), phase = tmp + alpha * alpha * nr;
        int rows = Math.min(mr, cout - p * mr);
        int outW = w.outW(), outH = w.outH();
        float[] o = out.data();
        int t0 = (q0 + qa) * nr, t1 = Math.min(tiles, (q0 + qb) * nr);
        for (int r = 0; r < rows; r++) {
            int co = p * mr + r;
            int plane = (image * cout + co) * w.outSize();
            for (int q = qa; q < qb; q++) {
                int tile = mBase + (q * mr + r) * nr;
                for (int k = 0; k < alpha; k++) {
                    Winograd.output(m, scalar, scratch, tile, outCols[k], scratch, tmp + k * nr, alpha * nr, nr);
                }
                for (int i = 0; i < m; i++) {
                    Winograd.output(m, scalar, scratch, tmp + i * alpha * nr, outRows, scratch, phase + i * m * nr, nr,
                            nr);
                }
                scatter(scratch, phase, (q0 + q) * nr, o, out.offset() + plane);
            }
            // the block's outputs of this channel: runs of rows, merged where they are contiguous
            int runAt = plane, runLength = 0;
            for (int ty = t0 / wt; ty <= (t1 - 1) / wt; ty++) {
                int x0 = Math.max(0, t0 - ty * wt) * m, x1 = Math.min(outW, Math.min(tilesW, t1 - ty * wt) * m);
                for (int y = ty * m; y < Math.min(outH, ty * m + m) && x0 < x1; y++) {
                    int at = plane + y * outW + x0;
                    if (at != runAt + runLength) {
                        applyEpilogue(o, out.offset(), runAt, runLength, co, res);
                        runAt = at;
                        runLength = 0;
                    }
                    runLength += x1 - x0;
                }
            }
            applyEpilogue(o, out.offset(), runAt, runLength, co, res);
        }
    }

    private void applyEpilogue(float[] o, int offset, int at, int length, int co, Tensor res) {
        if (length > 0) {
            epilogue.apply(o, offset + at, length, bias[co], res == null ? null : res.data(),
                    res == null ? 0 : res.offset() + at);
        }
    }

    /**
     * The m x m outputs of the nr tiles from {@code t0} (phase rows at {@code phase}) into one output
     * channel, a run of tiles of one tile row at a time; the last tile of a row may be cropped.
     */
    private void scatter(float[] scratch, int phase, int t0, float[] o, int plane) {
        int outW = w.outW(), outH = w.outH();
        int end = Math.min(nr, tiles - t0);
        for (int j = 0; j < end; ) {
            int ty = (t0 + j) / wt, tx = t0 + j - ty * wt;
            int run = Math.min(end - j, tilesW - tx);
            for (int i = 0; i < m && ty * m + i < outH && run > 0; i++) {
                int row = plane + (ty * m + i) * outW + tx * m;
                for (int jj = 0; jj < m; jj++) {
                    // tiles u < run whose column tx * m + u * m + jj is inside the map
                    int cols = Math.min(run, Math.floorDiv(outW - 1 - tx * m - jj, m) + 1);
                    for (int u = 0, from = phase + (i * m + jj) * nr + j; u < cols; u++) {
                        o[row + u * m + jj] = scratch[from + u];
                    }
                }
            }
            j += Math.max(run, 0) + (tx + run == tilesW ? 1 : 0);
        }
    }
}
