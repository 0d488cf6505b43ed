package io.cnnkit.exec.kernel.conv;

import io.cnnkit.exec.Tensor;
import io.cnnkit.exec.kernel.Activation;
import io.cnnkit.exec.kernel.Align;
import io.cnnkit.exec.kernel.Folding;
import io.cnnkit.exec.kernel.Fusion;
import io.cnnkit.exec.kernel.KernelOptions;
import io.cnnkit.exec.kernel.Simd;
import io.cnnkit.exec.kernel.Window;
import io.cnnkit.exec.kernel.Workspace;
import io.cnnkit.exec.kernel.gemm.Sgemm;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;

/**
 * Convolution as a GEMM per image and group: C[Cout/g x OH*OW] = A[Cout/g x K] * B[K x OH*OW] with
 * K = Cin/g * kh * kw. A (the weights, batchnorm folded) is packed into mr-row panels
 * once (the layer's tile shape, {@link Sgemm#best}); B is never materialised whole: for each block of {@link GemmConv#KC} K-rows and chunk of output
 * positions it is gathered from the input ("im2col by tiles") into nr-column panels
 * in the slot's scratch, and a 1x1 stride-1 convolution just copies input rows, or, with at most
 * {@link #IN_PLACE_M_MAX} output channels, reads them where they lie ({@link #readsBInPlace}). The loop order
 * keeps one B panel in L1 while all A panels stream past it (GotoBLAS/MLAS style). The epilogue
 * (bias, residual, activation) runs on the rows of a work item's chunk once its last tile is done,
 * while they are in L2 (on each finished tile where they would not be). A layer of one K block
 * (MobileNet-v2's 16->96 on 112x112, ResNet-50's 64->256 on 56x56) turns the loop round: each A
 * panel meets every B panel of the chunk in turn, which writes C in long runs, and the panel's rows
 * take their epilogue while they are in L1.
 *
 * <p>A 1x1 layer without padding whose positions end a few short of a whole panel (49 = 48 + 1 on 7x7
 * maps, 196 = 192 + 4 on 14x14; all of a squeeze-excitation's 1x1 map) may leave those last
 * {@link Layout#tail} positions to a product by vectors instead ({@link #layout}): each A panel, still in L1 after its tiles, is multiplied by
 * the tail's B values repeated across the panel's rows, rather than computing a whole tile panel
 * for them.
 *
 * <p>The work is split into one range of weight panels x position chunks per thread ({@link GemmConv#parts}).
 */
final class ConvGemmKernel extends GemmConvKernel {
    /** Upper bound of column panels per work item: the packed B block stays in L2. */
    private static final int PANELS_MAX = 8;
    /**
     * Most floats of C of one work item whose epilogue waits for the chunk's last tile: 512 KB, half
     * a 1 MB L2, for a piecewise-linear activation; 256 KB for a smooth one, whose longer epilogue
     * ran EfficientNet-B0 slower on the larger parts (docs/performance.md, "Epilogue per row").
     */
    private static final int ROW_EPILOGUE_C_MAX = 131072, ROW_EPILOGUE_C_MAX_SMOOTH = 65536;

    /**
     * Most positions left to the tail product (of a 1x1 stride-1 layer, and of a strided one), and
     * its cost per output relative to a tile slot (two loads per FMA).
     */
    static final int TAIL_MAX = 4, TAIL_MAX_STRIDED = 1;
    private static final double TAIL_COST = 1.5;

    /**
     * The tile shape and how many of the last positions the tail product computes (0: none). The
     * tail needs panels whose mr rows divide a vector, so that a vector holds whole k steps.
     */
    record Layout(Sgemm.Shape shape, int tail) {
        /** The useful fraction of the tile slots, the tail's outputs counted at {@link #TAIL_COST}. */
        double useful(int m, int n) {
            int mr = shape.mr(), nr = shape.nr(), tiled = n - tail;
            double slots = (double) ceilDiv(m, mr) * mr * ceilDiv(tiled, nr) * nr + TAIL_COST * m * tail;
            return m * (double) n / slots;
        }

        private static int ceilDiv(int a, int b) {
            return (a + b - 1) / b;
        }
    }

    private final Sgemm.Shape shape;
    private final int mr, nr, n;
    /** Positions [tiled, n) are the tail ({@link Layout#tail}); the K steps per vector of the tail product. */
    private final int tail, tiled, tailSteps;
    private final GemmConv.Chunks chunks;
    private final int[] parts;
    /**
     * A strided 1x1 window without padding (ResNet's downsampling): the offset in an input plane
     * of each output position's input, so that packing B is one vector gather per 16 positions
     * instead of a strided copy per output row; null for other windows.
     */
    private final int[] pointSources;
    /**
     * A 1x1 window of column stride 2 without padding whose output rows are at least a vector long
     * (ResNet's first downsampling on 56x56): B is packed by {@link #copyEvenColumns}, not gathered.
     */
    private final boolean evenColumns;
    /** {@link #ROW_EPILOGUE_C_MAX} or {@link #ROW_EPILOGUE_C_MAX_SMOOTH}, by the fused activation. */
    private final int rowEpilogueMax;
    /**
     * Whole column panels read B where it lies in the input planes (rows {@code plane} apart) rather
     * than from a packed copy ({@link #readsBInPlace}); only a last partial panel is packed.
     */
    private final boolean bInPlace;

    ConvGemmKernel(int[] inShape, int[] outShape, Window w, int groups, Folding folded, Fusion fusion,
                   KernelOptions options) {
        this(inShape, outShape, w, groups, folded, fusion, options, null);
    }

    /** As above, {@code reuse}: a kernel no longer run whose packed weights this one may overwrite, or null. */
    ConvGemmKernel(int[] inShape, int[] outShape, Window w, int groups, Folding folded, Fusion fusion,
                   KernelOptions options, GemmConvKernel reuse) {
        super(inShape, outShape, w, groups, folded, fusion, options, layout(w, outShape[1] / groups).shape().mr(),
                kBlockMax(w, outShape[1] / groups), reuse);
        Layout layout = layout(w, g.coutG());
        this.shape = layout.shape();
        this.mr = shape.mr();
        this.nr = shape.nr();
        this.n = w.outSize();
        this.tail = layout.tail();
        this.tiled = n - tail;
        this.tailSteps = Simd.S.length() / mr;
        // equal chunks of whole panels (784 positions: 7, 7, 7 and 4 panels rather than 8, 8, 8 and 1)
        // maps of at most TAIL_MAX positions (squeeze-excitation's 1x1 maps) are all tail: one empty chunk
        this.chunks = tiled == 0 ? new GemmConv.Chunks(1, 0, 0) : GemmConv.Chunks.of(tiled, nr, PANELS_MAX);
        this.parts = g.parts(chunks, ConvCostModel.im2colPrepareCost(w) * Simd.S.length(), options.threads());
        this.pointSources = unpaddedPoints(w) && !w.isPointwise() ? pointSources(w) : null;
        this.evenColumns = pointSources != null && w.sw() == 2 && w.outW() >= Simd.S.length() && !options.scalar();
        Activation.Kind act = fusion.activation().kind();
        boolean linear = act == Activation.Kind.NONE || act == Activation.Kind.RELU || act == Activation.Kind.RELU6
                || act == Activation.Kind.LEAKY_RELU;
        this.rowEpilogueMax = linear ? ROW_EPILOGUE_C_MAX : ROW_EPILOGUE_C_MAX_SMOOTH;
        this.bInPlace = readsBInPlace(w, shape, g.coutG(), options.scalar());
    }

    /** Most output channels for which B is read in place: each packed B value would serve at most this many. */
    static final int IN_PLACE_M_MAX = 32;

    /**
     * Whether a layer reads B in place: a 1x1 stride-1 layer without padding on the 8x48 tile with
     * at most {@link #IN_PLACE_M_MAX} output channels, where a packed copy of B would serve at most
     * four weight panels.
     */
    static boolean readsBInPlace(Window w, Sgemm.Shape shape, int coutG, boolean scalar) {
        return w.isPointwise() && shape == Sgemm.COLUMNS && shape.nr() == 48
                && coutG <= IN_PLACE_M_MAX && !scalar;
    }

    /**
     * Most K rows per block of a 1x1 layer that reads B in place or whose map is all tail (a
     * squeeze-excitation layer's 1x1 map, where longer blocks ran slower).
     */
    static final int KC_POINTS = 256;
    /** Most output positions of a small map (28x28), whose 1x1 layers take long K blocks. */
    static final int SMALL_MAP = 784;
    /** Most floats of a small map's packed B per chunk and K block: 1 MiB, the AMD host's L2 per core. */
    static final int SMALL_MAP_B_MAX = 1 << 18;

    /**
     * The K block of a 1x1 layer without padding (any stride): on an output map of at most
     * {@link #SMALL_MAP} positions as many rows as keep a chunk's packed B within
     * {@link #SMALL_MAP_B_MAX} (all of K for ResNet-50's layers on 28x28, 14x14 and 7x7), so that C
     * is stored and reloaded, and the tail folded, once or twice rather than once per 128 or 256
     * rows; {@link #KC_POINTS} for those reading B in place (no packed panel to keep in L1) and maps
     * that are all tail; {@link GemmConv#KC} for other windows and larger maps, where one block of
     * 256 rows (ResNet-50's 256 -> 64 on 56x56) ran the whole network slower.
     */
    static int kBlockMax(Window w, int coutG) {
        if (!unpaddedPoints(w)) {
            return GemmConv.KC;
        }
        Layout layout = layout(w, coutG);
        int tiled = w.outSize() - layout.tail();
        if (readsBInPlace(w, layout.shape(), coutG, false) || tiled == 0) {
            return KC_POINTS;
        }
        if (w.outSize() > SMALL_MAP) {
            return GemmConv.KC;
        }
        int chunk = GemmConv.Chunks.of(tiled, layout.shape().nr(), PANELS_MAX).size();
        return Math.max(KC_POINTS, SMALL_MAP_B_MAX / chunk);
    }

    /** A 1x1 window without padding, of any stride: each output position reads one input position. */
    private static boolean unpaddedPoints(Window w) {
        return w.kh() * w.kw() == 1 && w.padTop() == 0 && w.padLeft() == 0 && w.padBottom() == 0 && w.padRight() == 0;
    }

    /** Input offsets within a plane of the output positions of a 1x1 window without padding. */
    private static int[] pointSources(Window w) {
        int[] sources = new int[w.outSize()];
        for (int oy = 0, p = 0; oy < w.outH(); oy++) {
            for (int ox = 0; ox < w.outW(); ox++, p++) {
                sources[p] = oy * w.sh() * w.inW() + ox * w.sw();
            }
        }
        return sources;
    }

    /**
     * The tile shape for {@code coutG} output channels per group on this window ({@link Sgemm#best};
     * 8x48 for a 1x1 stride-1 layer of 8 to {@link #IN_PLACE_M_MAX} channels in whole panels, at
     * 512 bits, so that it reads B in place), or, for a 1x1 window without padding (any stride), a
     * shape with a tail of at most {@link #TAIL_MAX} positions where that wastes less.
     */
    static Layout layout(Window w, int coutG) {
        int n = w.outSize();
        // few output channels that fill 8x48's rows: that tile, which can read B in place (readsBInPlace)
        boolean inPlace = w.isPointwise() && coutG <= IN_PLACE_M_MAX && coutG % Sgemm.COLUMNS.mr() == 0
                && Sgemm.COLUMNS.nr() == 48;
        Layout best = new Layout(inPlace ? Sgemm.COLUMNS : Sgemm.best(coutG, n), 0);
        if (!unpaddedPoints(w)) {
            return best;
        }
        // a strided layer's tail reads its B values scattered over the input planes: measured a gain for
        // one position (7x7 maps: 49 = 48 + 1), a loss for four (14x14: 196 = 192 + 4)
        int tailMax = w.isPointwise() ? TAIL_MAX : TAIL_MAX_STRIDED;
        for (Sgemm.Shape candidate : new Sgemm.Shape[] {Sgemm.ROWS, Sgemm.COLUMNS}) {
            int tail = n % candidate.nr();
            Layout withTail = new Layout(candidate, tail);
            if (tail > 0 && tail <= tailMax && Simd.S.length() % candidate.mr() == 0
                    && withTail.useful(coutG, n) > best.useful(coutG, n)) {
                best = withTail;
            }
        }
        return best;
    }

    @Override
    public int scratchPerSlot() {
        // B panels, a partial tile, then the tail's repeated B values and one vector of its sums
        return g.kc() * chunks.size() + mr * nr + tail * g.kc() * mr + Simd.S.length();
    }

    @Override
    public void run(Tensor[] inputs, Tensor output, Workspace ws) {
        Tensor x = inputs[0];
        Tensor res = g.residual() ? inputs[1] : null;
        g.forEachItem(ws, parts, chunks.count(), macs(), (image, group, p0, p1, chunk, scratch) ->
                compute(x, res, output, image, group, p0, p1, chunk, scratch));
    }

    private void compute(Tensor x, Tensor res, Tensor out, int image, int group, int p0, int p1, int chunk,
                         float[] scratch) {
        int n0 = chunks.start(chunk), n1 = chunks.end(chunk);
        int panels = (n1 - n0 + nr - 1) / nr;
        int k = g.k(), coutG = g.coutG();
        int xBase = x.offset() + g.planeBase(image, group, g.cin(), g.cinG(), w.inH() * w.inW());
        int cBase = out.offset() + g.planeBase(image, group, g.cout(), coutG, n);
        int rBase = res == null ? 0 : res.offset() + g.planeBase(image, group, g.cout(), coutG, n);
        float[] c = out.data();
        int tile = Align.FLOATS + g.kc() * chunks.size();
        for (int k0 = 0; k0 < k; k0 += g.kc()) {
            int kc = Math.min(g.kc(), k - k0);
            if (!bInPlace) {
                packB(x.data(), xBase, k0, kc, n0, n1, scratch);
            } else if ((n1 - n0) % nr != 0) {
                // the last partial panel only, packed into the first panel's place
                packB(x.data(), xBase, k0, kc, n1 - (n1 - n0) % nr, n1, scratch);
            }
            boolean first = k0 == 0, last = k0 + kc == k;
            // the tail's positions [tiled, n) follow the last chunk's: each panel's tail product runs
            // right after the panel's last tile, its A panel still in L1, and the row epilogue covers both
            boolean withTail = tail > 0 && chunk == chunks.count() - 1;
            int repeated = tile + mr * nr, end = withTail ? n : n1;
            if (withTail) {
                repeatTail(x.data(), xBase, k0, kc, scratch, repeated);
            }
            if (first && last) {
                // one K block: each weight panel's rows across all column panels in turn (B from L1 or
                // L2), so that C is written in 8 or 12 runs of the chunk's width rather than a run of nr
                // in each of the part's rows, then their epilogue while they are still in L1
                for (int p = p0; p < p1; p++) {
                    for (int q = 0; q < panels; q++) {
                        tileAt(x, xBase, res, c, group, p, q, k0, kc, n0, n1, cBase, rBase, tile, scratch, false);
                    }
                    if (withTail) {
                        tailAt(res, c, group, p, k0, kc, cBase, rBase, scratch, repeated, false);
                    }
                    rowEpilogues(res, c, group, p, n0, end, cBase, rBase);
                }
            } else {
                // the last block's epilogue per row of the chunk where the item's part of C stays in L2
                boolean rowEpilogue = last && (long) (p1 - p0) * mr * (end - n0) <= rowEpilogueMax;
                for (int q = 0; q < panels; q++) {
                    for (int p = p0; p < p1; p++) {
                        tileAt(x, xBase, res, c, group, p, q, k0, kc, n0, n1, cBase, rBase, tile, scratch,
                                last && !rowEpilogue);
                        if (withTail && q == panels - 1) {
                            tailAt(res, c, group, p, k0, kc, cBase, rBase, scratch, repeated, last && !rowEpilogue);
                        }
                    }
                }
                for (int p = p0; p < p1 && withTail && panels == 0; p++) {
                    tailAt(res, c, group, p, k0, kc, cBase, rBase, scratch, repeated, last && !rowEpilogue);
                }
                if (rowEpilogue) {
                    for (int p = p0; p < p1; p++) {
                        rowEpilogues(res, c, group, p, n0, end, cBase, rBase);
                    }
                }
            }
        }
    }

    /**
     * The tail product of weight panel p for K rows [k0, k0 + kc) ({@link #tailProduct}), then the
     * epilogue on its outputs if asked.
     */
    private void tailAt(Tensor res, float[] c, int group, int p, int k0, int kc, int cBase, int rBase, float[] scratch,
                        int repeated, boolean epilogue) {
        int coutG = g.coutG(), row = p * mr, rows = Math.min(mr, coutG - row);
        tailProduct(g.packedWeights(), g.weightsAt(group, p, k0), kc, scratch, repeated, c, cBase + row * n + tiled,
                rows, k0 > 0);
        for (int r = 0; r < rows && epilogue; r++) {
            g.epilogue().apply(c, cBase + (row + r) * n + tiled, tail, g.bias()[group * coutG + row + r],
                    res == null ? null : res.data(), rBase + (row + r) * n + tiled);
        }
    }

    /** The epilogue on the rows of weight panel p over positions [n0, n1) (the tail's included where n1 = n). */
    private void rowEpilogues(Tensor res, float[] c, int group, int p, int n0, int n1, int cBase, int rBase) {
        int row = p * mr, coutG = g.coutG();
        for (int r = 0, rows = Math.min(mr, coutG - row); r < rows; r++) {
            g.epilogue().apply(c, cBase + (row + r) * n + n0, n1 - n0, g.bias()[group * coutG + row + r],
                    res == null ? null : res.data(), rBase + (row + r) * n + n0);
        }
    }

    /**
     * One tile: weight panel p times column panel q for K rows [k0, k0 + kc), then the epilogue if
     * asked (after the last block). B comes from the packed panels, or from the input planes at
     * {@code xBase} where whole panels read it in place ({@link #bInPlace}).
     */
    private void tileAt(Tensor x, int xBase, Tensor res, float[] c, int group, int p, int q, int k0, int kc, int n0,
                        int n1, int cBase, int rBase, int tile, float[] scratch, boolean last) {
        boolean first = k0 == 0;
        int coutG = g.coutG();
        int col = n0 + q * nr;
        int cols = Math.min(nr, n1 - col);
        float[] b = scratch;
        int bOff = Align.FLOATS + q * kc * nr, ldb = nr;
        if (bInPlace) {
            if (cols == nr) {
                b = x.data();
                ldb = w.inH() * w.inW();
                bOff = xBase + k0 * ldb + col;
            } else {
                bOff = Align.FLOATS;
            }
        }
        int row = p * mr;
        int rows = Math.min(mr, coutG - row);
        int aOff = g.weightsAt(group, p, k0);
        int cAt = cBase + row * n + col;
        if (rows == mr && cols == nr) {
            product(aOff, b, bOff, ldb, kc, c, cAt, n, !first);
        } else {
            if (!first) {
                for (int r = 0; r < rows; r++) {
                    System.arraycopy(c, cAt + r * n, scratch, tile + r * nr, cols);
                }
            }
            product(aOff, b, bOff, ldb, kc, scratch, tile, nr, !first);
            for (int r = 0; r < rows; r++) {
                System.arraycopy(scratch, tile + r * nr, c, cAt + r * n, cols);
            }
        }
        if (last) {
            for (int r = 0; r < rows; r++) {
                g.epilogue().apply(c, cAt + r * n, cols, g.bias()[group * coutG + row + r],
                        res == null ? null : res.data(), rBase + (row + r) * n + col);
            }
        }
    }

    /** The layer's tile on the A panel at aOff and B rows ldb apart (nr: a packed panel). */
    private void product(int aOff, float[] b, int bOff, int ldb, int kc, float[] c, int cAt, int ldc, boolean accumulate) {
        if (ldb == nr) {
            Sgemm.tile(g.scalar(), shape, g.packedWeights(), aOff, b, bOff, kc, c, cAt, ldc, accumulate);
        } else {
            Sgemm.tileStridedB(g.scalar(), g.packedWeights(), aOff, b, bOff, ldb, kc, c, cAt, ldc, accumulate);
        }
    }

    /**
     * The tail's B values for K rows [k0, k0 + kc), each repeated mr times, as the A panel holds
     * its rows: dst[at + j * kc * mr + kk * mr + r] = B[k0 + kk][tiled + j].
     */
    private void repeatTail(float[] x, int xBase, int k0, int kc, float[] dst, int at) {
        int plane = w.inH() * w.inW();
        for (int j = 0; j < tail; j++) {
            int source = pointSources == null ? tiled + j : pointSources[tiled + j];
            for (int kk = 0; kk < kc; kk++) {
                Arrays.fill(dst, at + (j * kc + kk) * mr, at + (j * kc + kk + 1) * mr, x[xBase + (k0 + kk) * plane + source]);
            }
        }
    }

    /**
     * C[r][j] (+)= sum over kk of A[kk][r] * B[kk][tiled + j] for the tail's positions j and the
     * panel's first {@code rows} rows: the A panel times the repeated B values ({@link #repeatTail}),
     * a vector holding {@link #tailSteps} K steps of all mr rows, folded per row at the end.
     */
    private void tailProduct(float[] a, int aOff, int kc, float[] rep, int repAt, float[] c, int cAt, int rows,
                             boolean accumulate) {
        int lanes = Simd.S.length(), flat = kc * mr, sums = repAt + tail * flat;
        for (int j = 0; j < tail; j++) {
            int b = repAt + j * flat, i = 0;
            if (!g.scalar()) {
                // four independent sums: one chain waits on each multiply-add's latency
                FloatVector acc = FloatVector.zero(Simd.S), acc1 = acc, acc2 = acc, acc3 = acc;
                for (; i <= flat - 4 * lanes; i += 4 * lanes) {
                    acc = FloatVector.fromArray(Simd.S, a, aOff + i).fma(FloatVector.fromArray(Simd.S, rep, b + i), acc);
                    acc1 = FloatVector.fromArray(Simd.S, a, aOff + i + lanes)
                            .fma(FloatVector.fromArray(Simd.S, rep, b + i + lanes), acc1);
                    acc2 = FloatVector.fromArray(Simd.S, a, aOff + i + 2 * lanes)
                            .fma(FloatVector.fromArray(Simd.S, rep, b + i + 2 * lanes), acc2);
                    acc3 = FloatVector.fromArray(Simd.S, a, aOff + i + 3 * lanes)
                            .fma(FloatVector.fromArray(Simd.S, rep, b + i + 3 * lanes), acc3);
                }
                for (; i <= flat - lanes; i += lanes) {
                    acc = FloatVector.fromArray(Simd.S, a, aOff + i).fma(FloatVector.fromArray(Simd.S, rep, b + i), acc);
                }
                acc = acc.add(acc1).add(acc2.add(acc3));
                // a loop phi: stored through the exact class (Simd.EXACT), or C2 may not intrinsify the store
                Simd.EXACT.cast(acc).intoArray(rep, sums);
            } else {
                Arrays.fill(rep, sums, sums + lanes, 0f);
            }
            for (; i < flat; i++) {
                rep[sums + i % lanes] += a[aOff + i] * rep[b + i];
            }
            for (int r = 0; r < rows; r++) {
                float sum = 0f;
                for (int step = 0; step < tailSteps; step++) {
                    sum += rep[sums + step * mr + r];
                }
                int at = cAt + r * n + j;
                c[at] = accumulate ? c[at] + sum : sum;
            }
        }
    }

    /**
     * Gathers rows [k0, k0 + kc) of B for output positions [n0, n1) into nr-column panels:
     * dst[Align.FLOATS + q * kc * nr + kk * nr + j]; positions past n1 and padded input read as zero.
     */
    private void packB(float[] x, int xBase, int k0, int kc, int n0, int n1, float[] dst) {
        int plane = w.inH() * w.inW();
        int taps = w.kh() * w.kw();
        boolean pointwise = w.isPointwise();
        int panels = (n1 - n0 + nr - 1) / nr;
        for (int kk = 0; kk < kc; kk++) {
            int kIndex = k0 + kk;
            int ci = kIndex / taps, tap = kIndex % taps;
            int ky = tap / w.kw(), kx = tap % w.kw();
            int src = xBase + ci * plane;
            for (int q = 0; q < panels; q++) {
                int d = Align.FLOATS + q * kc * nr + kk * nr;
                int p = n0 + q * nr;
                int cols = Math.min(nr, n1 - p);
                if (pointwise) {
                    System.arraycopy(x, src + p, dst, d, cols);
                } else if (evenColumns) {
                    copyEvenColumns(x, src, p, cols, dst, d);
                } else if (pointSources != null) {
                    gatherPoints(x, src, p, cols, dst, d);
                } else {
                    gatherRow(x, src, ky, kx, p, cols, dst, d);
                }
                if (cols < nr) {
                    Arrays.fill(dst, d + cols, d + nr, 0f);
                }
            }
        }
    }

    /**
     * B values of a 1x1 window of column stride 2 without padding for {@code cols} output positions
     * from {@code p}, from the plane at {@code src}: per output row, a vector of even input columns
     * from two vectors of the input row, the row's last vector overlapping the one before; output rows
     * are at least a vector long ({@link #evenColumns}).
     */
    private void copyEvenColumns(float[] x, int src, int p, int cols, float[] dst, int d) {
        int lanes = Simd.S.length(), outW = w.outW(), rowStep = w.sh() * w.inW();
        for (int j = 0; j < cols; ) {
            int oy = (p + j) / outW, ox = (p + j) % outW, len = Math.min(cols - j, outW - ox);
            int in = src + oy * rowStep + 2 * ox;
            if (len < lanes || in + 2 * len > x.length) {
                for (int t = 0; t < len; t++) {
                    dst[d + j + t] = x[in + 2 * t];
                }
            } else {
                for (int t = 0; t < len - lanes; t += lanes) {
                    PhasePlanes.evens(x, in + 2 * t, dst, d + j + t);
                }
                PhasePlanes.evens(x, in + 2 * (len - lanes), dst, d + j + len - lanes);
            }
            j += len;
        }
    }

    /** B values of a strided 1x1 window for {@code cols} output positions from {@code p}, from the plane at {@code src}. */
    private void gatherPoints(float[] x, int src, int p, int cols, float[] dst, int d) {
        int j = 0;
        if (!g.scalar()) {
            for (int lanes = Simd.S.length(); j + lanes <= cols; j += lanes) {
                FloatVector.fromArray(Simd.S, x, src, pointSources, p + j).intoArray(dst, d + j);
            }
        }
        for (; j < cols; j++) {
            dst[d + j] = x[src + pointSources[p + j]];
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
                    // with pads wider than the kernel a whole run can lie in the padding, its
                    // source index off the array, which arraycopy rejects even for no floats
                    if (hi > lo) {
                        System.arraycopy(x, row + ix0 + lo, dst, d + j + lo, hi - lo);
                    }
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
