package io.cnnkit.onnx.imports;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cnnkit.analyzer.Analysis;
import io.cnnkit.analyzer.LayerStats;
import io.cnnkit.analyzer.Totals;
import io.cnnkit.compiler.graph.Layer;
import io.cnnkit.compiler.graph.NetworkGraph;
import io.cnnkit.compiler.graph.Output;
import io.cnnkit.exec.Tensor;
import io.cnnkit.onnx.ExportOptions;
import io.cnnkit.onnx.OnnxExporter;
import io.cnnkit.onnx.TestModels;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * .cnn → ONNX → .cnn keeps the analysis (parameters, buffers, MACs, FLOPs, every output's shape),
 * every layer's name, shape and parameters, and the weights themselves, for every example.
 */
class RoundTripTest {
    @TempDir
    Path dir;

    static Stream<Arguments> models() {
        return Stream.concat(TestModels.all().stream().map(p -> Arguments.of(p, ExportOptions.DEFAULT_OPSET)),
                IntStream.rangeClosed(ExportOptions.MIN_OPSET, ExportOptions.MAX_OPSET)
                        .filter(v -> v != ExportOptions.DEFAULT_OPSET)
                        .mapToObj(v -> Arguments.of(TestModels.OWN.resolve("allops.cnn"), v)));
    }

    @ParameterizedTest(name = "{0} at opset {1}")
    @MethodSource("models")
    void exportThenImportKeepsTheAnalysis(Path file, int opset) {
        NetworkGraph graph = TestModels.compile(file);
        Analysis original = TestModels.analyse(graph, 1);
        Map<String, Tensor> weights = TestModels.weights(original, 3);
        Path onnx = dir.resolve("model.onnx");
        OnnxExporter.write(OnnxExporter.export(graph, original, weights, ExportOptions.defaults().withOpset(opset)), onnx);

        OnnxImporter.Imported imported = OnnxImporter.importModel(onnx, dir.resolve("model.cnn").toString());
        Analysis back = imported.analysis();
        if (opset == ExportOptions.DEFAULT_OPSET) {
            System.out.println("---- " + file + (imported.structured() ? " (structured)" : " (flat)") + "\n"
                    + imported.source());
        }

        Totals a = original.inferenceTotals();
        Totals b = back.inferenceTotals();
        assertEquals(a.parameters(), b.parameters(), "parameters");
        assertEquals(a.buffers(), b.buffers(), "buffers");
        assertEquals(a.macs(), b.macs(), "MACs");
        assertEquals(a.flops(), b.flops(), "FLOPs");
        for (Output o : graph.outputs().stream().filter(o -> !o.aux()).toList()) {
            Layer out = back.graph().outputs().stream().filter(x -> x.name().equals(o.name())).findFirst()
                    .orElseThrow(() -> new AssertionError("output " + o.name() + " is missing")).layer();
            assertEquals(original.stats(o.layer()).outputShape(), back.stats(out).outputShape(), o.name());
        }
        assertTrue(imported.structured(), "the layer names fit a structured source");
        for (LayerStats s : original.layers().stream().filter(LayerStats::inference).toList()) {
            LayerStats t = back.stats(s.layer().name())
                    .orElseThrow(() -> new AssertionError("layer " + s.layer().name() + " is missing"));
            assertEquals(s.outputShape(), t.outputShape(), s.layer().name());
            assertEquals(s.params(), t.params(), s.layer().name());
        }
        Map<String, Tensor> sorted = new TreeMap<>(imported.weights());
        for (Map.Entry<String, Tensor> e : sorted.entrySet()) {
            Tensor w = weights.get(e.getKey());
            assertArrayEquals(w.toArray(), e.getValue().toArray(), e.getKey());
        }
        List<String> exported = original.layers().stream().filter(LayerStats::inference)
                .flatMap(s -> s.params().stream().map(p -> p.key(s.layer().name()))).sorted().toList();
        assertEquals(exported, List.copyOf(sorted.keySet()), "weight names");
    }
}
