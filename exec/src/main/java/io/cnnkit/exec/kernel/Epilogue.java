package io.cnnkit.exec.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The fused tail of a conv or dense kernel, applied to a run of outputs of one channel while they
 * are still in cache: y = act(y + bias + residual), act any {@link Activation}.
 */
public final class Epilogue {
    private static final VectorSpecies<Float> S = Simd.S;

    private final boolean scalar;
    /**
     * The activation as loop-invariant flags rather than a switch per element: relu clamps below
     * at 0, relu6 also above at 6 (as Math.max, a NaN stays NaN, as in PyTorch), leaky relu scales
     * values below 0 by alpha. (A switch per element made the scalar row ends of the stem's
     * epilogue a quarter of the layer.)
     */
    private final boolean clampLow, clampHigh, leaky;
    private final float alpha;
    /** A smooth activation (silu, gelu, …), vectorised as {@link SmoothActivationKernel} computes it; null if none. */
    private final SmoothActivationKernel.Kind smooth;

    public Epilogue(Activation activation, boolean scalar) {
        Activation.Kind kind = activation.kind();
        this.scalar = scalar;
        this.clampLow = kind == Activation.Kind.RELU || kind == Activation.Kind.RELU6;
        this.clampHigh = kind == Activation.Kind.RELU6;
        this.leaky = kind == Activation.Kind.LEAKY_RELU;
        this.alpha = activation.alpha();
        this.smooth = activation.smooth();
    }

    /** In place on c[at, at + len); {@code res} is null without a residual. */
    public void apply(float[] c, int at, int len, float bias, float[] res, int resAt) {
        apply(c, at, c, at, len, bias, res, resAt);
    }

    /**
     * c[at + i] = act(src[srcAt + i] + bias + res[resAt + i]): a tile's row stored through the
     * epilogue. Unless it works in place (on src or on the residual), a row that does not end on a
     * whole vector ends with a vector overlapping the previous one, which stores the same values
     * again, instead of a scalar loop (runs cut at the output's row ends are mostly such rows).
     */
    public void apply(float[] src, int srcAt, float[] c, int at, int len, float bias, float[] res, int resAt) {
        int i = 0;
        if (!scalar && len >= S.length()) {
            boolean inPlace = (src == c && srcAt == at) || (res == c && resAt == at);
            int end = inPlace ? len - len % S.length() : len;
            FloatVector zero = FloatVector.zero(S), six = FloatVector.broadcast(S, 6f);
            FloatVector bv = FloatVector.broadcast(S, bias);
            for (; i < end; i += S.length()) {
                int j = Math.min(i, len - S.length());
                FloatVector v = FloatVector.fromArray(S, src, srcAt + j).add(bv);
                if (res != null) {
                    v = v.add(FloatVector.fromArray(S, res, resAt + j));
                }
                if (clampLow) {
                    v = v.max(zero);
                }
                if (clampHigh) {
                    v = v.min(six);
                }
                if (leaky) {
                    v = v.blend(v.mul(alpha), v.compare(VectorOperators.LT, 0f));
                }
                if (smooth != null) {
                    v = SmoothActivationKernel.apply(smooth, v);
                }
                v.intoArray(c, at + j);
            }
            i = end;
        }
        for (; i < len; i++) {
            float v = src[srcAt + i] + bias;
            c[at + i] = activate(res == null ? v : v + res[resAt + i]);
        }
    }

    /**
     * A tile of {@code rows} positions x {@code channels} (row-major, rows {@code ldt} apart) to
     * the channel-major output, c[at + j * ldc + r] = act(tile[r][j] + bias[biasAt + j] +
     * res[resAt + j * ldc + r]). Without a residual, bias and activation are applied in place on
     * the tile's vectors first (channels a multiple of the vector length), so that the transposing
     * copy is a plain one; the tile is overwritten.
     */
    public void applyTransposed(float[] tile, int tileAt, int ldt, int rows, int channels, float[] bias, int biasAt,
                         float[] c, int at, int ldc, float[] res, int resAt) {
        if (!scalar && res == null && channels % S.length() == 0) {
            applyInPlace(tile, tileAt, ldt, rows, channels, bias, biasAt);
            for (int j = 0; j < channels; j++) {
                int o = at + j * ldc;
                for (int r = 0; r < rows; r++) {
                    c[o + r] = tile[tileAt + r * ldt + j];
                }
            }
            return;
        }
        for (int j = 0; j < channels; j++) {
            int o = at + j * ldc;
            float b = bias[biasAt + j];
            for (int r = 0; r < rows; r++) {
                float v = tile[tileAt + r * ldt + j] + b;
                c[o + r] = activate(res == null ? v : v + res[resAt + j * ldc + r]);
            }
        }
    }

    /**
     * tile[r][j] = act(tile[r][j] + bias[biasAt + j]) in place on a tile of {@code rows} positions x
     * {@code channels} (row-major, rows {@code ldt} apart, channels a multiple of the vector length).
     */
    public void applyInPlace(float[] tile, int tileAt, int ldt, int rows, int channels, float[] bias, int biasAt) {
        FloatVector zero = FloatVector.zero(S), six = FloatVector.broadcast(S, 6f);
        for (int j = 0; j < channels; j += S.length()) {
            FloatVector bv = FloatVector.fromArray(S, bias, biasAt + j);
            for (int r = 0; r < rows; r++) {
                int t = tileAt + r * ldt + j;
                FloatVector v = FloatVector.fromArray(S, tile, t).add(bv);
                if (clampLow) {
                    v = v.max(zero);
                }
                if (clampHigh) {
                    v = v.min(six);
                }
                if (leaky) {
                    v = v.blend(v.mul(alpha), v.compare(VectorOperators.LT, 0f));
                }
                if (smooth != null) {
                    v = SmoothActivationKernel.apply(smooth, v);
                }
                v.intoArray(tile, t);
            }
        }
    }

    private float activate(float v) {
        if (clampLow) {
            v = Math.max(v, 0f);
        }
        if (clampHigh) {
            v = Math.min(v, 6f);
        }
        if (smooth != null) {
            return SmoothActivationKernel.apply(smooth, v);
        }
        return leaky && v < 0 ? v * alpha : v;
    }
}
