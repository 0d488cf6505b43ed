package io.cnnkit.exec.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The SGEMM micro-kernel: one {@value #MR}x{@value #NR} tile C (+)= A * B over {@code kc} steps,
 * from an A panel packed as {@code kc} groups of {@value #MR} values (one per row) and a B panel
 * packed as {@code kc} rows of {@value #NR} values. The vector kernel keeps all 24 accumulators in
 * registers (6 rows x 4 vectors of 8 floats, with the 32 registers of AVX-512) and is written out
 * in one method on purpose: on JDK 17 a FloatVector passed to or returned from a helper is boxed.
 */
final class Sgemm {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_256;
    static final int MR = 6;
    static final int NR = 32;

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
        FloatVector c00 = accumulate ? FloatVector.fromArray(S, c, co + 0) : FloatVector.zero(S);
        FloatVector c01 = accumulate ? FloatVector.fromArray(S, c, co + 8) : FloatVector.zero(S);
        FloatVector c02 = accumulate ? FloatVector.fromArray(S, c, co + 16) : FloatVector.zero(S);
        FloatVector c03 = accumulate ? FloatVector.fromArray(S, c, co + 24) : FloatVector.zero(S);
        FloatVector c10 = accumulate ? FloatVector.fromArray(S, c, co + 1 * ldc + 0) : FloatVector.zero(S);
        FloatVector c11 = accumulate ? FloatVector.fromArray(S, c, co + 1 * ldc + 8) : FloatVector.zero(S);
        FloatVector c12 = accumulate ? FloatVector.fromArray(S, c, co + 1 * ldc + 16) : FloatVector.zero(S);
        FloatVector c13 = accumulate ? FloatVector.fromArray(S, c, co + 1 * ldc + 24) : FloatVector.zero(S);
        FloatVector c20 = accumulate ? FloatVector.fromArray(S, c, co + 2 * ldc + 0) : FloatVector.zero(S);
        FloatVector c21 = accumulate ? FloatVector.fromArray(S, c, co + 2 * ldc + 8) : FloatVector.zero(S);
        FloatVector c22 = accumulate ? FloatVector.fromArray(S, c, co + 2 * ldc + 16) : FloatVector.zero(S);
        FloatVector c23 = accumulate ? FloatVector.fromArray(S, c, co + 2 * ldc + 24) : FloatVector.zero(S);
        FloatVector c30 = accumulate ? FloatVector.fromArray(S, c, co + 3 * ldc + 0) : FloatVector.zero(S);
        FloatVector c31 = accumulate ? FloatVector.fromArray(S, c, co + 3 * ldc + 8) : FloatVector.zero(S);
        FloatVector c32 = accumulate ? FloatVector.fromArray(S, c, co + 3 * ldc + 16) : FloatVector.zero(S);
        FloatVector c33 = accumulate ? FloatVector.fromArray(S, c, co + 3 * ldc + 24) : FloatVector.zero(S);
        FloatVector c40 = accumulate ? FloatVector.fromArray(S, c, co + 4 * ldc + 0) : FloatVector.zero(S);
        FloatVector c41 = accumulate ? FloatVector.fromArray(S, c, co + 4 * ldc + 8) : FloatVector.zero(S);
        FloatVector c42 = accumulate ? FloatVector.fromArray(S, c, co + 4 * ldc + 16) : FloatVector.zero(S);
        FloatVector c43 = accumulate ? FloatVector.fromArray(S, c, co + 4 * ldc + 24) : FloatVector.zero(S);
        FloatVector c50 = accumulate ? FloatVector.fromArray(S, c, co + 5 * ldc + 0) : FloatVector.zero(S);
        FloatVector c51 = accumulate ? FloatVector.fromArray(S, c, co + 5 * ldc + 8) : FloatVector.zero(S);
        FloatVector c52 = accumulate ? FloatVector.fromArray(S, c, co + 5 * ldc + 16) : FloatVector.zero(S);
        FloatVector c53 = accumulate ? FloatVector.fromArray(S, c, co + 5 * ldc + 24) : FloatVector.zero(S);
        for (int k = 0; k < kc; k++) {
            int bk = bo + k * NR;
            int ak = ao + k * MR;
            FloatVector b0 = FloatVector.fromArray(S, b, bk + 0);
            FloatVector b1 = FloatVector.fromArray(S, b, bk + 8);
            FloatVector b2 = FloatVector.fromArray(S, b, bk + 16);
            FloatVector b3 = FloatVector.fromArray(S, b, bk + 24);
            FloatVector a0 = FloatVector.broadcast(S, a[ak + 0]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            c02 = a0.fma(b2, c02);
            c03 = a0.fma(b3, c03);
            FloatVector a1 = FloatVector.broadcast(S, a[ak + 1]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            c12 = a1.fma(b2, c12);
            c13 = a1.fma(b3, c13);
            FloatVector a2 = FloatVector.broadcast(S, a[ak + 2]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            c22 = a2.fma(b2, c22);
            c23 = a2.fma(b3, c23);
            FloatVector a3 = FloatVector.broadcast(S, a[ak + 3]);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
            c32 = a3.fma(b2, c32);
            c33 = a3.fma(b3, c33);
            FloatVector a4 = FloatVector.broadcast(S, a[ak + 4]);
            c40 = a4.fma(b0, c40);
            c41 = a4.fma(b1, c41);
            c42 = a4.fma(b2, c42);
            c43 = a4.fma(b3, c43);
            FloatVector a5 = FloatVector.broadcast(S, a[ak + 5]);
            c50 = a5.fma(b0, c50);
            c51 = a5.fma(b1, c51);
            c52 = a5.fma(b2, c52);
            c53 = a5.fma(b3, c53);
        }
        c00.intoArray(c, co + 0);
        c01.intoArray(c, co + 8);
        c02.intoArray(c, co + 16);
        c03.intoArray(c, co + 24);
        c10.intoArray(c, co + 1 * ldc + 0);
        c11.intoArray(c, co + 1 * ldc + 8);
        c12.intoArray(c, co + 1 * ldc + 16);
        c13.intoArray(c, co + 1 * ldc + 24);
        c20.intoArray(c, co + 2 * ldc + 0);
        c21.intoArray(c, co + 2 * ldc + 8);
        c22.intoArray(c, co + 2 * ldc + 16);
        c23.intoArray(c, co + 2 * ldc + 24);
        c30.intoArray(c, co + 3 * ldc + 0);
        c31.intoArray(c, co + 3 * ldc + 8);
        c32.intoArray(c, co + 3 * ldc + 16);
        c33.intoArray(c, co + 3 * ldc + 24);
        c40.intoArray(c, co + 4 * ldc + 0);
        c41.intoArray(c, co + 4 * ldc + 8);
        c42.intoArray(c, co + 4 * ldc + 16);
        c43.intoArray(c, co + 4 * ldc + 24);
        c50.intoArray(c, co + 5 * ldc + 0);
        c51.intoArray(c, co + 5 * ldc + 8);
        c52.intoArray(c, co + 5 * ldc + 16);
        c53.intoArray(c, co + 5 * ldc + 24);
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
