package io.cnnkit.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code cnn bench} through the command line: both runtimes on LeNet-5, and usage errors. */
class BenchCommandTest {
    static final Path LENET = Path.of("..", "examples", "lenet5.cnn");

    record Result(int code, String out, String err) {
    }

    static Result bench(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<String> all = new ArrayList<>(List.of("bench"));
        all.addAll(List.of(args));
        int code = BenchMain.newCommandLine(new PrintWriter(out), new PrintWriter(err)).execute(all.toArray(String[]::new));
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void lenetRunsOnBothSidesAndAgrees() {
        Result r = bench(LENET.toString(), "--runs", "2", "--warmup", "1", "--seed", "3");
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("LeNet5: batch 1, 1 thread"), r.out());
        assertTrue(r.out().matches("(?s).*outputs: max relative difference cnnkit vs ONNX Runtime \\S+ \\(limit 1e-04\\) ok.*"),
                r.out());
        assertTrue(r.out().matches("(?s).*\ncnnkit +\\d+\\.\\d{3} +\\d+\\.\\d{3} .*"), r.out());
        assertTrue(r.out().matches("(?s).*\nONNX Runtime +\\d+\\.\\d{3} +\\d+\\.\\d{3} .*"), r.out());
        assertTrue(r.out().contains("ratio cnnkit/ORT"), r.out());
        assertTrue(r.out().contains("peak probe"), r.out());
    }

    @Test
    void withoutPeerOnlyCnnkitIsTimedAndProfiled() {
        Result r = bench(LENET.toString(), "--runs", "2", "--warmup", "0", "--peer", "none", "--batch", "2", "--profile");
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("batch 2"), r.out());
        assertTrue(r.out().contains("\ncnnkit "), r.out());
        assertTrue(!r.out().contains("ONNX Runtime "), r.out());
        assertTrue(r.out().contains("conv 5x5/1"), r.out()); // the profile groups LeNet's convolutions by geometry
    }

    @Test
    void profileSetsOrtsNodesNextToCnnkitsStepsByKind() {
        Result r = bench(LENET.toString(), "--runs", "3", "--warmup", "1", "--profile");
        assertEquals(0, r.code(), r.out() + r.err());
        String ort = r.out().substring(r.out().indexOf("ONNX Runtime's own profile"));
        // LeNet's second convolution: ORT's Conv node, named after a layer of cnnkit's conv2+relu_2 step
        assertTrue(ort.lines().anyMatch(l -> l.matches("\\S*(conv2|relu_2)\\S* +(Fused)?Conv +\\d+\\.\\d{3} +conv 5x5/1 +(conv2|relu_2)")),
                ort);
        String summary = ort.substring(ort.indexOf("by kind of layer"));
        Matcher conv = Pattern.compile("\nconv 5x5/1 +(\\d+\\.\\d{3}) +(\\d+\\.\\d{3}) +(-?\\d+\\.\\d{3}) ").matcher(summary);
        assertTrue(conv.find(), summary);
        double ours = Double.parseDouble(conv.group(1));
        double theirs = Double.parseDouble(conv.group(2));
        assertTrue(ours > 0 && theirs > 0 && theirs < 1000, summary);
        assertEquals(ours - theirs, Double.parseDouble(conv.group(3)), 0.0015, summary);
        assertTrue(summary.matches("(?s).*\ndense +\\d+\\.\\d{3} +\\d+\\.\\d{3} .*"), summary);
        assertTrue(summary.matches("(?s).*\ntotal +\\d+\\.\\d{3} +\\d+\\.\\d{3} .*"), summary);
        assertTrue(summary.contains("not matched: "), summary);
        // a step is its first layer then the kinds fused into it
        assertTrue(r.out().matches("(?s).*\nconv2\\+relu +conv 5x5/1 +\\d+\\.\\d{3} .*"), r.out());
        String tooWide = r.out().lines().filter(l -> l.length() > 100).collect(Collectors.joining("\n"));
        assertEquals("", tooWide, "the whole output fits a 100-column terminal"); // header lines included
    }

    @ParameterizedTest
    @ValueSource(strings = {"--threads=0", "--batch=0", "--runs=0", "--warmup=-1", "--peer=tvm", "--threads=x",
            "--no-such-option"})
    void invalidOptionsExitTwo(String option) {
        Result r = bench(LENET.toString(), option);
        assertEquals(2, r.code(), r.out() + r.err());
        assertTrue(!r.err().isBlank());
        assertTrue(!r.out().contains("peak probe"), "nothing is measured: " + r.out());
    }

    @Test
    void seedAndWeightsTogetherExitTwo() {
        assertEquals(2, bench(LENET.toString(), "--seed", "1", "--weights", "w.safetensors").code());
    }

    @Test
    void missingModelExitsTwo() {
        Result r = bench("no/such/model.cnn");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("model.cnn"), r.err());
    }

    @Test
    void brokenModelExitsTwoWithItsDiagnostic(@TempDir Path dir) throws IOException {
        Path model = Files.writeString(dir.resolve("broken.cnn"), "network B\ninput x: 1x8x8\noutput y = x -> conv(\n");
        Result r = bench(model.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("broken.cnn:"), r.err());
    }

    @Test
    void mismatchedWeightsExitTwo(@TempDir Path dir) throws IOException {
        Path weights = Files.write(dir.resolve("w.safetensors"), new byte[] {1, 2, 3});
        Result r = bench(LENET.toString(), "--weights", weights.toString());
        assertEquals(2, r.code(), r.out() + r.err());
        assertTrue(r.err().startsWith("cnn bench: "), r.err());
    }

    @Test
    void helpMentionsBenchWithoutTheCliDependingOnIt() {
        StringWriter out = new StringWriter();
        io.cnnkit.cli.CnnCli.newCommandLine(new PrintWriter(out), new PrintWriter(new StringWriter())).execute("--help");
        // listed with the other commands; cnn.jar's entry only points to the launcher, BenchMain replaces it
        assertTrue(out.toString().lines().anyMatch(l -> l.startsWith("  bench ") && l.contains("ONNX Runtime")),
                out.toString());
    }
}
