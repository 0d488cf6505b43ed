package io.cnnkit.exec.kernel;

import io.cnnkit.compiler.op.Op;
import java.util.Optional;

/** A piecewise-linear activation that kernels can fuse into their epilogue. */
public record Activation(Kind kind, float alpha) {
    public enum Kind { NONE, RELU, RELU6, LEAKY_RELU }

    public static final Activation NONE = new Activation(Kind.NONE, 0f);

    /** The fusable activation for {@code op}, if it is one. */
    public static Optional<Activation> of(Op op) {
        if (op instanceof Op.Relu) {
            return Optional.of(new Activation(Kind.RELU, 0f));
        } else if (op instanceof Op.Relu6) {
            return Optional.of(new Activation(Kind.RELU6, 0f));
        } else if (op instanceof Op.LeakyRelu l) {
            return Optional.of(new Activation(Kind.LEAKY_RELU, (float) l.alpha()));
        }
        return Optional.empty();
    }

    public float apply(float v) {
        switch (kind) {
            case RELU: return Math.max(v, 0f);
            case RELU6: return Math.min(Math.max(v, 0f), 6f);
            case LEAKY_RELU: return v >= 0 ? v : v * alpha;
            default: return v;
        }
    }
}
