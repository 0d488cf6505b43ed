package io.cnnkit.exec.kernel.gemm;

import io.cnnkit.exec.kernel.Simd;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The 12x32 GEMM micro-kernel, for 512-bit vectors: 12 rows of A times 2 vectors of 16 floats
 * ({@link Sgemm#ROWS}), the default tile. C (+)= A * B over {@code kc} steps on packed panels
 * ({@link Sgemm}); its 24 accumulators stay in registers, unrolled by hand in one method because a
 * FloatVector passed to or returned from a helper is boxed on JDK 17.
 */
final class Tile12x32 {
    private static final VectorSpecies<Float> S = Simd.S;
    private static final Class<? extends FloatVector> EXACT = Simd.EXACT;

    private Tile12x32() {
    }

    /** One tile: A packed as kc groups of 12 values, B as kc rows of 32; C row-major with stride ldc. */
    static void compute(float[] a, int ao, float[] b, int bo, int kc, float[] c, int co, int ldc,
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
            int bk = bo + k * 32;
            int ak = ao + k * 12;
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
}
