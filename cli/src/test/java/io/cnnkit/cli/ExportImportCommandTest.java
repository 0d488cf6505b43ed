package io.cnnkit.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cnnkit.analyzer.Analysis;
import io.cnnkit.exec.Tensor;
import io.cnnkit.exec.io.ParamRequirement;
import io.cnnkit.exec.io.SafeTensors;
import io.cnnkit.exec.io.Weights;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExportImportCommandTest {
    @TempDir
    Path dir;

    private record Run(int code, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = CnnCli.newCommandLine(new PrintWriter(out), new PrintWriter(err)).execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    private Path network() throws IOException {
        return Files.writeString(dir.resolve("net.cnn"), "network Net\ninput image: 3x16x16\n"
                + "x = image -> stem: conv(8, 3, pad=same) -> bn: batchnorm -> relu -> maxpool(2)\n"
                + "output logits = x -> flatten -> fc: dense(10)\n");
    }

    @Test
    void exportThenImportGivesTheSameNetworkAndWeights() throws IOException {
        Path onnx = dir.resolve("net.onnx");
        Run export = run("export", network().toString(), "--seed", "4", "-o", onnx.toString(), "--opset", "17",
                "--batch", "2");
        assertEquals(ExitCode.OK, export.code(), export.err());
        assertTrue(export.err().contains("wrote " + onnx + " (opset 17, "), export.err());

        Path cnn = dir.resolve("back.cnn");
        Path weights = dir.resolve("back.safetensors");
        Run imported = run("import", onnx.toString(), "-o", cnn.toString(), "--weights-out", weights.toString());
        assertEquals(ExitCode.OK, imported.code(), imported.err());
        assertEquals("wrote " + cnn + ": 7 layers, 5,370 parameters, 60,416 MACs\nwrote " + weights + ": 8 tensors\n",
                imported.err());
        assertEquals(ExitCode.OK, run("check", cnn.toString()).code());

        // the weights are the seeded ones, under the same names
        Map<String, Tensor> back = SafeTensors.read(weights).tensors();
        Analysis analysis = Sources.analysis(network(), 1, new PrintWriter(new StringWriter())).orElseThrow();
        Map<String, Tensor> seeded = Weights.initialize(ParamRequirement.of(analysis), 4).asMap();
        assertEquals(seeded.keySet(), back.keySet());
        seeded.forEach((name, t) -> assertArrayEquals(t.toArray(), back.get(name).toArray(), name));
    }

    @Test
    void badOptionsWriteNothing() throws IOException {
        Path onnx = dir.resolve("net.onnx");
        Run opset = run("export", network().toString(), "-o", onnx.toString(), "--opset", "8");
        assertEquals(ExitCode.INVALID_INPUT, opset.code());
        assertEquals("cnn export: opset 8 is outside the supported 10..21\n", opset.err());
        Run batch = run("export", network().toString(), "-o", onnx.toString(), "--batch", "0");
        assertEquals(ExitCode.INVALID_INPUT, batch.code());
        assertEquals("cnn export: batch 0 must be at least 1\n", batch.err());
        assertFalse(Files.exists(onnx));
    }

    @Test
    void anInvalidModelIsOneErrorAndWritesNothing() throws IOException {
        Path onnx = Files.write(dir.resolve("junk.onnx"), new byte[] {8, 7, 18, 3, 1});
        Path cnn = dir.resolve("out.cnn");
        Path weights = dir.resolve("out.safetensors");
        Run r = run("import", onnx.toString(), "-o", cnn.toString(), "--weights-out", weights.toString());
        assertEquals(ExitCode.INVALID_INPUT, r.code());
        assertTrue(r.err().startsWith("cnn import: " + onnx + ": not a valid ONNX model"), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertFalse(Files.exists(cnn));
        assertFalse(Files.exists(weights));
    }
}
