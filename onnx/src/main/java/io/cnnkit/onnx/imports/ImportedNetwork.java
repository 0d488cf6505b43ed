package io.cnnkit.onnx.imports;

import io.cnnkit.compiler.op.Op;
import io.cnnkit.exec.Tensor;
import java.util.List;
import java.util.Map;

/**
 * A network read from ONNX, before it is written as {@code .cnn}: layers in topological order
 * with dotted names (PyTorch module paths where the model tells them), their inputs by layer
 * name, and their parameters by PyTorch parameter name ({@code weight}, {@code running_mean}, …).
 */
public record ImportedNetwork(String name, List<Layer> layers, List<Output> outputs) {

    /** One layer; {@code shape} is its output shape with a batch of 1. */
    public record Layer(String name, Op op, List<String> inputs, Map<String, Tensor> params, int[] shape) {
        public Layer {
            inputs = List.copyOf(inputs);
            params = Map.copyOf(params);
        }
    }

    /** A graph output and the layer that produces it. */
    public record Output(String name, String layer) {
    }

    public ImportedNetwork {
        layers = List.copyOf(layers);
        outputs = List.copyOf(outputs);
    }
}
