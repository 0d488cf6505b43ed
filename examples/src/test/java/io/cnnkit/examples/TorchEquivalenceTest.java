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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The zoo computes what PyTorch computes. The torchvision-named models load torchvision's own
 * state_dict as it is and must equal torchvision's output; the paper models (LeNet-5, AlexNet 2012,
 * GoogLeNet 2014) equal their transcription to PyTorch in {@code scripts/make_zoo_fixtures.py}.
 * That script (Debian's python3-torch and python3-torchvision) builds each model with seeded random
 * weights and saves its state_dict and its eval-mode output on one random image; the weights are
 * hundreds of MB, so they are written into a temporary folder when the test runs. The error of
 * each output element is measured relative to the output's largest magnitude and must stay within
 * 1e-4.
 */
class TorchEquivalenceTest {
    static final double MAX_RELATIVE_ERROR = 1e-4;
    static final String PYTHON = "/usr/bin/python3";

    /** The zoo's file and the fixture script's model. */
    static final Map<String, String> MODELS = new LinkedHashMap<>();

    static {
        MODELS.put("alexnet_torchvision.cnn", "alexnet");
        MODELS.put("vgg16.cnn", "vgg16");
        MODELS.put("googlenet_torchvision.cnn", "googlenet");
        MODELS.put("resnet18.cnn", "resnet18");
        MODELS.put("resnet50.cnn", "resnet50");
        MODELS.put("mobilenet_v2.cnn", "mobilenet_v2");
        MODELS.put("efficientnet_b0.cnn", "efficientnet_b0");
        MODELS.put("mobilenet_v3_large.cnn", "mobilenet_v3_large");
        MODELS.put("mobilenet_v3_small.cnn", "mobilenet_v3_small");
        MODELS.put("shufflenet_v2_x1_0.cnn", "shufflenet_v2_x1_0");
        MODELS.put("regnet_y_400mf.cnn", "regnet_y_400mf");
        MODELS.put("convnext_tiny.cnn", "convnext_tiny");
        MODELS.put("lenet5.cnn", "lenet5");
        MODELS.put("alexnet.cnn", "alexnet_paper");
        MODELS.put("googlenet.cnn", "googlenet_paper");
    }

    @TempDir
    static Path fixtures;

    @BeforeAll
    static void writeFixtures() throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(PYTHON,
                Zoo.DIR.resolve("../scripts/make_zoo_fixtures.py").toString(), fixtures.toString()));
        command.addAll(MODELS.values());
        Path log = fixtures.resolve("make_zoo_fixtures.log");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("make_zoo_fixtures.py took over 10 minutes");
        }
        assertEquals(0, p.exitValue(), () -> "make_zoo_fixtures.py failed (it needs Debian's python3-torch and "
                + "python3-torchvision: scripts/install-test-deps.sh):\n" + read(log));
    }

    static Stream<Arguments> models() {
        return MODELS.entrySet().stream().map(e -> Arguments.of(e.getKey(), e.getValue()));
    }

    @ParameterizedTest(name = "{0} equals PyTorch''s {1}")
    @MethodSource("models")
    void executorMatchesPyTorch(String file, String model) {
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
        double worst = relativeError(expected, actual);
        assertTrue(worst <= MAX_RELATIVE_ERROR, model + ": relative error " + worst);
        System.out.printf("%s: max relative error %.2e against PyTorch%n", file, worst);
    }

    /** The largest element error, relative to the largest magnitude of the expected output. */
    static double relativeError(Tensor expected, Tensor actual) {
        double scale = IntStream.range(0, expected.size()).mapToDouble(i -> Math.abs(expected.get(i))).max().orElse(0);
        return IntStream.range(0, expected.size())
                .mapToDouble(i -> Math.abs(actual.get(i) - expected.get(i))).max().orElse(0) / scale;
    }

    private static String read(Path log) {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }
}
