package io.cnnkit.onnx.imports;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cnnkit.analyzer.Analysis;
import io.cnnkit.compiler.graph.NetworkGraph;
import io.cnnkit.compiler.op.Op;
import io.cnnkit.onnx.ExportOptions;
import io.cnnkit.onnx.OnnxExporter;
import io.cnnkit.onnx.TestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** stochastic_depth keeps its p and mode through export and import (RoundTripTest checks shapes only). */
class StochasticDepthRoundTripTest {
    @TempDir
    Path dir;

    @Test
    void pAndModeComeBack() throws Exception {
        Path source = dir.resolve("sd.cnn");
        Files.writeString(source, """
                network SD
                input image: 4x8x8
                y = image -> conv(4, 3, pad=1) -> stochastic_depth: stochastic_depth(0.25, mode="batch")
                output logits = add(y, image)
                """);
        NetworkGraph graph = TestModels.compile(source);
        Analysis analysis = TestModels.analyse(graph, 1);
        Path onnx = dir.resolve("sd.onnx");
        OnnxExporter.write(OnnxExporter.export(graph, analysis, TestModels.weights(analysis, 1), ExportOptions.defaults()),
                onnx);
        OnnxImporter.Imported imported = OnnxImporter.importModel(onnx, dir.resolve("back.cnn").toString());
        assertEquals(new Op.StochasticDepth(0.25, false),
                imported.graph().layer("stochastic_depth").orElseThrow().op(), imported.source());
    }
}
