package io.cnnkit.onnx.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cnnkit.analyzer.Analysis;
import io.cnnkit.compiler.graph.Layer;
import io.cnnkit.compiler.graph.NetworkGraph;
import io.cnnkit.compiler.graph.Output;
import io.cnnkit.compiler.op.Op;
import io.cnnkit.exec.Executor;
import io.cnnkit.exec.Tensor;
import io.cnnkit.onnx.ExportOptions;
import io.cnnkit.onnx.OnnxExporter;
import io.cnnkit.onnx.TestModels;
import io.cnnkit.onnx.proto.Onnx.ModelProto;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Exported networks run in ONNX Runtime to the outputs of our executor (max |a-b| / max |b| within
 * 1e-4), for every example network, and for the all-operators network at every supported opset.
 */
class OnnxExporterOrtTest {
    static final double TOLERANCE = 1e-4;

    static Stream<Arguments> examples() {
        return TestModels.all().stream().map(p -> Arguments.of(p, ExportOptions.DEFAULT_OPSET));
    }

    static Stream<Arguments> opsets() {
        return IntStream.rangeClosed(ExportOptions.MIN_OPSET, ExportOptions.MAX_OPSET)
                .mapToObj(v -> Arguments.of(TestModels.OWN.resolve("allops.cnn"), v));
    }

    @ParameterizedTest(name = "{0} at opset {1}")
    @MethodSource({"examples", "opsets"})
    void onnxRuntimeAgreesWithTheExecutor(Path file, int opset) throws Exception {
        NetworkGraph graph = TestModels.compile(file);
        Layer input = graph.inputs().get(0);
        long elements = ((Op.Input) input.op()).shape().elements();
        int batch = elements > 10_000 ? 1 : 2; // the ImageNet networks at batch 1 keep the test short
        Analysis analysis = TestModels.analyse(graph, batch);
        Map<String, Tensor> weights = TestModels.weights(analysis, 7);
        ModelProto model = OnnxExporter.export(graph, analysis, weights, ExportOptions.defaults().withOpset(opset));

        int[] shape = IntStream.concat(IntStream.of(batch),
                ((Op.Input) input.op()).shape().dims().stream().mapToInt(Long::intValue)).toArray();
        Tensor x = TestModels.randomInput(shape, 11);
        Map<String, Tensor> ours;
        try (Executor executor = new Executor(graph, weights, batch, 2)) {
            ours = executor.run(Map.of(input.name(), x));
        }
        Map<String, Tensor> theirs = OrtRunner.run(model.toByteArray(), Map.of(input.name(), x));

        List<String> inference = graph.outputs().stream().filter(o -> !o.aux()).map(Output::name).toList();
        assertEquals(inference, List.copyOf(theirs.keySet()), "graph outputs");
        for (String name : inference) {
            Tensor a = theirs.get(name);
            Tensor b = ours.get(name);
            assertArrayEquals(b.shape(), a.shape(), name);
            double error = TestModels.relativeError(a.toArray(), b.toArray());
            System.out.printf(Locale.ROOT, "ORT vs executor %-28s opset %2d %-8s max rel error %.2e%n",
                    file.getFileName(), opset, name, error);
            assertTrue(error <= TOLERANCE, name + ": relative error " + error);
        }
    }
}
