package io.cnnkit.exec.kernel;

import io.cnnkit.compiler.op.Op;
import io.cnnkit.exec.Tensor;
import java.util.Map;
import java.util.Optional;

/**
 * Operators folded into a convolution (or dense) kernel: a following batchnorm and a per-channel
 * scale (both folded into the weights at preparation, in that order), then an optional residual
 * add (the kernel's second input), then an activation, in that order. {@code scale} holds the
 * scale layer's factors, one per output channel.
 */
public record Fusion(Optional<Op.BatchNorm> batchNorm, Map<String, Tensor> batchNormParams, Optional<Tensor> scale,
                     boolean residual, Activation activation) {
    public static final Fusion NONE = new Fusion(Optional.empty(), Map.of(), Optional.empty(), false,
            Activation.NONE);

    public Fusion {
        batchNormParams = Map.copyOf(batchNormParams);
    }

    public Fusion withBatchNorm(Op.BatchNorm bn, Map<String, Tensor> params) {
        return new Fusion(Optional.of(bn), params, scale, residual, activation);
    }

    /** A {@code scale} layer's factors (any shape holding one per output channel), after any batchnorm. */
    public Fusion withScale(Tensor factors) {
        return new Fusion(batchNorm, batchNormParams, Optional.of(factors), residual, activation);
    }

    public Fusion withResidual() {
        return new Fusion(batchNorm, batchNormParams, scale, true, activation);
    }

    public Fusion withActivation(Activation a) {
        return new Fusion(batchNorm, batchNormParams, scale, residual, a);
    }

    public boolean isNone() {
        return batchNorm.isEmpty() && scale.isEmpty() && !residual && activation.kind() == Activation.Kind.NONE;
    }
}
