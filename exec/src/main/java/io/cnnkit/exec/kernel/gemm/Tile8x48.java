package io.cnnkit.exec.kernel.gemm;

import io.cnnkit.exec.kernel.Simd;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The 8x48 GEMM micro-kernel, for 512-bit vectors: 8 rows of A times 3 vectors of 16 floats
 * ({@link Sgemm#COLUMNS}); 64 or 128 rows fill it exactly. C (+)= A * B over {@code kc} steps on
 * packed panels ({@link Sgemm}); its 24 accumulators stay in registers, unrolled by hand in one
 * method because a FloatVector passed to or returned from a helper is boxed on JDK 17.
 */
final class Tile8x48 {
    private static final VectorSpecies<Float> S = Simd.S;
    private static final Class<? extends FloatVector> EXACT = Simd.EXACT;

    private Tile8x48() {
    }

    /** One tile: A packed as kc groups of 8 values, B as kc rows of 48; C row-major with stride ldc. */
    static void compute(float[] a, int ao, float[] b, int bo, int kc, float[] c, int co, int ldc,
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

    /**
     * {@link #compute} with B's rows {@code ldb} floats apart, read where they lie (a 1x1 layer's
     * input planes). A copy rather than a parameter of {@link #compute}: with the constant 48 C2
     * hoists the range checks of B's loads out of the K loop, with a variable stride it cannot.
     */
    static void computeStridedB(float[] a, int ao, float[] b, int bo, int ldb, int kc, float[] c, int co, int ldc,
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
            int bk = bo + k * ldb;
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
}
