package io.cnnkit.exec.io;

import static io.cnnkit.exec.io.TorchFixturesTest.fixture;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cnnkit.analyzer.Analyzer;
import io.cnnkit.compiler.CnnCompiler;
import io.cnnkit.compiler.graph.NetworkGraph;
import io.cnnkit.exec.Executor;
import io.cnnkit.exec.Tensor;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Whole networks equal PyTorch: the fixtures of scripts/make_torch_fixtures.py (LeNet-5, a reduced
 * ResNet, a reduced Inception), compiled from their .cnn source, with PyTorch's state_dict loaded
 * strictly, run by the {@link Executor} on PyTorch's input batch. The error of each output element
 * is measured relative to the output's largest magnitude (per-element relative error is
 * meaningless for values near zero) and must stay within 1e-4.
 */
class PyTorchEquivalenceTest {
    static final double MAX_RELATIVE_ERROR = 1e-4;

    @ParameterizedTest(name = "{0} on {1} threads")
    @CsvSource({"lenet5, 1", "lenet5, 2", "resnet_mini, 1", "resnet_mini, 2", "inception_mini, 1", "inception_mini, 2",
        "mobile_mini, 1", "mobile_mini, 2", "shuffle_mini, 1", "shuffle_mini, 2"})
    void executorMatchesPyTorch(String name, int threads) {
        NetworkGraph graph = CnnCompiler.compile(fixture(name + ".cnn")).graphOrThrow();
        Weights weights = Weights.load(fixture(name + ".weights.safetensors"),
                ParamRequirement.of(Analyzer.analyze(graph, 2)));
        Map<String, Tensor> io = SafeTensors.read(fixture(name + ".io.safetensors")).tensors();
        Tensor expected = io.get("output");
        Tensor actual;
        try (Executor executor = new Executor(graph, weights.asMap(), 2, threads)) {
            actual = executor.run(Map.of("image", io.get("input"))).get("logits");
        }
        assertArrayEquals(expected.shape(), actual.shape());
        double scale = 0;
        for (int i = 0; i < expected.size(); i++) {
            scale = Math.max(scale, Math.abs(expected.get(i)));
        }
        double worst = 0;
        for (int i = 0; i < expected.size(); i++) {
            worst = Math.max(worst, Math.abs(actual.get(i) - expected.get(i)) / scale);
        }
        assertTrue(worst <= MAX_RELATIVE_ERROR, name + ": relative error " + worst);
        System.out.printf("%s (%d threads): max relative error %.2e%n", name, threads, worst);
    }
}
