package io.cnnkit.exec.kernel;

import io.cnnkit.compiler.op.Op;
import io.cnnkit.exec.Tensor;
import java.util.Map;
import java.util.Optional;

/**
 * Operators folded into a convolution (or dense) kernel: a following batchnorm (folded into the
 * weights at preparation), then an optional residual add (the kernel's second input), then an
 * activation, in that order.
 */
public record Fusion(Optional<Op.BatchNorm> batchNorm, Map<String, Tensor> batchNormParams,
                     boolean residual, Activation activation) {
    public static final Fusion NONE = new Fusion(Optional.empty(), Map.of(), false, Activation.NONE);

    public Fusion {
        batchNormParams = Map.copyOf(batchNormParams);
    }

    public Fusion withBatchNorm(Op.BatchNorm bn, Map<String, Tensor> params) {
        return new Fusion(Optional.of(bn), params, residual, activation);
    }

    public Fusion withResidual() {
        return new Fusion(batchNorm, batchNormParams, true, activation);
    }

    public Fusion withActivation(Activation a) {
        return new Fusion(batchNorm, batchNormParams, residual, a);
    }

    public boolean isNone() {
        return batchNorm.isEmpty() && !residual && activation.kind() == Activation.Kind.NONE;
    }
}
