package io.cnnkit.exec.kernel.gemm;

import io.cnnkit.exec.kernel.Align;
import io.cnnkit.exec.kernel.KernelOptions;
import io.cnnkit.exec.kernel.Simd;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * A general single-threaded C (+)= op(A) * op(B) on row-major float arrays through the
 * {@link Sgemm} micro-kernels, for callers outside this package (training's backward passes);
 * callers split the work between threads themselves. A is packed into panels of
 * {@link Sgemm#MR} rows and B into panels of {@link Sgemm#NR} columns straight from either
 * layout (A times B transposed, both read along k, is a dot product per element instead); the tiles are computed into a padded buffer and added to (or stored into) C. The
 * buffers are kept per thread and reused.
 */
public final class Gemm {
    private static final VectorSpecies<Float> S = Simd.S;
    private static final boolean SCALAR = Boolean.getBoolean(KernelOptions.SCALAR_PROPERTY);
    private static final ThreadLocal<float[][]> BUFFERS = ThreadLocal.withInitial(() -> new float[3][]);

    private Gemm() {
    }

    /**
     * One product. {@code a} holds A [m x k] (or, with {@code transA}, its transpose [k x m]) from
     * {@code aOff}; {@code b} holds B [k x n] (or [n x k] with {@code transB}); C [m x n] is written
     * at {@code cOff} with row stride n, added to when {@code accumulate}.
     */
    public static void multiply(int m, int n, int k, float[] a, int aOff, boolean transA, float[] b, int bOff,
                                boolean transB, float[] c, int cOff, boolean accumulate) {
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0) {
            if (!accumulate) {
                for (int r = 0; r < m; r++) {
                    java.util.Arrays.fill(c, cOff + r * n, cOff + (r + 1) * n, 0f);
                }
            }
            return;
        }
        if (!transA && transB && !SCALAR) {
            dotProducts(m, n, k, a, aOff, b, bOff, c, cOff, accumulate);
            return;
        }
        Sgemm.Shape shape = Sgemm.ROWS;
        int mr = shape.mr(), nr = shape.nr();
        int mPanels = (m + mr - 1) / mr, nPanels = (n + nr - 1) / nr;
        int ldc = nPanels * nr;
        float[][] buffers = BUFFERS.get();
        float[] packedA = buffer(buffers, 0, mPanels * mr * k);
        float[] packedB = buffer(buffers, 1, nPanels * nr * k);
        float[] tiles = buffer(buffers, 2, mPanels * mr * ldc);
        // element (row r, step kk) of op(A) is a[aOff + r * rowStride + kk * stepStride]
        pack(a, aOff, m, k, transA ? 1 : k, transA ? m : 1, mr, packedA);
        pack(b, bOff, n, k, transB ? k : 1, transB ? 1 : n, nr, packedB);
        for (int p = 0; p < mPanels; p++) {
            int aAt = Sgemm.panelAt(0, p, 0, k, k, mPanels, mr);
            for (int q = 0; q < nPanels; q++) {
                int bAt = Sgemm.panelAt(0, q, 0, k, k, nPanels, nr);
                Sgemm.tile(SCALAR, shape, packedA, aAt, packedB, bAt, k, tiles, Align.FLOATS + p * mr * ldc + q * nr,
                        ldc, false);
            }
        }
        for (int r = 0; r < m; r++) {
            int src = Align.FLOATS + r * ldc, dst = cOff + r * n;
            if (accumulate) {
                for (int j = 0; j < n; j++) {
                    c[dst + j] += tiles[src + j];
                }
            } else {
                System.arraycopy(tiles, src, c, dst, n);
            }
        }
    }

    /**
     * A [m x k] times B [n x k] transposed, both read along k where they lie: one vector dot
     * product per element of C, four rows of B sharing each load of A's row. Used instead of the
     * tiles for this layout: packing either operand would cost a strided pass as long as the product.
     */
    private static void dotProducts(int m, int n, int k, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff,
                                    boolean accumulate) {
        int lanes = S.length(), vectorEnd = k - k % lanes;
        for (int i = 0; i < m; i++) {
            int ai = aOff + i * k, ci = cOff + i * n;
            int j = 0;
            for (; j + 4 <= n; j += 4) {
                int b0 = bOff + j * k, b1 = b0 + k, b2 = b1 + k, b3 = b2 + k;
                FloatVector s0 = FloatVector.zero(S), s1 = FloatVector.zero(S);
                FloatVector s2 = FloatVector.zero(S), s3 = FloatVector.zero(S);
                for (int kk = 0; kk < vectorEnd; kk += lanes) {
                    FloatVector av = FloatVector.fromArray(S, a, ai + kk);
                    s0 = av.fma(FloatVector.fromArray(S, b, b0 + kk), s0);
                    s1 = av.fma(FloatVector.fromArray(S, b, b1 + kk), s1);
                    s2 = av.fma(FloatVector.fromArray(S, b, b2 + kk), s2);
                    s3 = av.fma(FloatVector.fromArray(S, b, b3 + kk), s3);
                }
                float d0 = s0.reduceLanes(VectorOperators.ADD), d1 = s1.reduceLanes(VectorOperators.ADD);
                float d2 = s2.reduceLanes(VectorOperators.ADD), d3 = s3.reduceLanes(VectorOperators.ADD);
                for (int kk = vectorEnd; kk < k; kk++) {
                    float av = a[ai + kk];
                    d0 += av * b[b0 + kk];
                    d1 += av * b[b1 + kk];
                    d2 += av * b[b2 + kk];
                    d3 += av * b[b3 + kk];
                }
                store(c, ci + j, d0, accumulate);
                store(c, ci + j + 1, d1, accumulate);
                store(c, ci + j + 2, d2, accumulate);
                store(c, ci + j + 3, d3, accumulate);
            }
            for (; j < n; j++) {
                int bj = bOff + j * k;
                FloatVector s0 = FloatVector.zero(S);
                for (int kk = 0; kk < vectorEnd; kk += lanes) {
                    s0 = FloatVector.fromArray(S, a, ai + kk).fma(FloatVector.fromArray(S, b, bj + kk), s0);
                }
                float d = s0.reduceLanes(VectorOperators.ADD);
                for (int kk = vectorEnd; kk < k; kk++) {
                    d += a[ai + kk] * b[bj + kk];
                }
                store(c, ci + j, d, accumulate);
            }
        }
    }

    private static void store(float[] c, int at, float v, boolean accumulate) {
        c[at] = accumulate ? c[at] + v : v;
    }

    private static float[] buffer(float[][] buffers, int which, int floats) {
        float[] b = buffers[which];
        if (b == null || b.length < Align.FLOATS + floats) {
            b = Align.floats(floats);
            buffers[which] = b;
        }
        return b;
    }

    /**
     * Panels of {@code width} rows in {@link Sgemm#packPanels}' whole-panel layout: row r, step kk
     * at Align.FLOATS + ((r / width) * k + kk) * width + r % width; rows past {@code rows} are zero.
     */
    private static void pack(float[] src, int off, int rows, int k, int rowStride, int stepStride, int width,
                             float[] packed) {
        int panels = (rows + width - 1) / width;
        for (int p = 0; p < panels; p++) {
            int r0 = p * width, count = Math.min(width, rows - r0);
            int base = Align.FLOATS + p * k * width;
            if (rowStride == 1) {
                // rows adjacent in memory: one copy of count values per step
                for (int kk = 0; kk < k; kk++) {
                    System.arraycopy(src, off + r0 + kk * stepStride, packed, base + kk * width, count);
                }
            } else {
                // steps adjacent in memory: read each row in order, write it down its panel column
                for (int r = 0; r < count; r++) {
                    int from = off + (r0 + r) * rowStride;
                    for (int kk = 0; kk < k; kk++) {
                        packed[base + kk * width + r] = src[from + kk * stepStride];
                    }
                }
            }
            for (int kk = 0; kk < k && count < width; kk++) {
                java.util.Arrays.fill(packed, base + kk * width + count, base + (kk + 1) * width, 0f);
            }
        }
    }
}
