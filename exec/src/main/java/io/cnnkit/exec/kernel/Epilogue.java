package io.cnnkit.exec.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The fused tail of a conv or dense kernel, applied to a run of outputs of one channel while they
 * are still in cache: y = act(y + bias + residual).
 */
final class Epilogue {
    private static final VectorSpecies<Float> S = Simd.S;

    private final Activation activation;
    private final boolean scalar;

    Epilogue(Activation activation, boolean scalar) {
        this.activation = activation;
        this.scalar = scalar;
    }

    /** In place on c[at, at + len); {@code res} is null without a residual. */
    void apply(float[] c, int at, int len, float bias, float[] res, int resAt) {
        apply(c, at, c, at, len, bias, res, resAt);
    }

    /** c[at + i] = act(src[srcAt + i] + bias + res[resAt + i]): a tile's row stored through the epilogue. */
    void apply(float[] src, int srcAt, float[] c, int at, int len, float bias, float[] res, int resAt) {
        int i = 0;
        if (!scalar) {
            FloatVector zero = FloatVector.zero(S);
            FloatVector six = FloatVector.broadcast(S, 6f);
            FloatVector bv = FloatVector.broadcast(S, bias);
            for (; i <= len - S.length(); i += S.length()) {
                FloatVector v = FloatVector.fromArray(S, src, srcAt + i).add(bv);
                if (res != null) {
                    v = v.add(FloatVector.fromArray(S, res, resAt + i));
                }
                switch (activation.kind()) {
                    case RELU -> v = v.max(zero);
                    case RELU6 -> v = v.max(zero).min(six);
                    case LEAKY_RELU -> v = v.blend(v.mul(activation.alpha()), v.compare(VectorOperators.LT, 0f));
                    default -> { }
                }
                v.intoArray(c, at + i);
            }
        }
        for (; i < len; i++) {
            float v = src[srcAt + i] + bias;
            if (res != null) {
                v += res[resAt + i];
            }
            c[at + i] = activation.apply(v);
        }
    }
}
