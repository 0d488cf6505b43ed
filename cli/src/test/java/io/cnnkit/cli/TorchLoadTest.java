package io.cnnkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.cnnkit.compiler.CnnCompiler;
import io.cnnkit.compiler.graph.NetworkGraph;
import io.cnnkit.exec.Executor;
import io.cnnkit.exec.Tensor;
import io.cnnkit.exec.io.SafeTensors;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Test;

/**
 * {@code cnn train}'s output loads into the PyTorch module (scripts/make_torch_fixtures.py's LeNet-5
 * and reduced ResNet with batchnorm) with {@code load_state_dict(strict=True)}, and PyTorch in
 * eval() mode computes cnnkit's outputs from it (scripts/torch_load_check.py). Skipped when
 * /usr/bin/python3 has no torch; torch is imported twice in all, as that takes seconds.
 */
class TorchLoadTest {
    static final Path SCRIPT = Path.of("..", "scripts", "torch_load_check.py");
    static final List<String> MODELS = List.of("lenet5", "resnet_mini");

    @TempDir
    Path dir;

    private static String python(String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of("/usr/bin/python3", SCRIPT.toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "python timed out");
        if (p.exitValue() != 0) {
            throw new IOException(out);
        }
        return out;
    }

    @Test
    void trainedWeightsLoadStrictlyIntoPyTorch() throws Exception {
        String prepared;
        try {
            prepared = python("prepare", dir.toString());
        } catch (IOException e) {
            prepared = e.getMessage();
        }
        assumeTrue(!prepared.contains("No module named 'torch'") && !prepared.contains("Cannot run program"),
                "/usr/bin/python3 has no torch (scripts/install-test-deps.sh installs it): " + prepared);
        for (String model : MODELS) {
            Cli train = Cli.run("train", dir.resolve(model + ".cnn").toString(), "--data",
                    dir.resolve(model + ".data.safetensors").toString(), "--epochs", "2", "--batch", "4", "--optimizer",
                    "sgd", "--lr", "0.05", "--momentum", "0.9", "--seed", "2", "--threads", "2",
                    "-o", dir.resolve(model + ".trained.safetensors").toString());
            assertEquals(0, train.code(), train.err());
        }
        python("check", dir.toString());
        for (String model : MODELS) {
            Map<String, Tensor> theirs = SafeTensors.read(dir.resolve(model + ".torch.safetensors")).tensors();
            NetworkGraph graph = CnnCompiler.compile(dir.resolve(model + ".cnn")).graphOrThrow();
            Map<String, Tensor> weights = SafeTensors.read(dir.resolve(model + ".trained.safetensors")).tensors();
            try (Executor ours = new Executor(graph, weights, 3, 1)) {
                Tensor y = ours.run(Map.of("image", theirs.get("x"))).values().iterator().next();
                Tensor expected = theirs.get("y");
                double scale = 1e-12;
                for (int i = 0; i < expected.size(); i++) {
                    scale = Math.max(scale, Math.abs(expected.get(i)));
                }
                for (int i = 0; i < expected.size(); i++) {
                    assertEquals(expected.get(i), y.get(i), 1e-4 * scale, model + " logit " + i);
                }
            }
        }
    }
}
