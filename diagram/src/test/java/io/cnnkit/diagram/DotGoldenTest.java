package io.cnnkit.diagram;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Exact DOT for small networks. The expected files were reviewed by hand against the networks'
 * published shapes (LeNet-5: 6x28x28, 6x14x14, 16x10x10, 16x5x5, 400, 120, 84, 10) and against
 * the analyzer's figures; on a mismatch the actual text is written to {@code target/} for diffing.
 */
class DotGoldenTest {

    @Test
    void lenet5() throws IOException {
        assertGolden("lenet5.cnn", DiagramOptions.DEFAULT, "lenet5.dot");
    }

    @Test
    void moduleNetworkExpanded() throws IOException {
        assertGolden("tiny_modules.cnn", DiagramOptions.DEFAULT, "tiny_modules.dot");
    }

    @Test
    void moduleNetworkCollapsedLeftToRightHeatMapWithoutShapes() throws IOException {
        DiagramOptions options = new DiagramOptions(1, DiagramOptions.RankDir.LR,
                Optional.of(DiagramOptions.Heat.MACS), false);
        assertGolden("tiny_modules.cnn", options, "tiny_modules-depth1-lr-heat-macs-noshapes.dot");
    }

    private static void assertGolden(String source, DiagramOptions options, String golden) throws IOException {
        String actual = Fixtures.dot(Fixtures.analyze(Fixtures.resource(source)), options);
        String expected = Files.readString(Fixtures.resource(golden));
        if (!expected.equals(actual)) {
            Files.createDirectories(Path.of("target", "golden-actual"));
            Files.writeString(Path.of("target", "golden-actual", golden), actual);
        }
        assertEquals(expected, actual, "DOT differs from " + golden + " (actual in target/golden-actual/)");
    }
}
