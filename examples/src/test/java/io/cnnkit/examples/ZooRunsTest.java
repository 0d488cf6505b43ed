package io.cnnkit.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cnnkit.analyzer.Analysis;
import io.cnnkit.compiler.graph.Layer;
import io.cnnkit.compiler.graph.NetworkGraph;
import io.cnnkit.compiler.graph.Output;
import io.cnnkit.exec.Executor;
import io.cnnkit.exec.Tensor;
import io.cnnkit.exec.io.ImagePreprocessing;
import io.cnnkit.exec.io.Images;
import io.cnnkit.exec.io.ParamRequirement;
import io.cnnkit.exec.io.Weights;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every model of the zoo runs one image with seeded weights: the image goes through the same
 * preprocessing as {@code cnn run} (resize, centre crop, ImageNet normalisation), the inference
 * outputs (auxiliary heads excluded) come out with the analysed shape, finite and not constant.
 * That the values are right is {@link TorchEquivalenceTest}'s job.
 */
class ZooRunsTest {
    static final long SEED = 2026;

    @TempDir
    static Path folder;
    static Path image;

    /** A 320x240 RGB test card: colour ramps and a checkerboard, so every channel varies. */
    @BeforeAll
    static void writeImage() throws IOException {
        BufferedImage img = new BufferedImage(320, 240, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 240; y++) {
            for (int x = 0; x < 320; x++) {
                int checker = ((x / 20) + (y / 20)) % 2 == 0 ? 60 : 0;
                img.setRGB(x, y, (x * 255 / 319) << 16 | (y * 255 / 239) << 8 | (195 - checker));
            }
        }
        image = folder.resolve("card.png");
        ImageIO.write(img, "png", image.toFile());
    }

    @ParameterizedTest
    @MethodSource("io.cnnkit.examples.Zoo#models")
    void runsOneImage(String file) {
        Analysis analysis = Zoo.analyze(file);
        NetworkGraph graph = analysis.graph();
        Layer input = graph.inputs().get(0);
        List<Long> dims = analysis.stats(input).outputShape().dims();
        Tensor pixels = Images.load(image, ImagePreprocessing.forInput(
                dims.get(0).intValue(), dims.get(1).intValue(), dims.get(2).intValue()));
        Weights weights = Weights.initialize(ParamRequirement.of(analysis), SEED);

        Map<String, Tensor> outputs;
        try (Executor executor = new Executor(graph, weights.asMap(), 1, Executor.defaultThreads())) {
            outputs = executor.run(Map.of(input.name(), pixels));
        }

        Set<String> inference = graph.outputs().stream().filter(o -> !o.aux())
                .map(Output::name).collect(Collectors.toSet());
        assertEquals(inference, outputs.keySet(), "the inference outputs, auxiliary heads excluded");
        for (Output o : graph.outputs()) {
            if (o.aux()) {
                continue;
            }
            Tensor out = outputs.get(o.name());
            int[] expectedShape = analysis.stats(o.layer()).outputShape().dims().stream()
                    .mapToInt(Long::intValue).toArray();
            assertArrayEquals(prepend(1, expectedShape), out.shape(), o.name() + " shape");
            float min = Float.POSITIVE_INFINITY;
            float max = Float.NEGATIVE_INFINITY;
            for (int i = 0; i < out.size(); i++) {
                assertTrue(Float.isFinite(out.get(i)), o.name() + "[" + i + "] = " + out.get(i));
                min = Math.min(min, out.get(i));
                max = Math.max(max, out.get(i));
            }
            assertTrue(max > min, o.name() + " is constant: " + min);
        }
    }

    private static int[] prepend(int first, int[] rest) {
        int[] all = new int[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }
}
