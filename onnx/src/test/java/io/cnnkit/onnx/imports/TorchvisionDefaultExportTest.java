package io.cnnkit.onnx.imports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.cnnkit.analyzer.Totals;
import io.cnnkit.compiler.graph.Layer;
import io.cnnkit.compiler.op.Op;
import io.cnnkit.exec.io.SafeTensors;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * torchvision models exported with PyTorch's defaults ({@code torch.onnx.export(model.eval(), x,
 * path)}: batchnorm folded into the convolutions, anonymous weight initializers, scope node names),
 * generated at test time by {@code scripts/make_onnx_torchvision_fixtures.py}, import structured
 * (modules, groups, repeats) with torchvision's names for every convolution and linear layer, the
 * parameter and MAC counts that folding leaves, and run to PyTorch's outputs within 1e-4 relative.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class TorchvisionDefaultExportTest {
    static final Path SCRIPT = Path.of("../scripts/make_onnx_torchvision_fixtures.py");

    /** Generated once for both test executions (the default and 256-bit vectors): about 170 MB. */
    static final Path EXPORTS = Path.of("target/torchvision-default-exports");
    static String skipped;
    static final Pattern MODULE = Pattern.compile("(?m)^module ");

    @BeforeAll
    static void generate() throws Exception {
        if (!TorchImportTest.hasTorchvision()) {
            skipped = "/usr/bin/python3 cannot import torch, torchvision and onnx (Debian's python3-torch,"
                    + " python3-torchvision, python3-onnx); the default exports are not generated";
            return;
        }
        Path done = EXPORTS.resolve("generated");
        if (Files.exists(done) && Files.getLastModifiedTime(done).compareTo(Files.getLastModifiedTime(SCRIPT)) > 0) {
            return;
        }
        Process p = new ProcessBuilder(TorchImportTest.PYTHON.toString(), SCRIPT.toString(), EXPORTS.toString())
                .redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(8, TimeUnit.MINUTES), "the fixture script did not finish");
        assertEquals(0, p.exitValue(), log);
        Files.writeString(done, log);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        // name, modules expected (AlexNet and VGG are groups only), a repeat expected
        "resnet18, true, true",
        "resnet50, true, true",
        "googlenet, true, false",
        "alexnet, false, false",
        "vgg11, false, false",
        "mobilenet_v2, true, true",
        "mnasnet0_5, true, true",
        "squeezenet1_0, true, true",
        "efficientnet_b0, true, true",
        "mobilenet_v3_small, true, true",
        "mobilenet_v3_large, true, true",
        "shufflenet_v2_x0_5, true, true",
        "shufflenet_v2_x1_0, true, true",
        "regnet_y_400mf, true, false",
        "convnext_tiny, true, true",
    })
    void defaultExportImportsStructuredWithTorchvisionsNamesAndRunsToPyTorchsOutputs(String name, boolean modules,
                                                                                      boolean repeat) {
        assumeTrue(skipped == null, skipped);
        long start = System.nanoTime();
        OnnxImporter.Imported imported = OnnxImporter.importModel(EXPORTS.resolve(name + ".onnx"),
                EXPORTS.resolve(name + ".cnn").toString());
        double seconds = (System.nanoTime() - start) / 1e9;
        SafeTensors.Contents io = SafeTensors.read(EXPORTS.resolve(name + ".io.safetensors"));
        Map<String, String> meta = io.metadata();
        System.out.println("---- " + name + "\n" + imported.source());

        assertTrue(imported.structured(), "structured");
        assertEquals(modules, MODULE.matcher(imported.source()).find(), "modules");
        assertTrue(imported.source().contains(": ["), "groups");
        assertEquals(repeat, imported.source().contains("repeat "), "repeat");
        Totals totals = imported.analysis().inferenceTotals();
        assertEquals(Long.parseLong(meta.get("parameters")), totals.parameters(), "parameters after folding");
        assertEquals(Long.parseLong(meta.get("macs")), totals.macs(), "MACs");

        // every convolution and linear layer of torchvision is one layer, with its name
        List<String> expected = List.of(meta.get("weights").split(","));
        List<String> weighted = imported.graph().layers().stream()
                .filter(l -> l.op() instanceof Op.Conv || l.op() instanceof Op.Dense || l.op() instanceof Op.Linear).map(Layer::name).toList();
        assertEquals(expected.size(), weighted.size(), "convolution and linear layers");
        assertEquals(new TreeSet<>(expected), new TreeSet<>(weighted), "torchvision's names");

        double error = TorchImportTest.runAndCompare(imported, io);
        System.out.printf(Locale.ROOT, "%s: imported structured in %.2f s; %d layers (%d conv/linear);"
                + " PyTorch vs imported max rel error %.2e%n", name, seconds,
                imported.graph().layers().size() - 1, weighted.size(), error);
    }
}
