package io.cnnkit.onnx.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cnnkit.analyzer.Analysis;
import io.cnnkit.compiler.graph.NetworkGraph;
import io.cnnkit.exec.Tensor;
import io.cnnkit.exec.io.WeightsException;
import io.cnnkit.onnx.ExportOptions;
import io.cnnkit.onnx.OnnxException;
import io.cnnkit.onnx.OnnxExporter;
import io.cnnkit.onnx.OnnxFiles;
import io.cnnkit.onnx.TestModels;
import io.cnnkit.onnx.proto.Onnx.ModelProto;
import io.cnnkit.onnx.proto.Onnx.NodeProto;
import io.cnnkit.onnx.proto.Onnx.ValueInfoProto;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Export options (fixed batch, auxiliary outputs), names, and refusals. */
class OnnxExportOptionsTest {
    @TempDir
    Path dir;

    @Test
    void auxiliaryHeadsAndAFixedBatchRunInOnnxRuntime() throws Exception {
        NetworkGraph graph = TestModels.compile(TestModels.OWN.resolve("allops.cnn"));
        Analysis analysis = TestModels.analyse(graph, 1);
        ModelProto model = OnnxExporter.export(graph, analysis, TestModels.weights(analysis, 2),
                ExportOptions.defaults().withBatch(3).withAuxOutputs(true));
        assertEquals(List.of("maps", "logits", "side"),
                model.getGraph().getOutputList().stream().map(ValueInfoProto::getName).toList());
        assertEquals(3, model.getGraph().getInput(0).getType().getTensorType().getShape().getDim(0).getDimValue());

        Map<String, Tensor> out = OrtRunner.run(model.toByteArray(),
                Map.of("image", TestModels.randomInput(new int[] {3, 3, 19, 17}, 1)));
        assertArrayEquals(new int[] {3, 3}, out.get("side").shape());
        for (int n = 0; n < 3; n++) { // the head ends in softmax: each row is a distribution
            float sum = out.get("side").get(3 * n) + out.get("side").get(3 * n + 1) + out.get("side").get(3 * n + 2);
            assertEquals(1f, sum, 1e-5f);
        }
    }

    @Test
    void nodesAndInitializersKeepTheLayerAndPyTorchNames() {
        NetworkGraph graph = TestModels.compile(TestModels.EXAMPLES.resolve("resnet18.cnn"));
        Analysis analysis = TestModels.analyse(graph, 1);
        ModelProto model = OnnxExporter.export(graph, analysis, TestModels.weights(analysis, 2), ExportOptions.defaults());
        Map<String, NodeProto> nodes = new HashMap<>();
        model.getGraph().getNodeList().forEach(n -> nodes.put(n.getName(), n));
        NodeProto conv = nodes.get("layer2.0.downsample.0");
        assertEquals("Conv", conv.getOpType());
        String block = graph.inputsOf(graph.layer("layer2.0.downsample.0").orElseThrow()).get(0).name();
        assertTrue(block.startsWith("layer1.1."), block);
        assertEquals(List.of(block, "layer2.0.downsample.0.weight"), conv.getInputList());
        assertTrue(model.getGraph().getInitializerList().stream()
                .anyMatch(t -> t.getName().equals("layer4.1.bn2.running_var")));
        assertEquals("N", model.getGraph().getInput(0).getType().getTensorType().getShape().getDim(0).getDimParam());
        // every value between nodes has its shape
        assertEquals(model.getGraph().getNodeCount() - 1, model.getGraph().getValueInfoCount());
    }

    @Test
    void missingWeightsAreOneErrorAndAFailedWriteLeavesNoFile() throws IOException {
        NetworkGraph graph = TestModels.compile(TestModels.FIXTURES.resolve("lenet5.cnn"));
        Analysis analysis = TestModels.analyse(graph, 1);
        Map<String, Tensor> weights = new HashMap<>(TestModels.weights(analysis, 2));
        weights.remove("fc3.bias");
        weights.put("conv1.weight", Tensor.zeros(6, 1, 3, 3));
        OnnxException e = assertThrows(OnnxException.class,
                () -> OnnxExporter.export(graph, analysis, weights, ExportOptions.defaults()));
        assertEquals("cannot export the weights: conv1.weight has shape [6, 1, 3, 3], expected [6, 1, 5, 5];"
                + " missing fc3.bias [10]", e.getMessage());

        ModelProto model = OnnxExporter.export(graph, analysis, TestModels.weights(analysis, 2), ExportOptions.defaults());
        Path folder = Files.createDirectory(dir.resolve("taken"));
        assertThrows(WeightsException.class, () -> OnnxExporter.write(model, folder));
        Path file = dir.resolve("lenet.onnx");
        OnnxExporter.write(model, file);
        assertEquals(model, OnnxFiles.readModel(file));
        try (var files = Files.list(dir)) {
            assertFalse(files.anyMatch(p -> p.getFileName().toString().endsWith(".tmp")));
        }
    }
}
