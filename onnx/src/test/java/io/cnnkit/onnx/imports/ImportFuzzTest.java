package io.cnnkit.onnx.imports;

import io.cnnkit.analyzer.Analysis;
import io.cnnkit.compiler.graph.NetworkGraph;
import io.cnnkit.onnx.ExportOptions;
import io.cnnkit.onnx.OnnxException;
import io.cnnkit.onnx.OnnxExporter;
import io.cnnkit.onnx.OnnxFuzzTest;
import io.cnnkit.onnx.TestModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutated ONNX models (seeded byte flips, insertions, deletions, truncations of an exported
 * network with every operator and of a PyTorch export) are imported: each ends in an import
 * or an {@link OnnxException}, or imports; no other exception, no hang.
 */
class ImportFuzzTest {
    @TempDir
    Path dir;

    @Test
    @Timeout(300)
    void mutatedModelsImportOrFailWithClearErrors() throws IOException {
        NetworkGraph graph = TestModels.compile(TestModels.OWN.resolve("allops.cnn"));
        Analysis analysis = TestModels.analyse(graph, 1);
        Path allops = dir.resolve("allops.onnx");
        OnnxExporter.write(OnnxExporter.export(graph, analysis, TestModels.weights(analysis, 5),
                ExportOptions.defaults().withOpset(11)), allops);
        List<byte[]> sources = List.of(Files.readAllBytes(allops),
                Files.readAllBytes(TorchImportTest.FIXTURES.resolve("inception_mini.onnx")));
        Random random = new Random(20261122);
        Path mutated = dir.resolve("m.onnx");
        int imported = 0;
        int rounds = 3000;
        for (int round = 0; round < rounds; round++) {
            byte[] bytes = OnnxFuzzTest.mutate(sources.get(round % sources.size()), random);
            Files.write(mutated, bytes);
            try {
                OnnxImporter.importModel(mutated, "m.cnn");
                imported++;
            } catch (OnnxException | UnsupportedModelException expected) {
                // a clear error
            } catch (RuntimeException | StackOverflowError e) {
                throw new AssertionError("round " + round + ": " + e, e);
            }
        }
        System.out.println("import fuzz: " + rounds + " mutated models, " + imported + " still imported");
    }
}
