package io.cnnkit.onnx.imports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.cnnkit.analyzer.Totals;
import io.cnnkit.exec.Executor;
import io.cnnkit.exec.Tensor;
import io.cnnkit.exec.io.SafeTensors;
import io.cnnkit.onnx.TestModels;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Models exported by PyTorch's own ONNX exporter ({@code scripts/make_onnx_fixtures.py}) import,
 * analyse to PyTorch's parameter counts (torchvision's published figures for resnet18), keep the
 * state_dict names, and run to PyTorch's outputs within 1e-4 relative.
 */
class TorchImportTest {
    static final Path FIXTURES = Path.of("src/test/resources/fixtures");
    static final Path SCRIPT = Path.of("../scripts/make_onnx_fixtures.py");
    static final Path PYTHON = Path.of("/usr/bin/python3");

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"lenet5", "resnet_mini", "inception_mini", "mobile_mini"})
    void smallTorchExportsImportAndRunToPyTorchsOutputs(String name) {
        OnnxImporter.Imported imported = OnnxImporter.importModel(FIXTURES.resolve(name + ".onnx"),
                dir.resolve(name + ".cnn").toString());
        SafeTensors.Contents io = SafeTensors.read(FIXTURES.resolve(name + ".io.safetensors"));
        System.out.println("---- " + name + "\n" + imported.source());
        assertEquals(Long.parseLong(io.metadata().get("parameters")), imported.analysis().inferenceTotals().parameters());
        assertTrue(imported.structured());

        // the layer names are PyTorch's: the weights are the state_dict's keys (num_batches_tracked aside)
        SafeTensors.Contents state = SafeTensors.read(TestModels.FIXTURES.resolve(name + ".weights.safetensors"));
        assertEquals(new TreeSet<>(state.tensors().keySet()), new TreeSet<>(imported.weights().keySet()));

        double error = runAndCompare(imported, io);
        System.out.printf(Locale.ROOT, "%s: PyTorch vs imported max rel error %.2e%n", name, error);
    }

    @Test
    @Timeout(value = 15, unit = TimeUnit.MINUTES)
    void torchvisionResnet18ImportsWithPublishedFiguresAndRunsToPyTorchsOutputs() throws Exception {
        assumeTrue(hasTorchvision(), "/usr/bin/python3 cannot import torch and torchvision (Debian's"
                + " python3-torch, python3-torchvision); torchvision resnet18 not generated");
        Process p = new ProcessBuilder(PYTHON.toString(), SCRIPT.toString(), "--resnet18", dir.toString())
                .redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(10, TimeUnit.MINUTES), "the fixture script did not finish");
        assertEquals(0, p.exitValue(), log);

        OnnxImporter.Imported imported = OnnxImporter.importModel(dir.resolve("resnet18.onnx"),
                dir.resolve("resnet18.cnn").toString());
        Totals totals = imported.analysis().inferenceTotals();
        assertEquals(11_689_512L, totals.parameters(), "torchvision resnet18 parameters");
        assertEquals(1_814_073_344L, totals.macs(), "torchvision resnet18 MACs (1.81 GFLOPS in its table)");
        assertTrue(imported.structured());
        assertTrue(imported.source().contains("repeat 2"), imported.source());
        System.out.println("---- resnet18\n" + imported.source());

        double error = runAndCompare(imported, SafeTensors.read(dir.resolve("resnet18.io.safetensors")));
        System.out.printf(Locale.ROOT, "resnet18: PyTorch vs imported max rel error %.2e%n", error);
    }

    /** Runs the import on the input and returns the max relative error against the output, at most 1e-4. */
    static double runAndCompare(OnnxImporter.Imported imported, SafeTensors.Contents io) {
        Tensor x = io.tensors().get("input");
        Tensor expected = io.tensors().get("output");
        String input = imported.graph().inputs().get(0).name();
        Map<String, Tensor> out;
        try (Executor executor = new Executor(imported.graph(), imported.weights(), x.dim(0), 2)) {
            out = executor.run(Map.of(input, x));
        }
        assertEquals(1, out.size());
        double error = TestModels.relativeError(out.values().iterator().next().toArray(), expected.toArray());
        assertTrue(error <= 1e-4, "relative error " + error);
        return error;
    }

    static boolean hasTorchvision() throws IOException, InterruptedException {
        if (!Files.isExecutable(PYTHON)) {
            return false;
        }
        Process p = new ProcessBuilder(PYTHON.toString(), "-c", "import torch, torchvision, onnx")
                .redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor(2, TimeUnit.MINUTES) && p.exitValue() == 0;
    }
}
