package io.cnnkit.train.grad;

import io.cnnkit.exec.Tensor;
import java.util.List;
import java.util.Map;

/**
 * One layer's gradients: of the loss with respect to each of its inputs (in input order) and to
 * each of its trainable parameters, keyed by the parameter's short name ({@code weight}, {@code bias}).
 */
public record Gradients(List<Tensor> inputs, Map<String, Tensor> params) {
    public Gradients {
        inputs = List.copyOf(inputs);
        params = Map.copyOf(params);
    }
}
