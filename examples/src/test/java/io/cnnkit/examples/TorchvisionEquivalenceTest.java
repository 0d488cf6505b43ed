package io.cnnkit.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cnnkit.analyzer.Analysis;
import io.cnnkit.exec.Executor;
import io.cnnkit.exec.Tensor;
import io.cnnkit.exec.io.ParamRequirement;
import io.cnnkit.exec.io.SafeTensors;
import io.cnnkit.exec.io.Weights;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The torchvision-named models of the zoo load torchvision's state_dict as it is and compute what
 * torchvision computes. {@code scripts/make_zoo_fixtures.py} (Debian's python3-torch and
 * python3-torchvision) builds each torchvision model with seeded random weights, saves its
 * state_dict and its eval-mode output on one random image; the weights are hundreds of MB, so they
 * are written into a temporary folder when the test runs. The error of each output element is
 * measured relative to the output's largest magnitude and must stay within 1e-4.
 */
class TorchvisionEquivalenceTest {
    static final double MAX_RELATIVE_ERROR = 1e-4;
    static final String PYTHON = "/usr/bin/python3";
    static final List<String> MODELS = List.of("alexnet", "vgg16", "googlenet", "resnet18", "resnet50");

    @TempDir
    static Path fixtures;

    @BeforeAll
    static void writeFixtures() throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(PYTHON,
                Zoo.DIR.resolve("../scripts/make_zoo_fixtures.py").toString(), fixtures.toString()));
        command.addAll(MODELS);
        Path log = fixtures.resolve("make_zoo_fixtures.log");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("make_zoo_fixtures.py took over 10 minutes");
        }
        assertEquals(0, p.exitValue(), () -> "make_zoo_fixtures.py failed (it needs Debian's python3-torch and "
                + "python3-torchvision: scripts/install-test-deps.sh):\n" + read(log));
    }

    @ParameterizedTest(name = "{0} equals torchvision''s {1}")
    @CsvSource({
            "alexnet_torchvision.cnn,   alexnet",
            "vgg16.cnn,                 vgg16",
            "googlenet_torchvision.cnn, googlenet",
            "resnet18.cnn,              resnet18",
            "resnet50.cnn,              resnet50",
    })
    void executorMatchesTorchvision(String file, String model) {
        Analysis analysis = Zoo.analyze(file);
        Weights weights = Weights.load(fixtures.resolve(model + ".weights.safetensors"),
                ParamRequirement.of(analysis));
        Map<String, Tensor> io = SafeTensors.read(fixtures.resolve(model + ".io.safetensors")).tensors();
        Tensor expected = io.get("output");
        Tensor actual;
        try (Executor executor = new Executor(analysis.graph(), weights.asMap(), 1, Executor.defaultThreads())) {
            actual = executor.run(Map.of("image", io.get("input"))).get("logits");
        }
        assertArrayEquals(expected.shape(), actual.shape());
        double scale = 0;
        for (int i = 0; i < expected.size(); i++) {
            scale = Math.max(scale, Math.abs(expected.get(i)));
        }
        double worst = 0;
        for (int i = 0; i < expected.size(); i++) {
            worst = Math.max(worst, Math.abs(actual.get(i) - expected.get(i)) / scale);
        }
        assertTrue(worst <= MAX_RELATIVE_ERROR, model + ": relative error " + worst);
        System.out.printf("%s: max relative error %.2e against torchvision%n", model, worst);
    }

    private static String read(Path log) {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }
}
