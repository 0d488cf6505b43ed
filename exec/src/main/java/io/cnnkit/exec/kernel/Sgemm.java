package io.cnnkit.exec.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The SGEMM micro-kernel: one {@value #MR}x{@value #NR} tile C (+)= A * B over {@code kc} steps,
 * from an A panel packed as {@code kc} groups of {@value #MR} values (one per row) and a B panel
 * packed as {@code kc} rows of {@value #NR} values. The vector kernel keeps all 24 accumulators in
 * registers (8 rows x 3 vectors of 8 floats; AVX-512 has 32 registers) and is written out
 * in one method on purpose: on JDK 17 a FloatVector passed to or returned from a helper is boxed.
 * (Tile chosen by measurement on Zen 4: 8x3 beat 6x4, 9x3, 12x2, 14x2 and 5x5; 512-bit species
 * are ~25x slower on JDK 17 here.)
 */
final class Sgemm {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_256;
    static final int MR = 8;
    static final int NR = 24;

    private Sgemm() {
    }

    static void tile(boolean scalar, float[] a, int ao, float[] b, int bo, int kc, float[] c, int co, int ldc,
                     boolean accumulate) {
        if (scalar) {
            tileScalar(a, ao, b, bo, kc, c, co, ldc, accumulate);
        } else {
            tileVector(a, ao, b, bo, kc, c, co, ldc, accumulate);
        }
    }

    static void tileVector(float[] a, int ao, float[] b, int bo, int kc, float[] c, int co, int ldc,
                           boolean accumulate) {
        FloatVector c0_0 = accumulate ? FloatVector.fromArray(S, c, co + 0) : FloatVector.zero(S);
        FloatVector c0_1 = accumulate ? FloatVector.fromArray(S, c, co + 8) : FloatVector.zero(S);
        FloatVector c0_2 = accumulate ? FloatVector.fromArray(S, c, co + 16) : FloatVector.zero(S);
        FloatVector c1_0 = accumulate ? FloatVector.fromArray(S, c, co + 1 * ldc + 0) : FloatVector.zero(S);
        FloatVector c1_1 = accumulate ? FloatVector.fromArray(S, c, co + 1 * ldc + 8) : FloatVector.zero(S);
        FloatVector c1_2 = accumulate ? FloatVector.fromArray(S, c, co + 1 * ldc + 16) : FloatVector.zero(S);
        FloatVector c2_0 = accumulate ? FloatVector.fromArray(S, c, co + 2 * ldc + 0) : FloatVector.zero(S);
        FloatVector c2_1 = accumulate ? FloatVector.fromArray(S, c, co + 2 * ldc + 8) : FloatVector.zero(S);
        FloatVector c2_2 = accumulate ? FloatVector.fromArray(S, c, co + 2 * ldc + 16) : FloatVector.zero(S);
        FloatVector c3_0 = accumulate ? FloatVector.fromArray(S, c, co + 3 * ldc + 0) : FloatVector.zero(S);
        FloatVector c3_1 = accumulate ? FloatVector.fromArray(S, c, co + 3 * ldc + 8) : FloatVector.zero(S);
        FloatVector c3_2 = accumulate ? FloatVector.fromArray(S, c, co + 3 * ldc + 16) : FloatVector.zero(S);
        FloatVector c4_0 = accumulate ? FloatVector.fromArray(S, c, co + 4 * ldc + 0) : FloatVector.zero(S);
        FloatVector c4_1 = accumulate ? FloatVector.fromArray(S, c, co + 4 * ldc + 8) : FloatVector.zero(S);
        FloatVector c4_2 = accumulate ? FloatVector.fromArray(S, c, co + 4 * ldc + 16) : FloatVector.zero(S);
        FloatVector c5_0 = accumulate ? FloatVector.fromArray(S, c, co + 5 * ldc + 0) : FloatVector.zero(S);
        FloatVector c5_1 = accumulate ? FloatVector.fromArray(S, c, co + 5 * ldc + 8) : FloatVector.zero(S);
        FloatVector c5_2 = accumulate ? FloatVector.fromArray(S, c, co + 5 * ldc + 16) : FloatVector.zero(S);
        FloatVector c6_0 = accumulate ? FloatVector.fromArray(S, c, co + 6 * ldc + 0) : FloatVector.zero(S);
        FloatVector c6_1 = accumulate ? FloatVector.fromArray(S, c, co + 6 * ldc + 8) : FloatVector.zero(S);
        FloatVector c6_2 = accumulate ? FloatVector.fromArray(S, c, co + 6 * ldc + 16) : FloatVector.zero(S);
        FloatVector c7_0 = accumulate ? FloatVector.fromArray(S, c, co + 7 * ldc + 0) : FloatVector.zero(S);
        FloatVector c7_1 = accumulate ? FloatVector.fromArray(S, c, co + 7 * ldc + 8) : FloatVector.zero(S);
        FloatVector c7_2 = accumulate ? FloatVector.fromArray(S, c, co + 7 * ldc + 16) : FloatVector.zero(S);
        for (int k = 0; k < kc; k++) {
            int bk = bo + k * NR;
            int ak = ao + k * MR;
            FloatVector b0 = FloatVector.fromArray(S, b, bk + 0);
            FloatVector b1 = FloatVector.fromArray(S, b, bk + 8);
            FloatVector b2 = FloatVector.fromArray(S, b, bk + 16);
            FloatVector a0 = FloatVector.broadcast(S, a[ak + 0]);
            c0_0 = a0.fma(b0, c0_0);
            c0_1 = a0.fma(b1, c0_1);
            c0_2 = a0.fma(b2, c0_2);
            FloatVector a1 = FloatVector.broadcast(S, a[ak + 1]);
            c1_0 = a1.fma(b0, c1_0);
            c1_1 = a1.fma(b1, c1_1);
            c1_2 = a1.fma(b2, c1_2);
            FloatVector a2 = FloatVector.broadcast(S, a[ak + 2]);
            c2_0 = a2.fma(b0, c2_0);
            c2_1 = a2.fma(b1, c2_1);
            c2_2 = a2.fma(b2, c2_2);
            FloatVector a3 = FloatVector.broadcast(S, a[ak + 3]);
            c3_0 = a3.fma(b0, c3_0);
            c3_1 = a3.fma(b1, c3_1);
            c3_2 = a3.fma(b2, c3_2);
            FloatVector a4 = FloatVector.broadcast(S, a[ak + 4]);
            c4_0 = a4.fma(b0, c4_0);
            c4_1 = a4.fma(b1, c4_1);
            c4_2 = a4.fma(b2, c4_2);
            FloatVector a5 = FloatVector.broadcast(S, a[ak + 5]);
            c5_0 = a5.fma(b0, c5_0);
            c5_1 = a5.fma(b1, c5_1);
            c5_2 = a5.fma(b2, c5_2);
            FloatVector a6 = FloatVector.broadcast(S, a[ak + 6]);
            c6_0 = a6.fma(b0, c6_0);
            c6_1 = a6.fma(b1, c6_1);
            c6_2 = a6.fma(b2, c6_2);
            FloatVector a7 = FloatVector.broadcast(S, a[ak + 7]);
            c7_0 = a7.fma(b0, c7_0);
            c7_1 = a7.fma(b1, c7_1);
            c7_2 = a7.fma(b2, c7_2);
        }
        c0_0.intoArray(c, co + 0);
        c0_1.intoArray(c, co + 8);
        c0_2.intoArray(c, co + 16);
        c1_0.intoArray(c, co + 1 * ldc + 0);
        c1_1.intoArray(c, co + 1 * ldc + 8);
        c1_2.intoArray(c, co + 1 * ldc + 16);
        c2_0.intoArray(c, co + 2 * ldc + 0);
        c2_1.intoArray(c, co + 2 * ldc + 8);
        c2_2.intoArray(c, co + 2 * ldc + 16);
        c3_0.intoArray(c, co + 3 * ldc + 0);
        c3_1.intoArray(c, co + 3 * ldc + 8);
        c3_2.intoArray(c, co + 3 * ldc + 16);
        c4_0.intoArray(c, co + 4 * ldc + 0);
        c4_1.intoArray(c, co + 4 * ldc + 8);
        c4_2.intoArray(c, co + 4 * ldc + 16);
        c5_0.intoArray(c, co + 5 * ldc + 0);
        c5_1.intoArray(c, co + 5 * ldc + 8);
        c5_2.intoArray(c, co + 5 * ldc + 16);
        c6_0.intoArray(c, co + 6 * ldc + 0);
        c6_1.intoArray(c, co + 6 * ldc + 8);
        c6_2.intoArray(c, co + 6 * ldc + 16);
        c7_0.intoArray(c, co + 7 * ldc + 0);
        c7_1.intoArray(c, co + 7 * ldc + 8);
        c7_2.intoArray(c, co + 7 * ldc + 16);
    }

    /** The same tile in plain Java: the reference for the vector kernel and the forced-scalar path. */
    static void tileScalar(float[] a, int ao, float[] b, int bo, int kc, float[] c, int co, int ldc,
                           boolean accumulate) {
        for (int r = 0; r < MR; r++) {
            int row = co + r * ldc;
            if (!accumulate) {
                java.util.Arrays.fill(c, row, row + NR, 0f);
            }
            for (int k = 0; k < kc; k++) {
                float av = a[ao + k * MR + r];
                int bk = bo + k * NR;
                for (int j = 0; j < NR; j++) {
                    c[row + j] += av * b[bk + j];
                }
            }
        }
    }
}
