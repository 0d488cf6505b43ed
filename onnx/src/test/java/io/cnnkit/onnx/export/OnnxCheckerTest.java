package io.cnnkit.onnx.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.cnnkit.analyzer.Analysis;
import io.cnnkit.compiler.graph.NetworkGraph;
import io.cnnkit.onnx.ExportOptions;
import io.cnnkit.onnx.OnnxExporter;
import io.cnnkit.onnx.TestModels;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reference ONNX checker (Debian's python3-onnx) with full shape inference accepts exported
 * models, and infers the shapes written in value_info: every operator of the language at each
 * opset the installed checker knows, and the example networks up to 30 M parameters at the
 * default opset.
 */
class OnnxCheckerTest {
    static final Path PYTHON = Path.of("/usr/bin/python3");
    /** The larger networks (VGG, AlexNet, the deep ResNets) only repeat operators at hundreds of MB each. */
    static final long MAX_PARAMETERS = 30_000_000;

    @TempDir
    Path dir;

    @Test
    void theOnnxCheckerAcceptsExportedModels() throws Exception {
        int newest = newestCheckedOpset();
        List<Path> files = new ArrayList<>();
        for (int opset = ExportOptions.MIN_OPSET; opset <= Math.min(newest, ExportOptions.MAX_OPSET); opset++) {
            files.add(export(TestModels.OWN.resolve("allops.cnn"), ExportOptions.defaults().withOpset(opset)
                    .withAuxOutputs(true), "allops" + opset));
        }
        for (Path example : TestModels.all()) {
            NetworkGraph graph = TestModels.compile(example);
            if (TestModels.analyse(graph, 1).inferenceTotals().parameters() <= MAX_PARAMETERS) {
                files.add(export(example, ExportOptions.defaults().withBatch(2), example.getFileName().toString()));
            }
        }
        List<String> command = new ArrayList<>(List.of(PYTHON.toString(), "-c",
                "import sys, onnx\n"
                + "for f in sys.argv[1:]:\n"
                + "    onnx.checker.check_model(onnx.load(f), full_check=True)\n"
                + "    print('ok', f)\n"));
        files.forEach(f -> command.add(f.toString()));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "the checker did not finish");
        assertEquals(0, p.exitValue(), log);
        assertEquals(files.size(), log.lines().filter(l -> l.startsWith("ok ")).count(), log);
    }

    private Path export(Path file, ExportOptions opts, String name) {
        NetworkGraph graph = TestModels.compile(file);
        Analysis analysis = TestModels.analyse(graph, 1);
        Path out = dir.resolve(name + ".onnx");
        OnnxExporter.write(OnnxExporter.export(graph, analysis, TestModels.weights(analysis, 1), opts), out);
        return out;
    }

    /** The newest opset the installed onnx package knows; skips the test when it is not installed. */
    private static int newestCheckedOpset() throws IOException, InterruptedException {
        assumeTrue(Files.isExecutable(PYTHON), "no /usr/bin/python3 (Debian's python3-onnx) to run the ONNX checker");
        Process p = new ProcessBuilder(PYTHON.toString(), "-c",
                "import onnx.defs; print(onnx.defs.onnx_opset_version())").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        boolean ok = p.waitFor(2, TimeUnit.MINUTES) && p.exitValue() == 0;
        assumeTrue(ok, "/usr/bin/python3 cannot import onnx (Debian's python3-onnx): " + out);
        return Integer.parseInt(out);
    }
}
