package io.cnnkit.exec.kernel;

/**
 * A general single-threaded C (+)= op(A) * op(B) on row-major float arrays through the
 * {@link Sgemm} micro-kernels, for callers outside this package (training's backward passes);
 * callers split the work between threads themselves. A is packed into panels of
 * {@link Sgemm#MR} rows and B into panels of {@link Sgemm#NR} columns straight from either
 * layout; the tiles are computed into a padded buffer and added to (or stored into) C. The
 * buffers are kept per thread and reused.
 */
public final class Gemm {
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
            for (int kk = 0; kk < k; kk++) {
                int dst = base + kk * width, from = off + r0 * rowStride + kk * stepStride;
                if (rowStride == 1) {
                    System.arraycopy(src, from, packed, dst, count);
                } else {
                    for (int r = 0; r < count; r++) {
                        packed[dst + r] = src[from + r * rowStride];
                    }
                }
                for (int r = count; r < width; r++) {
                    packed[dst + r] = 0f;
                }
            }
        }
    }
}
