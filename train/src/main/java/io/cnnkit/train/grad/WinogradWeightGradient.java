package io.cnnkit.train.grad;

import io.cnnkit.exec.kernel.Align;
import io.cnnkit.exec.kernel.KernelOptions;
import io.cnnkit.exec.kernel.Simd;
import io.cnnkit.exec.kernel.conv.Winograd;
import io.cnnkit.exec.kernel.gemm.Sgemm;
import jdk.incubator.vector.FloatVector;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A 3x3 stride-1 convolution's weight gradient for one group over the whole batch in Winograd's
 * transform space ({@link Winograd}): the forward is Y = A^T [(G g G^T) .* (B^T d B)] A per m x m
 * output tile, linear in g, so dW[co][ci] = G^T [Σ over tiles (A dY A^T)[co] .* (B^T d B)[ci]] G.
 * That is alpha^2 independent GEMMs [coutG x T]·[T x cinG] with every tile of every image (T) as the
 * reduction, alpha^2 products per tile where the direct sum takes 9 m^2 (F(4,3): 36 against 144).
 *
 * <p>x and dY are first transposed to channel-last planes, zero-padded to whole tiles (the
 * convolution's padding and the tiles past the map's edge read zeros; dY there is zero, so they add
 * nothing). The tiles are then taken in blocks: a block's transforms, tiles in parallel, go
 * straight into the Sgemm panels (x's as B panels of nr channels, dY's copied into A panels of mr
 * channels), then the alpha^2 GEMMs add the block to alpha^2 float sums, each added to sums in
 * double every {@link #GROUP_TILES} tiles, transform points in parallel. Every sum runs over the blocks in tile order whatever thread
 * computes it: the result is the same bit for bit on any number of threads. Last, G^T (·) G maps
 * each sum back to 3x3 in double.
 */
final class WinogradWeightGradient {
    private static final boolean SCALAR = Boolean.getBoolean(KernelOptions.SCALAR_PROPERTY);
    /**
     * The output tile: F(4,3). Its error relative to the largest element of dW, against sums in
     * double on ResNet-18's 3x3 layers: 1.0e-5 over the 3136 tiles of 56x56 at batch 16, 1.1e-5 over
     * 12544 at batch 64, 1.1e-5 at 28x28, 5.9e-6 at 14x14 (F(2,3) 1.1e-6, 6.7e-7, 4.6e-7; the direct
     * sums 2.2e-6, 1.2e-6, 6.2e-7). Summed in float over the whole batch instead of in groups of
     * {@link #GROUP_TILES}, it grew with the square root of the tiles (2.9e-5 at batch 16 on 56x56).
     */
    static final int TILE = Winograd.F4;
    /** The most tiles of a batch: x and dY transposed take up to 30M floats here (ResNet-18's 56x56 at batch 64). */
    static final long MAX_TILES = 1 << 14;
    /** Tiles summed in float before their sum is added in double: few passes over the sums, a bounded error. */
    static final int GROUP_TILES = 1024;
    /** The accumulators' cost, in tiles' products (fitted on ResNet-18's 7x7 layers, where it is half the time). */
    private static final int PER_CHANNEL_PAIR = 96;
    /** How fast the direct forms' tiles run relative to these, with their packing and transposes. */
    private static final double DIRECT_RATE = 0.6;
    /** The transformed operands of one block of tiles at most, in floats: within the L3 cache between the two passes. */
    static final int BLOCK_FLOATS = 2 << 20;

    /** Arrays kept from call to call (one caller at a time takes them; another allocates its own). */
    private static final AtomicReference<float[]> KEPT_X = new AtomicReference<>(), KEPT_DY = new AtomicReference<>(),
            KEPT_U = new AtomicReference<>(), KEPT_V = new AtomicReference<>(), KEPT_ACC = new AtomicReference<>();
    private static final AtomicReference<double[]> KEPT_SUMS = new AtomicReference<>();

    private final int m, alpha, points, coutG, cinG, tilesH, tilesW, tiles, rowsX, colsX, cx, rowsY, colsY, cy;
    private final int mr, nr, mPanels, nPanels, ldc;
    private final Sgemm.Shape shape;
    private final Geometry w;
    /** Offsets of a transform's inputs along a row of x (alpha), of dY (m), and down the first pass's rows. */
    private final int[] alongX, alongDy, downX, downDy;

    private WinogradWeightGradient(int m, int coutG, int cinG, Geometry w) {
        this.m = m;
        this.alpha = Winograd.alpha(m);
        this.points = alpha * alpha;
        this.coutG = coutG;
        this.cinG = cinG;
        this.w = w;
        this.tilesH = (w.outH() + m - 1) / m;
        this.tilesW = (w.outW() + m - 1) / m;
        this.tiles = tilesH * tilesW;
        this.shape = Sgemm.best(coutG, cinG);
        this.mr = shape.mr();
        this.nr = shape.nr();
        this.mPanels = (coutG + mr - 1) / mr;
        this.nPanels = (cinG + nr - 1) / nr;
        this.ldc = nPanels * nr;
        int lanes = Simd.S.length();
        this.rowsX = tilesH * m + 2;
        this.colsX = tilesW * m + 2;
        this.cx = ldc;
        this.rowsY = tilesH * m;
        this.colsY = tilesW * m;
        // whole vectors covering every A panel's rows (zero past coutG), so that each panel row is
        // copied as one whole vector
        this.cy = (mPanels * mr + lanes - 1) / lanes * lanes;
        this.alongX = new int[alpha];
        this.downX = new int[alpha];
        this.alongDy = new int[m];
        this.downDy = new int[m];
        for (int i = 0; i < alpha; i++) {
            alongX[i] = i * cx;
            downX[i] = i * alpha * nr;
        }
        for (int i = 0; i < m; i++) {
            alongDy[i] = i * cy;
            downDy[i] = i * alpha * cy;
        }
    }

    /** Whether this applies to a convolution of window {@code w}: 3x3, stride 1, dilation 1. */
    static boolean applies(Geometry w) {
        return w.kh() == 3 && w.kw() == 3 && w.sh() == 1 && w.sw() == 1 && w.dh() == 1 && w.dw() == 1;
    }

    /**
     * Whether it applies to {@code n} images over window {@code w} and beats the direct sums: its
     * alpha^2 products per tile, plus the accumulators and their transform back, which cost about
     * {@link #PER_CHANNEL_PAIR} tiles' products, against 9 per output position (the direct forms run
     * their tiles about 0.6 as fast as here, with their packing). And within {@link #MAX_TILES}.
     */
    static boolean pays(int n, Geometry w) {
        if (!applies(w)) {
            return false;
        }
        long tiles = (long) n * ((w.outH() + TILE - 1) / TILE) * ((w.outW() + TILE - 1) / TILE);
        int alpha = Winograd.alpha(TILE);
        return tiles <= MAX_TILES
                && alpha * alpha * (tiles + PER_CHANNEL_PAIR) < DIRECT_RATE * 9 * n * w.outH() * w.outW();
    }

    /**
     * Writes the weight gradient of group {@code g} over all {@code n} images into {@code dw} from
     * {@code at} ([coutG, cinG, 3, 3]; overwritten, not added to), with output tiles of {@code m}
     * ({@link Winograd#F2} or {@link Winograd#F4}).
     */
    static void compute(int m, float[] x, int xOff, int cin, float[] dy, int dyOff, int cout, int n, int g, int cinG,
                        int coutG, Geometry w, float[] dw, int at, ForkJoinPool pool) {
        compute(m, x, xOff, cin, dy, dyOff, cout, n, g, cinG, coutG, w, dw, at, pool, BLOCK_FLOATS, GROUP_TILES);
    }

    /**
     * As above, the tiles in blocks whose transforms take at most {@code blockFloats} (at least one
     * tile), summed in float over groups of at least one block and up to {@code groupTiles}.
     */
    static void compute(int m, float[] x, int xOff, int cin, float[] dy, int dyOff, int cout, int n, int g, int cinG,
                        int coutG, Geometry w, float[] dw, int at, ForkJoinPool pool, int blockFloats, int groupTiles) {
        new WinogradWeightGradient(m, coutG, cinG, w).run(x, xOff + g * cinG * w.inH() * w.inW(), cin, dy,
                dyOff + g * coutG * w.outH() * w.outW(), cout, n, dw, at, pool, blockFloats, groupTiles);
    }

    private void run(float[] x, int xOff, int cin, float[] dy, int dyOff, int cout, int n, float[] dw, int at,
                     ForkJoinPool pool, int blockFloats, int groupTiles) {
        int threads = pool == null ? 1 : pool.getParallelism();
        int total = n * tiles;
        int perTile = points * (mPanels * mr + nPanels * nr);
        int blocks = (int) Math.min(total, Math.max(1, ((long) total * perTile + blockFloats - 1) / blockFloats));
        // panels kb rows apart, kb odd: the 100-odd panels one tile writes to start at different cache
        // sets (an even count put them a multiple of 1 KB apart, and the writes evicted each other);
        // the last block may then be short
        int kb = (total + blocks - 1) / blocks | 1;
        float[] xT = BatchWeightGradient.take(KEPT_X, n * rowsX * colsX * cx);
        float[] dyT = BatchWeightGradient.take(KEPT_DY, n * rowsY * colsY * cy);
        float[] u = BatchWeightGradient.take(KEPT_U, points * mPanels * kb * mr);
        float[] v = BatchWeightGradient.take(KEPT_V, points * nPanels * kb * nr);
        int accStride = mPanels * mr * ldc;
        float[] acc = BatchWeightGradient.take(KEPT_ACC, points * accStride);
        double[] sums = takeSums(points * coutG * cinG);
        List<Runnable> work = new ArrayList<>();
        for (int image = 0; image < n; image++) {
            int b = image;
            work.add(() -> {
                // x zero-padded, dY zero past the map (whole tiles)
                transpose(x, xOff + b * cin * w.inH() * w.inW(), w.inH(), w.inW(), cinG, xT,
                        Align.FLOATS + b * rowsX * colsX * cx, rowsX, colsX, cx, w.padTop(), w.padLeft());
                transpose(dy, dyOff + b * cout * w.outH() * w.outW(), w.outH(), w.outW(), coutG, dyT,
                        Align.FLOATS + b * rowsY * colsY * cy, rowsY, colsY, cy, 0, 0);
            });
        }
        FastBackward.run(work, pool);
        // the blocks of one group summed in float, the groups' sums added in double
        int groupBlocks = Math.max(1, groupTiles / kb);
        for (int t0 = 0; t0 < total; t0 += kb) {
            int first = t0, count = Math.min(kb, total - t0), block = t0 / kb;
            boolean accumulate = block % groupBlocks != 0, added = block >= groupBlocks;
            boolean groupDone = block % groupBlocks == groupBlocks - 1 || t0 + kb >= total;
            work.clear();
            for (int part = 0; part < threads; part++) {
                int from = count * part / threads, to = count * (part + 1) / threads;
                work.add(() -> {
                    float[] scratch = new float[points * Math.max(nr, cy) * 2 + Simd.S.length()];
                    for (int j = from; j < to; j++) {
                        transformTile(xT, dyT, first + j, j, kb, u, v, scratch, j == to - 1);
                    }
                });
            }
            FastBackward.run(work, pool);
            work.clear();
            for (int part = 0; part < threads; part++) {
                int from = points * part / threads, to = points * (part + 1) / threads;
                work.add(() -> {
                    for (int xi = from; xi < to; xi++) {
                        for (int p = 0; p < mPanels; p++) {
                            int a = Align.FLOATS + (xi * mPanels + p) * kb * mr;
                            for (int q = 0; q < nPanels; q++) {
                                Sgemm.tile(SCALAR, shape, u, a, v, Align.FLOATS + (xi * nPanels + q) * kb * nr, count,
                                        acc, Align.FLOATS + xi * accStride + p * mr * ldc + q * nr, ldc, accumulate);
                            }
                        }
                        if (groupDone) {
                            addGroup(acc, Align.FLOATS + xi * accStride, sums, xi * coutG * cinG, added);
                        }
                    }
                });
            }
            FastBackward.run(work, pool);
        }
        work.clear();
        for (int part = 0; part < threads; part++) {
            int from = coutG * part / threads, to = coutG * (part + 1) / threads;
            work.add(() -> {
                for (int co = from; co < to; co++) {
                    Winograd.filterGradient(m, sums, co * cinG, coutG * cinG, cinG, dw, at + co * cinG * 9, 9);
                }
            });
        }
        FastBackward.run(work, pool);
        KEPT_X.set(xT);
        KEPT_DY.set(dyT);
        KEPT_U.set(u);
        KEPT_V.set(v);
        KEPT_ACC.set(acc);
        KEPT_SUMS.set(sums);
    }

    /** The kept sums if large enough, else new ones; every element read is written before. */
    private static double[] takeSums(int size) {
        double[] kept = KEPT_SUMS.getAndSet(null);
        return kept != null && kept.length >= size ? kept : new double[size];
    }

    /**
     * One group's products of one transform point (acc from {@code from}, rows ldc apart) into its
     * sums in double from {@code to} ([coutG][cinG]): the float sums stay within a group's tiles,
     * so that the error grows with those rather than with the batch's.
     */
    private void addGroup(float[] acc, int from, double[] sums, int to, boolean added) {
        for (int co = 0; co < coutG; co++) {
            int a = from + co * ldc, s = to + co * cinG;
            if (added) {
                for (int ci = 0; ci < cinG; ci++) {
                    sums[s + ci] += acc[a + ci];
                }
            } else {
                for (int ci = 0; ci < cinG; ci++) {
                    sums[s + ci] = acc[a + ci];
                }
            }
        }
    }

    /**
     * Tile {@code t} (of all images) into transform space, as row {@code j} of the block's panels
     * ({@code kb} rows each): B^T d B of every channel of x into the B panels of {@code v}, A dY A^T of
     * every channel of dY into the A panels of {@code u}; the lanes past the channels are zero.
     */
    private void transformTile(float[] xT, float[] dyT, int t, int j, int kb, float[] u, float[] v, float[] scratch,
                               boolean last) {
        int b = t / tiles, ty = t % tiles / tilesW, tx = t % tilesW;
        int xBase = Align.FLOATS + ((b * rowsX + ty * m) * colsX + tx * m) * cx;
        int vStride = alpha * nPanels * kb * nr;
        for (int q = 0; q < nPanels; q++) {
            for (int y = 0; y < alpha; y++) {
                Winograd.input(m, SCALAR, xT, xBase + y * colsX * cx + q * nr, alongX, scratch, y * alpha * nr, nr, nr);
            }
            for (int k = 0; k < alpha; k++) {
                Winograd.input(m, SCALAR, scratch, k * nr, downX, v, Align.FLOATS + ((k * nPanels + q) * kb + j) * nr,
                        vStride, nr);
            }
        }
        int yBase = Align.FLOATS + ((b * rowsY + ty * m) * colsY + tx * m) * cy;
        int pass = points * cy;
        for (int y = 0; y < m; y++) {
            Winograd.outputTransposed(m, SCALAR, dyT, yBase + y * colsY * cy, alongDy, scratch, y * alpha * cy, cy, cy);
        }
        for (int k = 0; k < alpha; k++) {
            Winograd.outputTransposed(m, SCALAR, scratch, k * cy, downDy, scratch, pass + k * cy, alpha * cy, cy);
        }
        // the lanes past coutG are zero: whole panel rows copied
        for (int xi = 0; xi < points; xi++) {
            for (int p = 0; p < mPanels; p++) {
                int dst = Align.FLOATS + ((xi * mPanels + p) * kb + j) * mr, src = pass + xi * cy + p * mr;
                if (last || SCALAR) {
                    System.arraycopy(scratch, src, u, dst, mr);
                } else {
                    // a whole vector: the lanes past mr go to the next row, which the next tile rewrites
                    FloatVector.fromArray(Simd.S, scratch, src).intoArray(u, dst);
                }
            }
        }
    }

    /**
     * One image's {@code channels} planes of h x w from {@code base} into a grid of rows x cols
     * positions of {@code lanes} floats from {@code at}, channel-last, the map's top left corner at
     * (top, left) and cut at the grid's edge: every other position and lane zero. Each float is
     * written once (zeroing the whole grid first cost a third of the time).
     */
    private static void transpose(float[] src, int base, int h, int w, int channels, float[] dst, int at, int rows,
                                  int cols, int lanes, int top, int left) {
        int visibleH = Math.min(h, rows - top), visibleW = Math.min(w, cols - left), line = cols * lanes;
        Arrays.fill(dst, at, at + top * line, 0f);
        Arrays.fill(dst, at + (top + visibleH) * line, at + rows * line, 0f);
        for (int y = 0; y < visibleH; y++) {
            int row = at + (top + y) * line, first = row + left * lanes;
            Arrays.fill(dst, row, first, 0f);
            Arrays.fill(dst, first + visibleW * lanes, row + line, 0f);
            for (int c = 0; c < lanes; c++) {
                int from = base + c * h * w + y * w;
                if (c < channels) {
                    for (int x = 0, d = first + c; x < visibleW; x++, d += lanes) {
                        dst[d] = src[from + x];
                    }
                } else {
                    for (int x = 0, d = first + c; x < visibleW; x++, d += lanes) {
                        dst[d] = 0f;
                    }
                }
            }
        }
    }
}
