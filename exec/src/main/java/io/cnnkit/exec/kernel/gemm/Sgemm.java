package io.cnnkit.exec.kernel.gemm;

import io.cnnkit.exec.kernel.Align;
import io.cnnkit.exec.kernel.Simd;
import jdk.incubator.vector.VectorSpecies;

/**
 * Single-precision GEMM on packed panels: one mr x nr tile C (+)= A * B over {@code kc} steps, from
 * an A panel packed as {@code kc} groups of mr values (one per row) and a B panel packed as
 * {@code kc} rows of nr values ({@link #packPanels}, {@link #panelAt}). The tiles follow the one
 * species of {@link Simd}: with 512-bit vectors {@link Tile12x32} ({@link #ROWS}) or
 * {@link Tile8x48} ({@link #COLUMNS}), chosen per product by their waste ({@link #best}); with
 * 256-bit ones {@link Tile8x24}. Each micro-kernel is one class named by its tile, as XNNPACK names
 * its files; {@link #tile} dispatches to them, and to a plain-Java twin when scalar is asked for.
 * The accumulators are stored through {@link Simd#EXACT}: after the k loop they are loop phis,
 * which C2 may type too loosely to intrinsify the stores. Why these tiles and not others, and
 * their measured rates: docs/performance.md, "Design".
 */
public final class Sgemm {
    private static final VectorSpecies<Float> S = Simd.S;
    private static final boolean WIDE = S.length() == 16;

    /** A register tile: mr rows of A (broadcast) times nr columns of B (nr / lanes vectors). */
    public record Shape(int mr, int nr) {
        /** The fraction of an m x n product that tiles of this shape compute usefully. */
        public double useful(int m, int n) {
            return fraction(m, mr) * fraction(n, nr);
        }

        private static double fraction(int size, int tile) {
            return (double) size / ((size + tile - 1) / tile * tile);
        }
    }

    /** 12x32 (512 bits) or 8x24 (256 bits): the default tile. */
    public static final Shape ROWS = WIDE ? new Shape(12, 32) : new Shape(8, 24);
    /** 8x48 (512 bits): as fast as 12x32 alone, and 64 or 128 rows fill it exactly; 256 bits: {@link #ROWS}. */
    public static final Shape COLUMNS = WIDE ? new Shape(8, 48) : ROWS;
    public static final int MR = ROWS.mr();
    public static final int NR = ROWS.nr();

    /**
     * The tile shape wasting least on an m x n product (ties: {@link #ROWS}): at 512 bits 8x48 for
     * 64 output channels and for large maps, 12x32 for small maps with many channels.
     */
    public static Shape best(int m, int n) {
        return COLUMNS.useful(m, n) > ROWS.useful(m, n) ? COLUMNS : ROWS;
    }

    private Sgemm() {
    }

    /**
     * Row-major weights [groups * rows, k] into zero-padded panels of {@code width} rows, k-major,
     * in K blocks of {@code kc}: per group, block after block, the block's rows of every panel,
     * panel after panel (see {@link #panelAt}), so that a loop over the panels of one K block reads
     * one sequential stream. panels = ceil(rows / width). With width MR these are A panels (weights
     * as the rows of C); with NR, B panels (weights as its columns). kc = k gives whole panels.
     */
    public static float[] packPanels(float[] weights, int groups, int rows, int k, int width, int kc) {
        return packPanels(weights, groups, rows, k, width, kc, null);
    }

    /**
     * As above, into {@code into} when it has this packing's length and is the packing of the same
     * groups, rows, k, width and kc (a kernel's that is no longer run): every weight is rewritten and
     * the padding rows stay zero, saving the allocation; null or another length: a new array.
     */
    public static float[] packPanels(float[] weights, int groups, int rows, int k, int width, int kc, float[] into) {
        int panels = (rows + width - 1) / width;
        int n = groups * panels * k * width;
        float[] packed = into != null && into.length == Align.FLOATS + n ? into : Align.floats(n);
        for (int g = 0; g < groups; g++) {
            for (int row = 0; row < rows; row++) {
                int src = (g * rows + row) * k;
                for (int k0 = 0; k0 < k; k0 += kc) {
                    int dst = panelAt(g, row / width, k0, k, kc, panels, width) + row % width;
                    for (int kk = 0; kk < Math.min(kc, k - k0); kk++) {
                        packed[dst + kk * width] = weights[src + k0 + kk];
                    }
                }
            }
        }
        return packed;
    }

    /** {@link #packPanels} in whole panels: packed[Align.FLOATS + ((g * panels + p) * k + kk) * width + r]. */
    public static float[] packPanels(float[] weights, int groups, int rows, int k, int width) {
        return packPanels(weights, groups, rows, k, width, k);
    }

    /** Where rows [k0, k0 + kc) of panel p of group g start in {@link #packPanels}' layout. */
    public static int panelAt(int g, int p, int k0, int k, int kc, int panels, int width) {
        return Align.FLOATS + (g * panels * k + k0 * panels + p * Math.min(kc, k - k0)) * width;
    }

    /**
     * The K-block size for {@code k} rows and blocks of at most {@code max}: k split into equal
     * blocks, so that no short last block pays the tile's load and store for a few steps.
     */
    public static int kBlock(int k, int max) {
        int blocks = (k + max - 1) / max;
        return (k + blocks - 1) / blocks;
    }

    /** One {@link #ROWS} tile. */
    public static void tile(boolean scalar, float[] a, int ao, float[] b, int bo, int kc, float[] c, int co, int ldc,
                     boolean accumulate) {
        tile(scalar, ROWS, a, ao, b, bo, kc, c, co, ldc, accumulate);
    }

    /** One tile of {@code shape} ({@link #ROWS} or {@link #COLUMNS}), A and B packed for it. */
    public static void tile(boolean scalar, Shape shape, float[] a, int ao, float[] b, int bo, int kc, float[] c, int co,
                     int ldc, boolean accumulate) {
        if (scalar) {
            tileScalar(shape, a, ao, b, bo, shape.nr(), kc, c, co, ldc, accumulate);
        } else if (shape == ROWS) {
            tileVector(a, ao, b, bo, kc, c, co, ldc, accumulate);
        } else if (shape == COLUMNS) {
            Tile8x48.compute(a, ao, b, bo, kc, c, co, ldc, accumulate);
        } else {
            throw new IllegalArgumentException("no micro-kernel for " + shape);
        }
    }

    /**
     * One {@link #COLUMNS} tile at 512 bits (8x48) whose B rows are {@code ldb} floats apart rather
     * than a packed panel's nr: B read where it lies, e.g. the input planes of a 1x1 layer.
     */
    public static void tileStridedB(boolean scalar, float[] a, int ao, float[] b, int bo, int ldb, int kc, float[] c,
                                    int co, int ldc, boolean accumulate) {
        if (scalar) {
            tileScalar(COLUMNS, a, ao, b, bo, ldb, kc, c, co, ldc, accumulate);
        } else if (WIDE) {
            Tile8x48.computeStridedB(a, ao, b, bo, ldb, kc, c, co, ldc, accumulate);
        } else {
            throw new IllegalStateException("B in place needs the 8x48 tile (512-bit vectors)");
        }
    }

    /** B from a packed panel. */
    private static void tileVector(float[] a, int ao, float[] b, int bo, int kc, float[] c, int co, int ldc,
                                   boolean accumulate) {
        if (WIDE) {
            Tile12x32.compute(a, ao, b, bo, kc, c, co, ldc, accumulate);
        } else {
            Tile8x24.compute(a, ao, b, bo, kc, c, co, ldc, accumulate);
        }
    }

    /** The tile in plain Java: the forced-scalar path. */
    private static void tileScalar(Shape shape, float[] a, int ao, float[] b, int bo, int ldb, int kc, float[] c,
                           int co, int ldc, boolean accumulate) {
        int mr = shape.mr(), nr = shape.nr();
        for (int r = 0; r < mr; r++) {
            int row = co + r * ldc;
            if (!accumulate) {
                java.util.Arrays.fill(c, row, row + nr, 0f);
            }
            for (int k = 0; k < kc; k++) {
                float av = a[ao + k * mr + r];
                int bk = bo + k * ldb;
                for (int j = 0; j < nr; j++) {
                    c[row + j] += av * b[bk + j];
                }
            }
        }
    }
}
