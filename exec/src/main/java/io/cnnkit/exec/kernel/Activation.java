package io.cnnkit.exec.kernel;

import io.cnnkit.compiler.op.Op;
import java.util.Optional;

/**
 * An activation that kernels can fuse into their epilogue: the piecewise-linear ones (relu, relu6,
 * leaky relu) and the smooth ones of {@link SmoothActivationKernel} (sigmoid, silu, hardsigmoid,
 * hardswish, gelu), computed with that kernel's formulas.
 */
public record Activation(Kind kind, float alpha) {
    public enum Kind { NONE, RELU, RELU6, LEAKY_RELU, SIGMOID, SILU, HARD_SIGMOID, HARD_SWISH, GELU_ERF, GELU_TANH }

    public static final Activation NONE = new Activation(Kind.NONE, 0f);

    /** The fusable activation for {@code op}, if it is one. */
    public static Optional<Activation> of(Op op) {
        Kind kind = op instanceof Op.Relu ? Kind.RELU
                : op instanceof Op.Relu6 ? Kind.RELU6
                : op instanceof Op.LeakyRelu ? Kind.LEAKY_RELU
                : op instanceof Op.Sigmoid ? Kind.SIGMOID
                : op instanceof Op.Silu ? Kind.SILU
                : op instanceof Op.HardSigmoid ? Kind.HARD_SIGMOID
                : op instanceof Op.HardSwish ? Kind.HARD_SWISH
                : op instanceof Op.Gelu g ? (g.tanh() ? Kind.GELU_TANH : Kind.GELU_ERF)
                : null;
        if (kind == null) {
            return Optional.empty();
        }
        return Optional.of(new Activation(kind, op instanceof Op.LeakyRelu l ? (float) l.alpha() : 0f));
    }

    /** The smooth function this is, or null for the piecewise-linear kinds. */
    SmoothActivationKernel.Kind smooth() {
        return switch (kind) {
            case SIGMOID -> SmoothActivationKernel.Kind.SIGMOID;
            case SILU -> SmoothActivationKernel.Kind.SILU;
            case HARD_SIGMOID -> SmoothActivationKernel.Kind.HARD_SIGMOID;
            case HARD_SWISH -> SmoothActivationKernel.Kind.HARD_SWISH;
            case GELU_ERF -> SmoothActivationKernel.Kind.GELU_ERF;
            case GELU_TANH -> SmoothActivationKernel.Kind.GELU_TANH;
            default -> null;
        };
    }

    public float apply(float v) {
        switch (kind) {
            case NONE: return v;
            case RELU: return Math.max(v, 0f);
            case RELU6: return Math.min(Math.max(v, 0f), 6f);
            case LEAKY_RELU: return v >= 0 ? v : v * alpha;
            default: return SmoothActivationKernel.apply(smooth(), v);
        }
    }
}
