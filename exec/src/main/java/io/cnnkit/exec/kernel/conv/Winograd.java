package io.cnnkit.exec.kernel.conv;

import io.cnnkit.exec.kernel.Align;
import io.cnnkit.exec.kernel.Simd;
import io.cnnkit.exec.kernel.gemm.Sgemm;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Winograd's minimal filtering algorithms F(m x m, 3 x 3) (Lavin and Gray, "Fast Algorithms for
 * Convolutional Neural Networks", 2016): an m x m output tile of a 3x3 stride-1 convolution is
 * Y = A^T [(G g G^T) .* (B^T d B)] A from an alpha x alpha input tile d (alpha = m + 2), with alpha^2
 * multiplies instead of 9 m^2. F(2,3) (alpha 4) has coefficients 0, +-1 and +-1/2 (exact in float);
 * F(4,3) (alpha 6) has coefficients up to 8 and 1/24, and a larger rounding error.
 *
 * <p>The 2-D transforms are applied as two passes of a 1-D transform, each over {@code n} tiles at
 * once (one vector lane per tile): {@link #input} computes the alpha values B^T x from alpha rows
 * {@code src[base + offsets[i] + j]}, {@link #output} the m values A^T x; results go to
 * {@code dst[dBase + i * dStride + j]}. The vector forms are written out per m (a FloatVector passed
 * between methods is boxed on JDK 17); the scalar forms apply the matrices and are the forced-scalar path.
 *
 * <p>Public for training's weight gradient, which runs the same algorithm backwards: since Y is
 * linear in g, dL/dg = G^T [(A dY A^T) .* (B^T d B)] G summed over tiles ({@link #outputTransposed},
 * {@link #filterGradient}).
 */
public final class Winograd {
    private static final VectorSpecies<Float> S = Simd.S;
    /** The filter transform's doubles (its results do not depend on the lanes). */
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;

    /** Output tile sizes supported. */
    public static final int F2 = 2, F4 = 4;

    private static final float[][] BT2 = {
        {1, 0, -1, 0},
        {0, 1, 1, 0},
        {0, -1, 1, 0},
        {0, 1, 0, -1}};
    private static final double[][] G2 = {
        {1, 0, 0},
        {0.5, 0.5, 0.5},
        {0.5, -0.5, 0.5},
        {0, 0, 1}};
    private static final float[][] AT2 = {
        {1, 1, 1, 0},
        {0, 1, -1, -1}};

    private static final float[][] BT4 = {
        {4, 0, -5, 0, 1, 0},
        {0, -4, -4, 1, 1, 0},
        {0, 4, -4, -1, 1, 0},
        {0, -2, -1, 2, 1, 0},
        {0, 2, -1, -2, 1, 0},
        {0, 4, 0, -5, 0, 1}};
    private static final double[][] G4 = {
        {1 / 4.0, 0, 0},
        {-1 / 6.0, -1 / 6.0, -1 / 6.0},
        {-1 / 6.0, 1 / 6.0, -1 / 6.0},
        {1 / 24.0, 1 / 12.0, 1 / 6.0},
        {1 / 24.0, -1 / 12.0, 1 / 6.0},
        {0, 0, 1}};
    private static final float[][] AT4 = {
        {1, 1, 1, 1, 1, 0},
        {0, 1, -1, 2, -2, 0},
        {0, 1, 1, 4, 4, 0},
        {0, 1, -1, 8, -8, 1}};

    /** Filter columns transformed together: their share of a panel's u (alpha^2 x 128 x 12 floats) stays in L2. */
    private static final int FILTER_COLUMNS = 128;

    private Winograd() {
    }

    public static int alpha(int m) {
        return m + 2;
    }

    /**
     * Filters [rows, cols, 3, 3] (row-major) into transform space: u[(xi * rows + r) * cols + c] =
     * (G g G^T)[xi / alpha][xi % alpha], computed in double and rounded once.
     */
    static float[] transformFilters(float[] g, int rows, int cols, int m) {
        int alpha = alpha(m);
        float[] u = new float[alpha * alpha * rows * cols];
        transformFilters(g, rows, cols, m, u, 0);
        return u;
    }

    /**
     * {@link #transformFilters} straight into {@link Sgemm#packPanels}' whole-panel layout of
     * {@code width} rows, the same floats without the plain array and the pass that packs it.
     */
    static float[] packedFilters(float[] g, int rows, int cols, int m, int width) {
        return packedFilters(g, rows, cols, m, width, null);
    }

    /**
     * As above, into {@code into} when it is the packed filters of the same rows, cols, m and width
     * (a kernel's that is no longer run): every value is rewritten, the panels' padding rows stay
     * zero, and the allocation of up to 17 MB a layer is saved; null or another size: a new array.
     */
    static float[] packedFilters(float[] g, int rows, int cols, int m, int width, float[] into) {
        int alpha = alpha(m);
        int n = alpha * alpha * ((rows + width - 1) / width) * cols * width;
        float[] packed = into != null && into.length == Align.FLOATS + n ? into : Align.floats(n);
        transformFilters(g, rows, cols, m, packed, width);
        return packed;
    }

    /** Into {@code u} plain ({@code width} 0) or packed in panels of {@code width} rows. */
    private static void transformFilters(float[] g, int rows, int cols, int m, float[] u, int width) {
        double[][] gm = m == F2 ? G2 : G4;
        int alpha = alpha(m);
        int panels = width == 0 ? 0 : (rows + width - 1) / width, step = width == 0 ? 1 : width;
        // One output row r at a time with the filters' columns c innermost: the taps are first
        // transposed to tap-major planes, so every pass below reads and writes along c, in double
        // vectors, with the same operations in the same order per filter as G g G^T one filter at
        // a time (a multiply and an add, never fused), hence the same bits; rounded to float as
        // they are stored. The rows of one panel (adjacent floats of u) over a block of columns at
        // a time, so that the block's lines of u are completed while they are in cache (512x512
        // filters: 15 ms against 19 row by row).
        int group = Math.max(1, width), block = Math.min(cols, FILTER_COLUMNS);
        double[] taps = new double[9 * block];
        double[] gg = new double[alpha * 3 * block], row = new double[block];
        for (int r0 = 0; r0 < rows; r0 += group) {
            for (int c0 = 0; c0 < cols; c0 += block) {
                int n = Math.min(block, cols - c0);
                for (int r = r0; r < Math.min(rows, r0 + group); r++) {
                    int base = (r * cols + c0) * 9;
                    for (int c = 0; c < n; c++) {
                        for (int t = 0; t < 9; t++) {
                            taps[t * block + c] = g[base + c * 9 + t];
                        }
                    }
                    for (int i = 0; i < alpha; i++) {
                        for (int kx = 0; kx < 3; kx++) {
                            combine(taps, kx * block, (3 + kx) * block, (6 + kx) * block, gm[i], gg,
                                    (i * 3 + kx) * block, n);
                        }
                    }
                    for (int i = 0; i < alpha; i++) {
                        int a0 = (i * 3) * block;
                        for (int k = 0; k < alpha; k++) {
                            int xi = i * alpha + k;
                            int dst = (width == 0 ? (xi * rows + r) * cols
                                    : Sgemm.panelAt(xi, r / width, 0, cols, cols, panels, width) + r % width)
                                    + c0 * step;
                            combine(gg, a0, a0 + block, a0 + 2 * block, gm[k], row, 0, n);
                            for (int c = 0; c < n; c++) {
                                u[dst + c * step] = (float) row[c];
                            }
                        }
                    }
                }
            }
        }
    }

    /** out[o + c] = 0.0 + h[0] * x[a + c] + h[1] * x[b + c] + h[2] * x[d + c] for c < n, in this order. */
    private static void combine(double[] x, int a, int b, int d, double[] h, double[] out, int o, int n) {
        double h0 = h[0], h1 = h[1], h2 = h[2];
        int c = 0;
        for (int end = n - n % D.length(); c < end; c += D.length()) {
            DoubleVector.zero(D).add(DoubleVector.fromArray(D, x, a + c).mul(h0))
                    .add(DoubleVector.fromArray(D, x, b + c).mul(h1))
                    .add(DoubleVector.fromArray(D, x, d + c).mul(h2)).intoArray(out, o + c);
        }
        for (; c < n; c++) {
            out[o + c] = 0.0 + h0 * x[a + c] + h1 * x[b + c] + h2 * x[d + c];
        }
    }

    /** alpha values of B^T x per tile; {@code n} a multiple of the vector length on the vector path. */
    public static void input(int m, boolean scalar, float[] src, int base, int[] offsets, float[] dst, int dBase, int dStride,
                      int n) {
        transform(true, m, scalar, src, base, offsets, dst, dBase, dStride, n);
    }

    /** m values of A^T x per tile; {@code n} a multiple of the vector length on the vector path. */
    static void output(int m, boolean scalar, float[] src, int base, int[] offsets, float[] dst, int dBase, int dStride,
                       int n) {
        transform(false, m, scalar, src, base, offsets, dst, dBase, dStride, n);
    }

    /**
     * alpha values of A x per tile from m rows {@code src[base + offsets[i] + j]} (i < m), the
     * transpose of {@link #output}: an output gradient's m x m tile into transform space, A dY A^T
     * in two passes. {@code n} a multiple of the vector length on the vector path.
     */
    public static void outputTransposed(int m, boolean scalar, float[] src, int base, int[] offsets, float[] dst,
                                        int dBase, int dStride, int n) {
        if (scalar) {
            float[][] at = m == F2 ? AT2 : AT4;
            float[][] a = new float[at[0].length][at.length];
            for (int i = 0; i < at.length; i++) {
                for (int k = 0; k < at[0].length; k++) {
                    a[k][i] = at[i][k];
                }
            }
            apply(a, src, base, offsets, dst, dBase, dStride, n);
        } else if (m == F2) {
            outputTransposed4(src, base, offsets, dst, dBase, dStride, n);
        } else {
            outputTransposed6(src, base, offsets, dst, dBase, dStride, n);
        }
    }

    /**
     * G^T s G for {@code n} alpha x alpha sums s (element xi of sum j at {@code s[sBase + xi * sStride + j]}):
     * the 3x3 filter gradients, computed in double and rounded once, into
     * {@code dw[dwBase + j * dwStride + ky * 3 + kx]}. The passes run along j, over contiguous rows of s.
     */
    public static void filterGradient(int m, double[] s, int sBase, int sStride, int n, float[] dw, int dwBase,
                                      int dwStride) {
        double[][] gm = m == F2 ? G2 : G4;
        int alpha = alpha(m);
        double[] half = new double[alpha * 3 * n], out = new double[n];
        // half[i][kx] = (s G)[i][kx]
        for (int i = 0; i < alpha; i++) {
            for (int kx = 0; kx < 3; kx++) {
                int h = (i * 3 + kx) * n;
                for (int k = 0; k < alpha; k++) {
                    double gk = gm[k][kx];
                    if (gk == 0) {
                        continue;
                    }
                    int row = sBase + (i * alpha + k) * sStride;
                    for (int j = 0; j < n; j++) {
                        half[h + j] += s[row + j] * gk;
                    }
                }
            }
        }
        for (int ky = 0; ky < 3; ky++) {
            for (int kx = 0; kx < 3; kx++) {
                java.util.Arrays.fill(out, 0.0);
                for (int i = 0; i < alpha; i++) {
                    double gi = gm[i][ky];
                    int h = (i * 3 + kx) * n;
                    for (int j = 0; j < n && gi != 0; j++) {
                        out[j] += gi * half[h + j];
                    }
                }
                for (int j = 0; j < n; j++) {
                    dw[dwBase + j * dwStride + ky * 3 + kx] = (float) out[j];
                }
            }
        }
    }

    private static void transform(boolean input, int m, boolean scalar, float[] src, int base, int[] offsets,
                                  float[] dst, int dBase, int dStride, int n) {
        if (scalar) {
            float[][] matrix = input ? (m == F2 ? BT2 : BT4) : (m == F2 ? AT2 : AT4);
            apply(matrix, src, base, offsets, dst, dBase, dStride, n);
        } else if (m == F2) {
            if (input) {
                input4(src, base, offsets, dst, dBase, dStride, n);
            } else {
                output4(src, base, offsets, dst, dBase, dStride, n);
            }
        } else if (input) {
            input6(src, base, offsets, dst, dBase, dStride, n);
        } else {
            output6(src, base, offsets, dst, dBase, dStride, n);
        }
    }

    /** dst_i = sum_k matrix[i][k] * src_k, lane by lane: the scalar path. */
    private static void apply(float[][] matrix, float[] src, int base, int[] offsets, float[] dst, int dBase,
                              int dStride, int n) {
        for (int j = 0; j < n; j++) {
            for (int i = 0; i < matrix.length; i++) {
                float s = 0;
                for (int k = 0; k < offsets.length; k++) {
                    s += matrix[i][k] * src[base + offsets[k] + j];
                }
                dst[dBase + i * dStride + j] = s;
            }
        }
    }

    private static void input4(float[] src, int base, int[] o, float[] dst, int d, int ds, int n) {
        int o0 = base + o[0], o1 = base + o[1], o2 = base + o[2], o3 = base + o[3];
        for (int j = 0; j < n; j += S.length()) {
            FloatVector x0 = FloatVector.fromArray(S, src, o0 + j);
            FloatVector x1 = FloatVector.fromArray(S, src, o1 + j);
            FloatVector x2 = FloatVector.fromArray(S, src, o2 + j);
            FloatVector x3 = FloatVector.fromArray(S, src, o3 + j);
            x0.sub(x2).intoArray(dst, d + j);
            x1.add(x2).intoArray(dst, d + ds + j);
            x2.sub(x1).intoArray(dst, d + 2 * ds + j);
            x1.sub(x3).intoArray(dst, d + 3 * ds + j);
        }
    }

    private static void output4(float[] src, int base, int[] o, float[] dst, int d, int ds, int n) {
        int o0 = base + o[0], o1 = base + o[1], o2 = base + o[2], o3 = base + o[3];
        for (int j = 0; j < n; j += S.length()) {
            FloatVector x0 = FloatVector.fromArray(S, src, o0 + j);
            FloatVector x1 = FloatVector.fromArray(S, src, o1 + j);
            FloatVector x2 = FloatVector.fromArray(S, src, o2 + j);
            FloatVector x3 = FloatVector.fromArray(S, src, o3 + j);
            x0.add(x1).add(x2).intoArray(dst, d + j);
            x1.sub(x2).sub(x3).intoArray(dst, d + ds + j);
        }
    }

    /** The rows of BT4, grouped as in NNPACK: 16 adds and 8 multiplies per tile. */
    private static void input6(float[] src, int base, int[] o, float[] dst, int d, int ds, int n) {
        int o0 = base + o[0], o1 = base + o[1], o2 = base + o[2], o3 = base + o[3], o4 = base + o[4], o5 = base + o[5];
        FloatVector four = FloatVector.broadcast(S, 4f), minusFour = FloatVector.broadcast(S, -4f);
        FloatVector minusFive = FloatVector.broadcast(S, -5f), two = FloatVector.broadcast(S, 2f);
        for (int j = 0; j < n; j += S.length()) {
            FloatVector x0 = FloatVector.fromArray(S, src, o0 + j);
            FloatVector x1 = FloatVector.fromArray(S, src, o1 + j);
            FloatVector x2 = FloatVector.fromArray(S, src, o2 + j);
            FloatVector x3 = FloatVector.fromArray(S, src, o3 + j);
            FloatVector x4 = FloatVector.fromArray(S, src, o4 + j);
            FloatVector x5 = FloatVector.fromArray(S, src, o5 + j);
            FloatVector t1 = x2.fma(minusFour, x4);
            FloatVector t2 = x1.fma(minusFour, x3);
            FloatVector t3 = x4.sub(x2);
            FloatVector t4 = x3.sub(x1).mul(two);
            x0.fma(four, x2.fma(minusFive, x4)).intoArray(dst, d + j);
            t1.add(t2).intoArray(dst, d + ds + j);
            t1.sub(t2).intoArray(dst, d + 2 * ds + j);
            t3.add(t4).intoArray(dst, d + 3 * ds + j);
            t3.sub(t4).intoArray(dst, d + 4 * ds + j);
            x1.fma(four, x3.fma(minusFive, x5)).intoArray(dst, d + 5 * ds + j);
        }
    }

    private static void output6(float[] src, int base, int[] o, float[] dst, int d, int ds, int n) {
        int o0 = base + o[0], o1 = base + o[1], o2 = base + o[2], o3 = base + o[3], o4 = base + o[4], o5 = base + o[5];
        FloatVector two = FloatVector.broadcast(S, 2f), four = FloatVector.broadcast(S, 4f);
        FloatVector eight = FloatVector.broadcast(S, 8f);
        for (int j = 0; j < n; j += S.length()) {
            FloatVector x0 = FloatVector.fromArray(S, src, o0 + j);
            FloatVector x1 = FloatVector.fromArray(S, src, o1 + j);
            FloatVector x2 = FloatVector.fromArray(S, src, o2 + j);
            FloatVector x3 = FloatVector.fromArray(S, src, o3 + j);
            FloatVector x4 = FloatVector.fromArray(S, src, o4 + j);
            FloatVector x5 = FloatVector.fromArray(S, src, o5 + j);
            FloatVector sum12 = x1.add(x2), diff12 = x1.sub(x2);
            FloatVector sum34 = x3.add(x4), diff34 = x3.sub(x4);
            x0.add(sum12).add(sum34).intoArray(dst, d + j);
            diff34.fma(two, diff12).intoArray(dst, d + ds + j);
            sum34.fma(four, sum12).intoArray(dst, d + 2 * ds + j);
            diff34.fma(eight, diff12).add(x5).intoArray(dst, d + 3 * ds + j);
        }
    }

    /** The columns of AT2: y0, y0 + y1, y0 - y1, -y1. */
    private static void outputTransposed4(float[] src, int base, int[] o, float[] dst, int d, int ds, int n) {
        int o0 = base + o[0], o1 = base + o[1];
        for (int j = 0; j < n; j += S.length()) {
            FloatVector y0 = FloatVector.fromArray(S, src, o0 + j);
            FloatVector y1 = FloatVector.fromArray(S, src, o1 + j);
            y0.intoArray(dst, d + j);
            y0.add(y1).intoArray(dst, d + ds + j);
            y0.sub(y1).intoArray(dst, d + 2 * ds + j);
            y1.neg().intoArray(dst, d + 3 * ds + j);
        }
    }

    /** The columns of AT4, even and odd terms shared: y0, (y0 + y2) +- (y1 + y3), (y0 + 4 y2) +- (2 y1 + 8 y3), y3. */
    private static void outputTransposed6(float[] src, int base, int[] o, float[] dst, int d, int ds, int n) {
        int o0 = base + o[0], o1 = base + o[1], o2 = base + o[2], o3 = base + o[3];
        FloatVector two = FloatVector.broadcast(S, 2f), four = FloatVector.broadcast(S, 4f);
        for (int j = 0; j < n; j += S.length()) {
            FloatVector y0 = FloatVector.fromArray(S, src, o0 + j);
            FloatVector y1 = FloatVector.fromArray(S, src, o1 + j);
            FloatVector y2 = FloatVector.fromArray(S, src, o2 + j);
            FloatVector y3 = FloatVector.fromArray(S, src, o3 + j);
            FloatVector even = y0.add(y2), odd = y1.add(y3);
            FloatVector even4 = y2.fma(four, y0), odd4 = y3.fma(four, y1).mul(two);
            y0.intoArray(dst, d + j);
            even.add(odd).intoArray(dst, d + ds + j);
            even.sub(odd).intoArray(dst, d + 2 * ds + j);
            even4.add(odd4).intoArray(dst, d + 3 * ds + j);
            even4.sub(odd4).intoArray(dst, d + 4 * ds + j);
            y3.intoArray(dst, d + 5 * ds + j);
        }
    }
}
