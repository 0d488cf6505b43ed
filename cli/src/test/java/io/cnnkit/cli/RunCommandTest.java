package io.cnnkit.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cnnkit.exec.Tensor;
import io.cnnkit.exec.io.SafeTensors;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunCommandTest {
    private static final String NET = """
            network Tiny
            input image: 3x16x16
            output logits = image -> c1: conv(4, 3, pad=1) -> relu -> maxpool(2) -> flatten -> fc: dense(5)
            """;

    @TempDir
    Path dir;
    String model;

    @BeforeEach
    void writeModel() throws IOException {
        model = Files.writeString(dir.resolve("tiny.cnn"), NET).toString();
    }

    private Path image(String name, int w, int h) throws IOException {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, (x * 7 + y * 13) % 256 << 16 | (x * y) % 256 << 8 | (255 - x));
            }
        }
        Path file = dir.resolve(name);
        ImageIO.write(img, name.substring(name.lastIndexOf('.') + 1), file.toFile());
        return file;
    }

    @Test
    void runsImagesWithSeededWeightsAndPrintsTopK() throws IOException {
        Path a = image("a.png", 40, 30);
        Path b = image("b.bmp", 20, 20);
        Path labels = Files.writeString(dir.resolve("labels.txt"), "zero\none\ntwo\nthree\nfour\n");
        Path out = dir.resolve("out.safetensors");
        Cli r = Cli.run("run", model, "--seed", "7", "--input", a.toString(), b.toString(), "--top", "3",
                "--labels", labels.toString(), "--output", out.toString(), "--threads", "1");
        assertEquals(ExitCode.OK, r.code(), r.err());
        assertTrue(r.out().startsWith(a + " (logits):\n"), r.out());
        assertEquals(2 * 4, r.out().lines().count(), r.out());
        Map<String, Tensor> saved = SafeTensors.read(out).tensors();
        assertArrayEquals(new int[] {2, 5}, saved.get("logits").shape());
        // The same seed gives the same outputs; another seed does not.
        Path again = dir.resolve("again.safetensors");
        Cli.run("run", model, "--seed", "7", "--input", a.toString(), b.toString(), "--output", again.toString());
        assertArrayEquals(saved.get("logits").toArray(), SafeTensors.read(again).tensors().get("logits").toArray());
    }

    @Test
    void weightsRoundTripThroughSafetensors() throws IOException {
        Path input = dir.resolve("x.safetensors");
        float[] values = new float[3 * 16 * 16];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) Math.sin(i);
        }
        SafeTensors.write(input, Map.of("image", Tensor.of(values, 3, 16, 16)));
        Cli r = Cli.run("run", model, "--input", input.toString(), "--top", "1");
        assertEquals(ExitCode.OK, r.code(), r.err());
        assertTrue(r.err().contains("weights initialised from seed 0"), r.err());
    }

    @Test
    void brokenInputsAreClearErrorsAndLeaveNoOutput() throws IOException {
        Path broken = Files.write(dir.resolve("broken.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3});
        Path out = dir.resolve("never.safetensors");
        Cli r = Cli.run("run", model, "--input", broken.toString(), "--output", out.toString());
        assertEquals(ExitCode.INVALID_INPUT, r.code());
        assertTrue(r.err().lines().anyMatch(l -> l.startsWith("cnn run: ")), r.err());
        assertFalse(r.err().contains("\tat "), r.err());
        assertFalse(Files.exists(out));

        Path labels = Files.writeString(dir.resolve("three.txt"), "a\nb\nc\n");
        Cli mismatch = Cli.run("run", model, "--input", image("c.png", 16, 16).toString(), "--labels", labels.toString());
        assertEquals(ExitCode.INVALID_INPUT, mismatch.code());
        assertTrue(mismatch.err().contains("3 labels but the network has 5 classes"), mismatch.err());
    }

    @Test
    void normalisationAndResizeAreOptionsCheckedLikeInput() throws IOException {
        String img = image("e.png", 20, 24).toString();
        Cli plain = Cli.run("run", model, "--input", img, "--top", "5");
        Cli half = Cli.run("run", model, "--input", img, "--top", "5", "--mean", "0.5,0.5,0.5", "--std", "0.5,0.5,0.5");
        assertEquals(ExitCode.OK, half.code(), half.err());
        assertFalse(plain.out().equals(half.out()), "other statistics, other scores");
        Cli wrong = Cli.run("run", model, "--input", img, "--mean", "0.5,0.5");
        assertEquals(ExitCode.INVALID_INPUT, wrong.code());
        assertTrue(wrong.err().contains("mean and std need 3 values"), wrong.err());
        Cli small = Cli.run("run", model, "--input", img, "--resize", "8");
        assertEquals(ExitCode.INVALID_INPUT, small.code());
        assertTrue(small.err().contains("leaves too little for a 16x16 crop"), small.err());
    }

    @Test
    void weightsThatDoNotFitAreListedInOneError() throws IOException {
        Path weights = dir.resolve("w.safetensors");
        SafeTensors.write(weights, Map.of("c1.weight", Tensor.zeros(4, 3, 5, 5), "extra", Tensor.zeros(1)));
        Cli r = Cli.run("run", model, "--weights", weights.toString(), "--input", image("d.png", 16, 16).toString());
        assertEquals(ExitCode.INVALID_INPUT, r.code());
        for (String name : new String[] {"c1.weight", "c1.bias", "fc.weight", "fc.bias", "extra"}) {
            assertTrue(r.err().contains(name), name + " missing from: " + r.err());
        }
    }
}
