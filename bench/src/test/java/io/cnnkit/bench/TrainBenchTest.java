package io.cnnkit.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cnn bench --train}: PyTorch's first step on the ONNX export equals cnnkit's (a network with
 * batchnorm, a residual add, pooling, dense layers and an auxiliary head weighted 0.3), both sides
 * are timed, the training memory the trainer held equals the analyzer's, and {@code --profile} shows
 * both sides' time by layer or operator.
 */
class TrainBenchTest {
    static final String NET = """
            network Small
            input x: 3x12x12
            y = x -> c1: conv(8, 3, pad=1, bias=false) -> b1: batchnorm -> relu
            z = y -> c2: conv(8, 3, pad=1) -> relu
            aux output side = y -> globalavgpool -> flatten -> head: dense(5)
            output logits = add(y, z) -> maxpool(2) -> avgpool(2) -> flatten -> fc: dense(5)
            """;

    @TempDir
    Path dir;

    static boolean torchAvailable() {
        try {
            Process p = new ProcessBuilder("/usr/bin/python3", "-c", "import torch, onnx").start();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    @Test
    void againstPyTorch() throws IOException {
        assumeTrue(torchAvailable(), "/usr/bin/python3 has no torch and onnx (scripts/install-test-deps.sh installs them)");
        Path file = Files.writeString(dir.resolve("small.cnn"), NET);
        BenchCommandTest.Result r = BenchCommandTest.bench("--train", file.toString(), "--batch", "4", "--threads", "2",
                "--warmup", "1", "--runs", "2", "--steps", "2", "--profile");
        assertEquals(0, r.code(), r.out() + r.err());
        // the profile: each layer's forward and backward, by kind, then PyTorch's profiler table
        assertTrue(r.out().matches("(?s).*\\nc1 +conv 3x3/1 +\\d+\\.\\d+ +\\d+\\.\\d+ .*\\nstep +\\d+\\.\\d+ .*"), r.out());
        assertTrue(r.out().contains("torch.autograd.profiler over 4 steps") && r.out().contains("Self CPU time total"),
                r.out());
        assertTrue(r.out().matches("(?s).*first step's loss: cnnkit \\S+, PyTorch \\S+ \\S+, relative difference \\S+ ok.*"),
                r.out());
        assertTrue(r.out().matches("(?s).*\ncnnkit +\\d+.*\nPyTorch \\S+ +\\d+.*\nratio cnnkit/PyTorch +\\d+\\.\\d\\d.*"),
                r.out());
        assertTrue(r.out().contains("(equal)"), r.out());
    }

    @Test
    void withoutPeerAndBadOptions() throws IOException {
        Path file = Files.writeString(dir.resolve("small.cnn"), NET);
        BenchCommandTest.Result r = BenchCommandTest.bench("--train", file.toString(), "--batch", "2", "--peer", "none",
                "--warmup", "0", "--runs", "1");
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("cnnkit") && !r.out().contains("PyTorch"), r.out());
        BenchCommandTest.Result bad = BenchCommandTest.bench("--train", file.toString(), "--steps", "0");
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("cnn bench --train: --steps must be at least 1"), bad.err());
        BenchCommandTest.Result noPython = BenchCommandTest.bench("--train", file.toString(), "--python",
                dir.resolve("no-python").toString(), "--warmup", "0", "--runs", "1");
        assertEquals(1, noPython.code());
        assertTrue(noPython.err().contains("cannot start"), noPython.err());
    }
}
