package io.cnnkit.exec.kernel;

/**
 * A general single-threaded C (+)= op(A) * op(B) on row-major float arrays through the
 * {@link Sgemm} micro-kernels, for callers outside this package (training's backward passes);
 * callers split the work between threads themselves. A is packed into panels of
 * {@link Sgemm#MR} rows and B into panels of {@link Sgemm#NR} columns; the tiles are computed into
 * a padded buffer and added to (or stored into) C.
 */
public final class Gemm {
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
        // packPanels reads row-major [rows x k]: A as is, B as its transpose [n x k].
        float[] rowsA = transA ? transpose(a, aOff, k, m) : slice(a, aOff, m * k);
        float[] rowsB = transB ? slice(b, bOff, n * k) : transpose(b, bOff, k, n);
        float[] packedA = Sgemm.packPanels(rowsA, 1, m, k, mr);
        float[] packedB = Sgemm.packPanels(rowsB, 1, n, k, nr);
        int mPanels = (m + mr - 1) / mr, nPanels = (n + nr - 1) / nr;
        int ldc = nPanels * nr;
        float[] tiles = Align.floats(mPanels * mr * ldc);
        boolean scalar = Boolean.getBoolean(KernelOptions.SCALAR_PROPERTY);
        for (int p = 0; p < mPanels; p++) {
            int aAt = Sgemm.panelAt(0, p, 0, k, k, mPanels, mr);
            for (int q = 0; q < nPanels; q++) {
                int bAt = Sgemm.panelAt(0, q, 0, k, k, nPanels, nr);
                Sgemm.tile(scalar, shape, packedA, aAt, packedB, bAt, k, tiles, Align.FLOATS + p * mr * ldc + q * nr,
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

    private static float[] slice(float[] x, int off, int len) {
        return off == 0 && x.length == len ? x : java.util.Arrays.copyOfRange(x, off, off + len);
    }

    /** [rows x cols] at off into a new [cols x rows]. */
    private static float[] transpose(float[] x, int off, int rows, int cols) {
        float[] t = new float[rows * cols];
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < cols; j++) {
                t[j * rows + r] = x[off + r * cols + j];
            }
        }
        return t;
    }
}
