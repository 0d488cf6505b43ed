package io.cnnkit.exec.kernel;

import io.cnnkit.exec.Tensor;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The activations of the mobile and ConvNeXt networks, a vector at a time: sigmoid, silu,
 * hardsigmoid, hardswish and gelu (exact and tanh); {@link Epilogue} applies the same formulas
 * when one is fused into the convolution that produces its input. Element-wise, so it may run in place. The exact gelu uses
 * Abramowitz and Stegun's erf (7.1.26, absolute error below 1.5e-7), since the Vector API has no
 * erf; the scalar path computes the same formulas, for the tails and for {@code scalar} runs.
 */
record SmoothActivationKernel(Kind kind, int[] outputShape, boolean scalar) implements Kernel {
    private static final VectorSpecies<Float> S = Simd.S;
    /** Elements per parallel work item. */
    private static final int CHUNK = 1 << 14;
    private static final float SQRT_HALF = 0.70710678f;
    private static final float TANH_SCALE = 0.7978845608f; // sqrt(2 / pi)
    private static final float TANH_CUBIC = 0.044715f;
    private static final float P = 0.3275911f;
    private static final float A1 = 0.254829592f, A2 = -0.284496736f, A3 = 1.421413741f, A4 = -1.453152027f,
            A5 = 1.061405429f;

    enum Kind { SIGMOID, SILU, HARD_SIGMOID, HARD_SWISH, GELU_ERF, GELU_TANH }

    @Override
    public boolean inPlace() {
        return true;
    }

    @Override
    public void run(Tensor[] inputs, Tensor output, Workspace ws) {
        Tensor x = inputs[0];
        int size = output.size();
        Parallel.forRange(ws, (size + CHUNK - 1) / CHUNK, CHUNK, (slot, from, to) -> {
            float[] in = x.data(), out = output.data();
            int i = from * CHUNK, end = Math.min(size, to * CHUNK);
            if (!scalar) {
                for (; i + S.length() <= end; i += S.length()) {
                    apply(kind, FloatVector.fromArray(S, in, x.offset() + i)).intoArray(out, output.offset() + i);
                }
            }
            for (; i < end; i++) {
                out[output.offset() + i] = apply(kind, in[x.offset() + i]);
            }
        });
    }

    static FloatVector apply(Kind kind, FloatVector v) {
        return switch (kind) {
            case SIGMOID -> FloatVector.broadcast(S, 1f).div(v.neg().lanewise(VectorOperators.EXP).add(1f));
            case SILU -> v.div(v.neg().lanewise(VectorOperators.EXP).add(1f));
            case HARD_SIGMOID -> hardSigmoid(v);
            case HARD_SWISH -> v.mul(hardSigmoid(v));
            case GELU_ERF -> v.mul(erf(v.mul(SQRT_HALF)).add(1f)).mul(0.5f);
            case GELU_TANH -> v.mul(v.mul(v).mul(TANH_CUBIC).add(1f).mul(v).mul(TANH_SCALE)
                    .lanewise(VectorOperators.TANH).add(1f)).mul(0.5f);
        };
    }

    static float apply(Kind kind, float v) {
        return switch (kind) {
            case SIGMOID -> 1f / ((float) Math.exp(-v) + 1f);
            case SILU -> v / ((float) Math.exp(-v) + 1f);
            case HARD_SIGMOID -> hardSigmoid(v);
            case HARD_SWISH -> v * hardSigmoid(v);
            case GELU_ERF -> v * (erf(v * SQRT_HALF) + 1f) * 0.5f;
            case GELU_TANH -> v * ((float) Math.tanh((v * v * TANH_CUBIC + 1f) * v * TANH_SCALE) + 1f) * 0.5f;
        };
    }

    /** relu6(x + 3) / 6, as PyTorch computes it (a NaN stays NaN). */
    private static FloatVector hardSigmoid(FloatVector v) {
        return v.add(3f).max(0f).min(6f).div(6f);
    }

    private static float hardSigmoid(float v) {
        return Math.min(Math.max(v + 3f, 0f), 6f) / 6f;
    }

    private static FloatVector erf(FloatVector v) {
        FloatVector a = v.abs();
        FloatVector one = FloatVector.broadcast(S, 1f);
        FloatVector t = one.div(a.mul(P).add(1f));
        FloatVector poly = t.mul(A5).add(A4).mul(t).add(A3).mul(t).add(A2).mul(t).add(A1).mul(t);
        FloatVector e = one.sub(poly.mul(a.mul(a).neg().lanewise(VectorOperators.EXP)));
        return e.blend(e.neg(), v.compare(VectorOperators.LT, 0f));
    }

    private static float erf(float v) {
        float a = Math.abs(v);
        float t = 1f / (a * P + 1f);
        float poly = ((((A5 * t + A4) * t + A3) * t + A2) * t + A1) * t;
        float e = 1f - poly * (float) Math.exp(-a * a);
        return v < 0 ? -e : e;
    }
}
