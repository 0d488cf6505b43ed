package io.cnnkit.train.grad;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cnnkit.compiler.CnnCompiler;
import io.cnnkit.compiler.graph.Layer;
import io.cnnkit.compiler.graph.NetworkGraph;
import io.cnnkit.compiler.op.Op;
import io.cnnkit.exec.Tensor;
import io.cnnkit.exec.io.SafeTensors;
import io.cnnkit.exec.kernel.ReferenceKernels;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every operator's reference backward equals PyTorch's autograd (scripts/make_train_fixtures.py):
 * input and parameter gradients, and batchnorm's updated running statistics, within 1e-4 of the
 * largest magnitude of each tensor.
 */
class ReferenceBackwardTest {
    static final double TOLERANCE = 1e-4;

    static Stream<String> cases() {
        return Stream.of("conv_groups", "conv_depthwise", "conv_dense", "maxpool_ceil_ties", "maxpool_pad_dilation",
                "avgpool_ceil_countpad", "avgpool_ceil_nopad", "globalavgpool", "globalmaxpool_ties", "dense_vector",
                "flatten", "relu", "relu6", "leakyrelu", "tanh", "sigmoid", "softmax_map",
                "softmax_vector", "lrn_odd", "lrn_even", "batchnorm_train", "dropout", "zeropad", "concat", "add",
                "silu", "hardsigmoid", "hardswish", "gelu", "gelu_tanh", "mul_se", "mul_same", "adaptiveavgpool",
                "adaptivemaxpool_ties", "slice", "channel_shuffle", "layernorm", "layernorm_vector", "scale", "linear");
    }

    /** A fixture case: the layer 'l' of its network, its inputs and parameters, and PyTorch's tensors. */
    record Case(Op op, List<Tensor> inputs, Map<String, Tensor> params, Map<String, Tensor> tensors) {
        static Case load(String name) {
            SafeTensors.Contents contents = SafeTensors.read(fixture("grads/" + name + ".safetensors"));
            NetworkGraph graph = CnnCompiler.compileString(name + ".cnn", contents.metadata().get("source"))
                    .graphOrThrow();
            Layer layer = graph.layer("l").orElseThrow();
            Map<String, Tensor> tensors = contents.tensors();
            List<Tensor> inputs = new ArrayList<>();
            for (int i = 0; tensors.containsKey("in." + i); i++) {
                inputs.add(tensors.get("in." + i));
            }
            Map<String, Tensor> params = new HashMap<>();
            tensors.forEach((k, v) -> {
                if (k.startsWith("param.")) {
                    params.put(k.substring("param.".length()), v.copy());
                }
            });
            return new Case(layer.op(), inputs, params, tensors);
        }

        /** The training-mode forward, as the trainer runs it. */
        Forward forward() {
            Tensor x = inputs.get(0);
            if (op instanceof Op.BatchNorm bn) {
                Tensor out = Tensor.zeros(x.shape());
                return new Forward(out, TrainingForward.batchNorm(bn, x, params, out));
            }
            if (op instanceof Op.Dropout) {
                Tensor out = Tensor.zeros(x.shape());
                return new Forward(out, TrainingForward.applyDropout(x, tensors.get("mask").toArray(), out));
            }
            return new Forward(ReferenceKernels.run(op, inputs, params), Saved.NONE);
        }
    }

    record Forward(Tensor output, Saved saved) {
    }

    static Path fixture(String name) {
        return Path.of("src/test/resources/fixtures").resolve(name);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesAutograd(String name) {
        Case c = Case.load(name);
        Forward f = c.forward();
        assertClose(name + " output", c.tensors().get("out"), f.output());
        Gradients g = ReferenceBackward.backward(c.op(), c.inputs(), f.output(), c.tensors().get("dy"), c.params(),
                f.saved());
        for (int i = 0; i < c.inputs().size(); i++) {
            assertClose(name + " d input " + i, c.tensors().get("grad.in." + i), g.inputs().get(i));
        }
        int expectedParams = 0;
        for (String k : c.tensors().keySet()) {
            if (k.startsWith("grad.param.")) {
                expectedParams++;
                assertClose(name + " d " + k, c.tensors().get(k), g.params().get(k.substring("grad.param.".length())));
            }
        }
        assertEquals(expectedParams, g.params().size(), name + ": gradients of " + g.params().keySet());
        for (String stat : List.of("running_mean", "running_var")) {
            if (c.tensors().containsKey("after." + stat)) {
                assertClose(name + " " + stat, c.tensors().get("after." + stat), c.params().get(stat));
            }
        }
    }

    static void assertClose(String what, Tensor expected, Tensor actual) {
        assertArrayEquals(expected.shape(), actual.shape(), what + " shape");
        double scale = 1e-12;
        for (int i = 0; i < expected.size(); i++) {
            scale = Math.max(scale, Math.abs(expected.get(i)));
        }
        double worst = 0;
        int at = -1;
        for (int i = 0; i < expected.size(); i++) {
            double e = Math.abs(actual.get(i) - expected.get(i)) / scale;
            if (!(e <= worst)) {
                worst = e;
                at = i;
            }
        }
        final int where = at;
        final double error = worst;
        assertTrue(error <= TOLERANCE, () -> what + ": relative error " + error + " at " + where + " (expected "
                + expected.get(where) + ", got " + actual.get(where) + ")");
    }
}
