package io.cnnkit.exec.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The SGEMM micro-kernels: one mr x nr tile C (+)= A * B over {@code kc} steps, from an A panel
 * packed as {@code kc} groups of mr values (one per row) and a B panel packed as {@code kc} rows
 * of nr values. The tiles follow the one species of {@link Simd}: with 512-bit vectors 12x32 (12
 * rows x 2 vectors of 16 floats, {@link #ROWS}) or 8x48 (8 rows x 3 vectors, {@link #COLUMNS}),
 * chosen per layer by the waste on its product ({@link #best}); with 256-bit ones 8x24. Each keeps
 * its 24 accumulators in registers (AVX-512 has 32) and is written out in one method on purpose:
 * on JDK 17 a FloatVector passed to or returned from a helper is boxed. (Measured on the AVX-512
 * Xeon host, alone in L1: 12x32 150-178 GFLOP/s per core, 8x48 151, 7x32 140, 6x64 124, 14x32
 * spills; 8x24 at 256 bits 114, the peaks being ~208 and ~110; on Zen 4 8x3 at 256 bits beat 6x4,
 * 9x3, 12x2, 14x2 and 5x5. Unrolling the k loop by two made C2 spill: 86 GFLOP/s. B used to be
 * read in place from the padded input at per-row offsets for implicit convolution; at 512 bits
 * that made whole runs 30% slower in some JVMs and not others, and packing it costs less than 2%.)
 * The accumulators are stored through {@link Simd#EXACT}: after the k loop they are loop phis,
 * which C2 may type too loosely to intrinsify the stores.
 */
final class Sgemm {
    private static final VectorSpecies<Float> S = Simd.S;
    private static final Class<? extends FloatVector> EXACT = Simd.EXACT;
    private static final boolean WIDE = S.length() == 16;

    /** A register tile: mr rows of A (broadcast) times nr columns of B (nr / lanes vectors). */
    record Shape(int mr, int nr) {
        /** The fraction of an m x n product that tiles of this shape compute usefully. */
        double useful(int m, int n) {
            return fraction(m, mr) * fraction(n, nr);
        }

        private static double fraction(int size, int tile) {
            return (double) size / ((size + tile - 1) / tile * tile);
        }
    }

    /** 12x32 (512 bits) or 8x24 (256 bits): the default tile. */
    static final Shape ROWS = WIDE ? new Shape(12, 32) : new Shape(8, 24);
    /** 8x48 (512 bits): as fast as 12x32 alone, and 64 or 128 rows fill it exactly. */
    static final Shape COLUMNS = WIDE ? new Shape(8, 48) : ROWS;
    static final int MR = ROWS.mr();
    static final int NR = ROWS.nr();

    /**
     * The tile shape wasting least on an m x n product (ties: {@link #ROWS}): at 512 bits 8x48 for
     * 64 output channels and for large maps, 12x32 for small maps with many channels.
     */
    static Shape best(int m, int n) {
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
    static float[] packPanels(float[] weights, int groups, int rows, int k, int width, int kc) {
        int panels = (rows + width - 1) / width;
        float[] packed = Align.floats(groups * panels * k * width);
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
    static float[] packPanels(float[] weights, int groups, int rows, int k, int width) {
        return packPanels(weights, groups, rows, k, width, k);
    }

    /** Where rows [k0, k0 + kc) of panel p of group g start in {@link #packPanels}' layout. */
    static int panelAt(int g, int p, int k0, int k, int kc, int panels, int width) {
        return Align.FLOATS + (g * panels * k + k0 * panels + p * Math.min(kc, k - k0)) * width;
    }

    /**
     * The K-block size for {@code k} rows and blocks of at most {@code max}: k split into equal
     * blocks, so that no short last block pays the tile's load and store for a few steps.
     */
    static int kBlock(int k, int max) {
        int blocks = (k + max - 1) / max;
        return (k + blocks - 1) / blocks;
    }

    /** One {@link #ROWS} tile. */
    static void tile(boolean scalar, float[] a, int ao, float[] b, int bo, int kc, float[] c, int co, int ldc,
                     boolean accumulate) {
        tile(scalar, ROWS, a, ao, b, bo, kc, c, co, ldc, accumulate);
    }

    /** One tile of {@code shape} ({@link #ROWS} or {@link #COLUMNS}), A and B packed for it. */
    static void tile(boolean scalar, Shape shape, float[] a, int ao, float[] b, int bo, int kc, float[] c, int co,
                     int ldc, boolean accumulate) {
        if (scalar) {
            tileScalar(shape, a, ao, b, bo, kc, c, co, ldc, accumulate);
        } else if (shape == ROWS) {
            tileVector(a, ao, b, bo, kc, c, co, ldc, accumulate);
        } else if (shape == COLUMNS) {
            tile8x48(a, ao, b, bo, kc, c, co, ldc, accumulate);
        } else {
            throw new IllegalArgumentException("no micro-kernel for " + shape);
        }
    }

    /** B from a packed panel. */
    private static void tileVector(float[] a, int ao, float[] b, int bo, int kc, float[] c, int co, int ldc,
                                   boolean accumulate) {
        if (WIDE) {
            tile12x32(a, ao, b, bo, kc, c, co, ldc, accumulate);
        } else {
            tile8x24(a, ao, b, bo, kc, c, co, ldc, accumulate);
        }
    }

    /** 8x24, B from a packed panel. */
    private static void tile8x24(float[] a, int ao, float[] b, int bo, int kc, float[] c, int co, int ldc,
                           boolean accumulate) {
        FloatVector c00 = accumulate ? FloatVector.fromArray(S, c, co) : FloatVector.zero(S);
        FloatVector c01 = accumulate ? FloatVector.fromArray(S, c, co + 8) : FloatVector.zero(S);
        FloatVector c02 = accumulate ? FloatVector.fromArray(S, c, co + 16) : FloatVector.zero(S);
        FloatVector c10 = accumulate ? FloatVector.fromArray(S, c, co + 1 * ldc) : FloatVector.zero(S);
        FloatVector c11 = accumulate ? FloatVector.fromArray(S, c, co + 1 * ldc + 8) : FloatVector.zero(S);
        FloatVector c12 = accumulate ? FloatVector.fromArray(S, c, co + 1 * ldc + 16) : FloatVector.zero(S);
        FloatVector c20 = accumulate ? FloatVector.fromArray(S, c, co + 2 * ldc) : FloatVector.zero(S);
        FloatVector c21 = accumulate ? FloatVector.fromArray(S, c, co + 2 * ldc + 8) : FloatVector.zero(S);
        FloatVector c22 = accumulate ? FloatVector.fromArray(S, c, co + 2 * ldc + 16) : FloatVector.zero(S);
        FloatVector c30 = accumulate ? FloatVector.fromArray(S, c, co + 3 * ldc) : FloatVector.zero(S);
        FloatVector c31 = accumulate ? FloatVector.fromArray(S, c, co + 3 * ldc + 8) : FloatVector.zero(S);
        FloatVector c32 = accumulate ? FloatVector.fromArray(S, c, co + 3 * ldc + 16) : FloatVector.zero(S);
        FloatVector c40 = accumulate ? FloatVector.fromArray(S, c, co + 4 * ldc) : FloatVector.zero(S);
        FloatVector c41 = accumulate ? FloatVector.fromArray(S, c, co + 4 * ldc + 8) : FloatVector.zero(S);
        FloatVector c42 = accumulate ? FloatVector.fromArray(S, c, co + 4 * ldc + 16) : FloatVector.zero(S);
        FloatVector c50 = accumulate ? FloatVector.fromArray(S, c, co + 5 * ldc) : FloatVector.zero(S);
        FloatVector c51 = accumulate ? FloatVector.fromArray(S, c, co + 5 * ldc + 8) : FloatVector.zero(S);
        FloatVector c52 = accumulate ? FloatVector.fromArray(S, c, co + 5 * ldc + 16) : FloatVector.zero(S);
        FloatVector c60 = accumulate ? FloatVector.fromArray(S, c, co + 6 * ldc) : FloatVector.zero(S);
        FloatVector c61 = accumulate ? FloatVector.fromArray(S, c, co + 6 * ldc + 8) : FloatVector.zero(S);
        FloatVector c62 = accumulate ? FloatVector.fromArray(S, c, co + 6 * ldc + 16) : FloatVector.zero(S);
        FloatVector c70 = accumulate ? FloatVector.fromArray(S, c, co + 7 * ldc) : FloatVector.zero(S);
        FloatVector c71 = accumulate ? FloatVector.fromArray(S, c, co + 7 * ldc + 8) : FloatVector.zero(S);
        FloatVector c72 = accumulate ? FloatVector.fromArray(S, c, co + 7 * ldc + 16) : FloatVector.zero(S);
        for (int k = 0; k < kc; k++) {
            int bk = bo + k * NR;
            int ak = ao + k * MR;
            FloatVector b0 = FloatVector.fromArray(S, b, bk);
            FloatVector b1 = FloatVector.fromArray(S, b, bk + 8);
            FloatVector b2 = FloatVector.fromArray(S, b, bk + 16);
            FloatVector a0 = FloatVector.broadcast(S, a[ak]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            c02 = a0.fma(b2, c02);
            FloatVector a1 = FloatVector.broadcast(S, a[ak + 1]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            c12 = a1.fma(b2, c12);
            FloatVector a2 = FloatVector.broadcast(S, a[ak + 2]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            c22 = a2.fma(b2, c22);
            FloatVector a3 = FloatVector.broadcast(S, a[ak + 3]);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
            c32 = a3.fma(b2, c32);
            FloatVector a4 = FloatVector.broadcast(S, a[ak + 4]);
            c40 = a4.fma(b0, c40);
            c41 = a4.fma(b1, c41);
            c42 = a4.fma(b2, c42);
            FloatVector a5 = FloatVector.broadcast(S, a[ak + 5]);
            c50 = a5.fma(b0, c50);
            c51 = a5.fma(b1, c51);
            c52 = a5.fma(b2, c52);
            FloatVector a6 = FloatVector.broadcast(S, a[ak + 6]);
            c60 = a6.fma(b0, c60);
            c61 = a6.fma(b1, c61);
            c62 = a6.fma(b2, c62);
            FloatVector a7 = FloatVector.broadcast(S, a[ak + 7]);
            c70 = a7.fma(b0, c70);
            c71 = a7.fma(b1, c71);
            c72 = a7.fma(b2, c72);
        }
        EXACT.cast(c00).intoArray(c, co);
        EXACT.cast(c01).intoArray(c, co + 8);
        EXACT.cast(c02).intoArray(c, co + 16);
        EXACT.cast(c10).intoArray(c, co + 1 * ldc);
        EXACT.cast(c11).intoArray(c, co + 1 * ldc + 8);
        EXACT.cast(c12).intoArray(c, co + 1 * ldc + 16);
        EXACT.cast(c20).intoArray(c, co + 2 * ldc);
        EXACT.cast(c21).intoArray(c, co + 2 * ldc + 8);
        EXACT.cast(c22).intoArray(c, co + 2 * ldc + 16);
        EXACT.cast(c30).intoArray(c, co + 3 * ldc);
        EXACT.cast(c31).intoArray(c, co + 3 * ldc + 8);
        EXACT.cast(c32).intoArray(c, co + 3 * ldc + 16);
        EXACT.cast(c40).intoArray(c, co + 4 * ldc);
        EXACT.cast(c41).intoArray(c, co + 4 * ldc + 8);
        EXACT.cast(c42).intoArray(c, co + 4 * ldc + 16);
        EXACT.cast(c50).intoArray(c, co + 5 * ldc);
        EXACT.cast(c51).intoArray(c, co + 5 * ldc + 8);
        EXACT.cast(c52).intoArray(c, co + 5 * ldc + 16);
        EXACT.cast(c60).intoArray(c, co + 6 * ldc);
        EXACT.cast(c61).intoArray(c, co + 6 * ldc + 8);
        EXACT.cast(c62).intoArray(c, co + 6 * ldc + 16);
        EXACT.cast(c70).intoArray(c, co + 7 * ldc);
        EXACT.cast(c71).intoArray(c, co + 7 * ldc + 8);
        EXACT.cast(c72).intoArray(c, co + 7 * ldc + 16);
    }

    /** 8x48, B from a packed panel. */
    private static void tile8x48(float[] a, int ao, float[] b, int bo, int kc, float[] c, int co, int ldc,
                           boolean accumulate) {
        FloatVector c00 = accumulate ? FloatVector.fromArray(S, c, co) : FloatVector.zero(S);
        FloatVector c01 = accumulate ? FloatVector.fromArray(S, c, co + 16) : FloatVector.zero(S);
        FloatVector c02 = accumulate ? FloatVector.fromArray(S, c, co + 32) : FloatVector.zero(S);
        FloatVector c10 = accumulate ? FloatVector.fromArray(S, c, co + 1 * ldc) : FloatVector.zero(S);
        FloatVector c11 = accumulate ? FloatVector.fromArray(S, c, co + 1 * ldc + 16) : FloatVector.zero(S);
        FloatVector c12 = accumulate ? FloatVector.fromArray(S, c, co + 1 * ldc + 32) : FloatVector.zero(S);
        FloatVector c20 = accumulate ? FloatVector.fromArray(S, c, co + 2 * ldc) : FloatVector.zero(S);
        FloatVector c21 = accumulate ? FloatVector.fromArray(S, c, co + 2 * ldc + 16) : FloatVector.zero(S);
        FloatVector c22 = accumulate ? FloatVector.fromArray(S, c, co + 2 * ldc + 32) : FloatVector.zero(S);
        FloatVector c30 = accumulate ? FloatVector.fromArray(S, c, co + 3 * ldc) : FloatVector.zero(S);
        FloatVector c31 = accumulate ? FloatVector.fromArray(S, c, co + 3 * ldc + 16) : FloatVector.zero(S);
        FloatVector c32 = accumulate ? FloatVector.fromArray(S, c, co + 3 * ldc + 32) : FloatVector.zero(S);
        FloatVector c40 = accumulate ? FloatVector.fromArray(S, c, co + 4 * ldc) : FloatVector.zero(S);
        FloatVector c41 = accumulate ? FloatVector.fromArray(S, c, co + 4 * ldc + 16) : FloatVector.zero(S);
        FloatVector c42 = accumulate ? FloatVector.fromArray(S, c, co + 4 * ldc + 32) : FloatVector.zero(S);
        FloatVector c50 = accumulate ? FloatVector.fromArray(S, c, co + 5 * ldc) : FloatVector.zero(S);
        FloatVector c51 = accumulate ? FloatVector.fromArray(S, c, co + 5 * ldc + 16) : FloatVector.zero(S);
        FloatVector c52 = accumulate ? FloatVector.fromArray(S, c, co + 5 * ldc + 32) : FloatVector.zero(S);
        FloatVector c60 = accumulate ? FloatVector.fromArray(S, c, co + 6 * ldc) : FloatVector.zero(S);
        FloatVector c61 = accumulate ? FloatVector.fromArray(S, c, co + 6 * ldc + 16) : FloatVector.zero(S);
        FloatVector c62 = accumulate ? FloatVector.fromArray(S, c, co + 6 * ldc + 32) : FloatVector.zero(S);
        FloatVector c70 = accumulate ? FloatVector.fromArray(S, c, co + 7 * ldc) : FloatVector.zero(S);
        FloatVector c71 = accumulate ? FloatVector.fromArray(S, c, co + 7 * ldc + 16) : FloatVector.zero(S);
        FloatVector c72 = accumulate ? FloatVector.fromArray(S, c, co + 7 * ldc + 32) : FloatVector.zero(S);
        for (int k = 0; k < kc; k++) {
            int bk = bo + k * 48;
            int ak = ao + k * 8;
            FloatVector b0 = FloatVector.fromArray(S, b, bk);
            FloatVector b1 = FloatVector.fromArray(S, b, bk + 16);
            FloatVector b2 = FloatVector.fromArray(S, b, bk + 32);
            FloatVector a0 = FloatVector.broadcast(S, a[ak]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            c02 = a0.fma(b2, c02);
            FloatVector a1 = FloatVector.broadcast(S, a[ak + 1]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            c12 = a1.fma(b2, c12);
            FloatVector a2 = FloatVector.broadcast(S, a[ak + 2]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            c22 = a2.fma(b2, c22);
            FloatVector a3 = FloatVector.broadcast(S, a[ak + 3]);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
            c32 = a3.fma(b2, c32);
            FloatVector a4 = FloatVector.broadcast(S, a[ak + 4]);
            c40 = a4.fma(b0, c40);
            c41 = a4.fma(b1, c41);
            c42 = a4.fma(b2, c42);
            FloatVector a5 = FloatVector.broadcast(S, a[ak + 5]);
            c50 = a5.fma(b0, c50);
            c51 = a5.fma(b1, c51);
            c52 = a5.fma(b2, c52);
            FloatVector a6 = FloatVector.broadcast(S, a[ak + 6]);
            c60 = a6.fma(b0, c60);
            c61 = a6.fma(b1, c61);
            c62 = a6.fma(b2, c62);
            FloatVector a7 = FloatVector.broadcast(S, a[ak + 7]);
            c70 = a7.fma(b0, c70);
            c71 = a7.fma(b1, c71);
            c72 = a7.fma(b2, c72);
        }
        EXACT.cast(c00).intoArray(c, co);
        EXACT.cast(c01).intoArray(c, co + 16);
        EXACT.cast(c02).intoArray(c, co + 32);
        EXACT.cast(c10).intoArray(c, co + 1 * ldc);
        EXACT.cast(c11).intoArray(c, co + 1 * ldc + 16);
        EXACT.cast(c12).intoArray(c, co + 1 * ldc + 32);
        EXACT.cast(c20).intoArray(c, co + 2 * ldc);
        EXACT.cast(c21).intoArray(c, co + 2 * ldc + 16);
        EXACT.cast(c22).intoArray(c, co + 2 * ldc + 32);
        EXACT.cast(c30).intoArray(c, co + 3 * ldc);
        EXACT.cast(c31).intoArray(c, co + 3 * ldc + 16);
        EXACT.cast(c32).intoArray(c, co + 3 * ldc + 32);
        EXACT.cast(c40).intoArray(c, co + 4 * ldc);
        EXACT.cast(c41).intoArray(c, co + 4 * ldc + 16);
        EXACT.cast(c42).intoArray(c, co + 4 * ldc + 32);
        EXACT.cast(c50).intoArray(c, co + 5 * ldc);
        EXACT.cast(c51).intoArray(c, co + 5 * ldc + 16);
        EXACT.cast(c52).intoArray(c, co + 5 * ldc + 32);
        EXACT.cast(c60).intoArray(c, co + 6 * ldc);
        EXACT.cast(c61).intoArray(c, co + 6 * ldc + 16);
        EXACT.cast(c62).intoArray(c, co + 6 * ldc + 32);
        EXACT.cast(c70).intoArray(c, co + 7 * ldc);
        EXACT.cast(c71).intoArray(c, co + 7 * ldc + 16);
        EXACT.cast(c72).intoArray(c, co + 7 * ldc + 32);
    }

    /** 12x32, B from a packed panel. */
    private static void tile12x32(float[] a, int ao, float[] b, int bo, int kc, float[] c, int co, int ldc,
                           boolean accumulate) {
        FloatVector c00 = accumulate ? FloatVector.fromArray(S, c, co) : FloatVector.zero(S);
        FloatVector c01 = accumulate ? FloatVector.fromArray(S, c, co + 16) : FloatVector.zero(S);
        FloatVector c10 = accumulate ? FloatVector.fromArray(S, c, co + 1 * ldc) : FloatVector.zero(S);
        FloatVector c11 = accumulate ? FloatVector.fromArray(S, c, co + 1 * ldc + 16) : FloatVector.zero(S);
        FloatVector c20 = accumulate ? FloatVector.fromArray(S, c, co + 2 * ldc) : FloatVector.zero(S);
        FloatVector c21 = accumulate ? FloatVector.fromArray(S, c, co + 2 * ldc + 16) : FloatVector.zero(S);
        FloatVector c30 = accumulate ? FloatVector.fromArray(S, c, co + 3 * ldc) : FloatVector.zero(S);
        FloatVector c31 = accumulate ? FloatVector.fromArray(S, c, co + 3 * ldc + 16) : FloatVector.zero(S);
        FloatVector c40 = accumulate ? FloatVector.fromArray(S, c, co + 4 * ldc) : FloatVector.zero(S);
        FloatVector c41 = accumulate ? FloatVector.fromArray(S, c, co + 4 * ldc + 16) : FloatVector.zero(S);
        FloatVector c50 = accumulate ? FloatVector.fromArray(S, c, co + 5 * ldc) : FloatVector.zero(S);
        FloatVector c51 = accumulate ? FloatVector.fromArray(S, c, co + 5 * ldc + 16) : FloatVector.zero(S);
        FloatVector c60 = accumulate ? FloatVector.fromArray(S, c, co + 6 * ldc) : FloatVector.zero(S);
        FloatVector c61 = accumulate ? FloatVector.fromArray(S, c, co + 6 * ldc + 16) : FloatVector.zero(S);
        FloatVector c70 = accumulate ? FloatVector.fromArray(S, c, co + 7 * ldc) : FloatVector.zero(S);
        FloatVector c71 = accumulate ? FloatVector.fromArray(S, c, co + 7 * ldc + 16) : FloatVector.zero(S);
        FloatVector c80 = accumulate ? FloatVector.fromArray(S, c, co + 8 * ldc) : FloatVector.zero(S);
        FloatVector c81 = accumulate ? FloatVector.fromArray(S, c, co + 8 * ldc + 16) : FloatVector.zero(S);
        FloatVector c90 = accumulate ? FloatVector.fromArray(S, c, co + 9 * ldc) : FloatVector.zero(S);
        FloatVector c91 = accumulate ? FloatVector.fromArray(S, c, co + 9 * ldc + 16) : FloatVector.zero(S);
        FloatVector ca0 = accumulate ? FloatVector.fromArray(S, c, co + 10 * ldc) : FloatVector.zero(S);
        FloatVector ca1 = accumulate ? FloatVector.fromArray(S, c, co + 10 * ldc + 16) : FloatVector.zero(S);
        FloatVector cb0 = accumulate ? FloatVector.fromArray(S, c, co + 11 * ldc) : FloatVector.zero(S);
        FloatVector cb1 = accumulate ? FloatVector.fromArray(S, c, co + 11 * ldc + 16) : FloatVector.zero(S);
        for (int k = 0; k < kc; k++) {
            int bk = bo + k * NR;
            int ak = ao + k * MR;
            FloatVector b0 = FloatVector.fromArray(S, b, bk);
            FloatVector b1 = FloatVector.fromArray(S, b, bk + 16);
            FloatVector a0 = FloatVector.broadcast(S, a[ak]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            FloatVector a1 = FloatVector.broadcast(S, a[ak + 1]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            FloatVector a2 = FloatVector.broadcast(S, a[ak + 2]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            FloatVector a3 = FloatVector.broadcast(S, a[ak + 3]);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
            FloatVector a4 = FloatVector.broadcast(S, a[ak + 4]);
            c40 = a4.fma(b0, c40);
            c41 = a4.fma(b1, c41);
            FloatVector a5 = FloatVector.broadcast(S, a[ak + 5]);
            c50 = a5.fma(b0, c50);
            c51 = a5.fma(b1, c51);
            FloatVector a6 = FloatVector.broadcast(S, a[ak + 6]);
            c60 = a6.fma(b0, c60);
            c61 = a6.fma(b1, c61);
            FloatVector a7 = FloatVector.broadcast(S, a[ak + 7]);
            c70 = a7.fma(b0, c70);
            c71 = a7.fma(b1, c71);
            FloatVector a8 = FloatVector.broadcast(S, a[ak + 8]);
            c80 = a8.fma(b0, c80);
            c81 = a8.fma(b1, c81);
            FloatVector a9 = FloatVector.broadcast(S, a[ak + 9]);
            c90 = a9.fma(b0, c90);
            c91 = a9.fma(b1, c91);
            FloatVector aa = FloatVector.broadcast(S, a[ak + 10]);
            ca0 = aa.fma(b0, ca0);
            ca1 = aa.fma(b1, ca1);
            FloatVector ab = FloatVector.broadcast(S, a[ak + 11]);
            cb0 = ab.fma(b0, cb0);
            cb1 = ab.fma(b1, cb1);
        }
        EXACT.cast(c00).intoArray(c, co);
        EXACT.cast(c01).intoArray(c, co + 16);
        EXACT.cast(c10).intoArray(c, co + 1 * ldc);
        EXACT.cast(c11).intoArray(c, co + 1 * ldc + 16);
        EXACT.cast(c20).intoArray(c, co + 2 * ldc);
        EXACT.cast(c21).intoArray(c, co + 2 * ldc + 16);
        EXACT.cast(c30).intoArray(c, co + 3 * ldc);
        EXACT.cast(c31).intoArray(c, co + 3 * ldc + 16);
        EXACT.cast(c40).intoArray(c, co + 4 * ldc);
        EXACT.cast(c41).intoArray(c, co + 4 * ldc + 16);
        EXACT.cast(c50).intoArray(c, co + 5 * ldc);
        EXACT.cast(c51).intoArray(c, co + 5 * ldc + 16);
        EXACT.cast(c60).intoArray(c, co + 6 * ldc);
        EXACT.cast(c61).intoArray(c, co + 6 * ldc + 16);
        EXACT.cast(c70).intoArray(c, co + 7 * ldc);
        EXACT.cast(c71).intoArray(c, co + 7 * ldc + 16);
        EXACT.cast(c80).intoArray(c, co + 8 * ldc);
        EXACT.cast(c81).intoArray(c, co + 8 * ldc + 16);
        EXACT.cast(c90).intoArray(c, co + 9 * ldc);
        EXACT.cast(c91).intoArray(c, co + 9 * ldc + 16);
        EXACT.cast(ca0).intoArray(c, co + 10 * ldc);
        EXACT.cast(ca1).intoArray(c, co + 10 * ldc + 16);
        EXACT.cast(cb0).intoArray(c, co + 11 * ldc);
        EXACT.cast(cb1).intoArray(c, co + 11 * ldc + 16);
    }

    /** The tile in plain Java: the forced-scalar path. */
    static void tileScalar(Shape shape, float[] a, int ao, float[] b, int bo, int kc, float[] c, int co,
                           int ldc, boolean accumulate) {
        int mr = shape.mr(), nr = shape.nr();
        for (int r = 0; r < mr; r++) {
            int row = co + r * ldc;
            if (!accumulate) {
                java.util.Arrays.fill(c, row, row + nr, 0f);
            }
            for (int k = 0; k < kc; k++) {
                float av = a[ao + k * mr + r];
                int bk = bo + k * nr;
                for (int j = 0; j < nr; j++) {
                    c[row + j] += av * b[bk + j];
                }
            }
        }
    }
}
