package io.cnnkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Activations and weights past one Java array: check and analyze warn at the layer, run and
 * export refuse with the layer, its place and its element count, before allocating anything.
 */
class TensorBoundTest {
    private static final String WARNING = "big.cnn:3:21: warning: conv 'c1': its output 64x39998x39998 has"
            + " 102,389,760,256 elements at batch 1, more than the 2,147,483,639 one tensor can hold; it is analysed,"
            + " but run and export refuse it [too-large-to-run]";
    private static final String REFUSAL = "big.cnn:3:21: conv 'c1': its output 64x39998x39998 at batch 1 has"
            + " 102,389,760,256 elements, more than the 2,147,483,639 one tensor can hold; expected a smaller input or layer";

    @TempDir
    Path dir;

    @Test
    void activationsPastOneArrayAreLocatedInEveryCommand() throws IOException {
        Path source = Files.writeString(dir.resolve("big.cnn"),
                "network Big\ninput x: 1x40000x40000\noutput y = x -> c1: conv(64, 3) -> globalavgpool\n");
        Path image = dir.resolve("red.png");
        ImageIO.write(new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB), "png", image.toFile());
        // run from the source's folder so that the located messages carry the name as given
        String big = dir.relativize(source).toString();
        for (String[] args : new String[][] {{"check", source.toString()}, {"analyze", source.toString()}}) {
            Cli cli = Cli.run(args);
            assertEquals(0, cli.code(), cli.err());
            assertTrue(cli.err().lines().anyMatch(l -> l.endsWith(WARNING.substring(big.length()))), cli.err());
        }
        Path onnx = dir.resolve("big.onnx");
        Cli export = Cli.run("export", source.toString(), "--seed", "1", "-o", onnx.toString());
        Cli run = Cli.run("run", source.toString(), "--seed", "1", "--input", image.toString());
        for (Cli cli : new Cli[] {export, run}) {
            assertEquals(2, cli.code(), cli.err());
            String last = cli.err().lines().reduce((a, b) -> b).orElseThrow();
            assertTrue(last.endsWith(REFUSAL.substring(big.length())), cli.err());
            assertFalse(cli.err().contains("Exception"), cli.err());
        }
        assertFalse(Files.exists(onnx));
    }
}
