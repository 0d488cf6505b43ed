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
import java.util.List;
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
        assertTrue(r.out().startsWith(model + " (random weights, seed 7: the classes below mean nothing; give --weights)\n"
                + a + " (logits):\n"), r.out());
        assertEquals(1 + 2 * 4, r.out().lines().count(), r.out());
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

    @Test
    void jsonAndCsvGiveEachInputsPathAndClasses() throws IOException {
        Path a = image("a.png", 40, 30);
        Path b = image("b,quoted.png", 20, 20);
        Path labels = Files.writeString(dir.resolve("labels.txt"), "zero\none\ntwo \"2\"\nthree\nfour\n");
        Cli table = Cli.run("run", model, "--input", a.toString(), b.toString(), "--top", "2", "--labels", labels.toString());
        Cli json = Cli.run("run", model, "--input", a.toString(), b.toString(), "--top", "2", "--labels", labels.toString(),
                "--format", "json");
        assertEquals(ExitCode.OK, json.code(), json.err());
        com.fasterxml.jackson.databind.JsonNode doc = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json.out());
        assertTrue(doc.get("random_weights").booleanValue());
        assertEquals(0, doc.get("seed").intValue());
        assertEquals(2, doc.get("results").size());
        assertEquals(b.toString(), doc.get("results").get(1).get("input").textValue());
        com.fasterxml.jackson.databind.JsonNode first = doc.get("results").get(0).get("top").get(0);
        // the same class and probability as the table's first line for a.png
        String tableLine = table.out().lines().toList().get(2).trim();
        assertTrue(tableLine.startsWith(String.format(java.util.Locale.ROOT, "%.2f%%", 100 * first.get("probability").doubleValue())),
                tableLine + " vs " + first);
        assertTrue(tableLine.endsWith(first.get("label").textValue()), tableLine);

        Cli csv = Cli.run("run", model, "--input", a.toString(), b.toString(), "--top", "2", "--labels", labels.toString(),
                "--format", "csv", "--seed", "0");
        assertEquals(ExitCode.OK, csv.code(), csv.err());
        List<String> rows = csv.out().lines().toList();
        assertEquals("input,output,rank,class,label,probability,weights", rows.get(0));
        assertEquals(1 + 2 * 2, rows.size(), csv.out());
        assertTrue(rows.get(3).startsWith("\"" + b + "\",logits,1,"), rows.get(3));
        assertTrue(rows.get(1).endsWith(",random (seed 0)"), rows.get(1));
    }

    @Test
    void aCorruptFileInAFolderStopsOrIsSkippedAndCounted() throws IOException {
        Path folder = Files.createDirectory(dir.resolve("images"));
        for (int i = 0; i < 20; i++) {
            Files.move(image("i" + i + ".png", 18, 16), folder.resolve(String.format("%02d.png", i)));
        }
        Files.write(folder.resolve("07b.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 0});
        Cli stop = Cli.run("run", model, "--input", folder.toString(), "--top", "1");
        assertEquals(ExitCode.INVALID_INPUT, stop.code());
        assertTrue(stop.err().contains("07b.png") && stop.err().contains("(--on-error skip skips such files)"), stop.err());
        Cli skip = Cli.run("run", model, "--input", folder.toString(), "--top", "1", "--on-error", "skip",
                "--format", "json");
        assertEquals(ExitCode.OK, skip.code(), skip.err());
        assertTrue(skip.err().contains("cnn run: skipped 1 of 21 images that could not be read"), skip.err());
        com.fasterxml.jackson.databind.JsonNode doc = new com.fasterxml.jackson.databind.ObjectMapper().readTree(skip.out());
        assertEquals(20, doc.get("results").size());
        assertEquals(folder.resolve("07b.png").toString(), doc.get("skipped").get(0).get("input").textValue());
        // results keep the folder's order across the chunks of 16
        assertEquals(folder.resolve("19.png").toString(), doc.get("results").get(19).get("input").textValue());
    }

    @Test
    void outOfRangeOptionsAndDeviceLabelsAreClearErrors() throws IOException {
        String img = image("o.png", 16, 16).toString();
        Cli threads = Cli.run("run", model, "--input", img, "--threads", "100000");
        assertEquals(ExitCode.INVALID_INPUT, threads.code());
        assertEquals("cnn run: --threads must be between 1 and 256, got 100000\n", threads.err());
        Cli resize = Cli.run("run", model, "--input", img, "--resize", "2147483647");
        assertEquals(ExitCode.INVALID_INPUT, resize.code());
        assertEquals("cnn run: --resize must be between 1 and 16384 pixels, got 2147483647\n", resize.err());
        Cli zero = Cli.run("run", model, "--input", img, "--labels", "/dev/zero");
        assertEquals(ExitCode.INVALID_INPUT, zero.code());
        assertTrue(zero.err().contains("cnn run: /dev/zero: not a regular file"), zero.err());
    }

    @Test
    void givenWeightsAreNamedInTheHeader() throws IOException {
        Path weights = dir.resolve("w.safetensors");
        SafeTensors.write(weights, Map.of("c1.weight", Tensor.zeros(4, 3, 3, 3), "c1.bias", Tensor.zeros(4),
                "fc.weight", Tensor.zeros(5, 256), "fc.bias", Tensor.zeros(5)));
        Cli r = Cli.run("run", model, "--weights", weights.toString(), "--input", image("w.png", 16, 16).toString());
        assertEquals(ExitCode.OK, r.code(), r.err());
        assertTrue(r.out().startsWith(model + " with weights " + weights + "\n"), r.out());
        assertFalse(r.out().contains("random"), r.out());
    }

    @Test
    void outputsOfEveryChunkAreSavedInInputOrder() throws IOException {
        Path folder = Files.createDirectory(dir.resolve("many"));
        for (int i = 0; i < 20; i++) {
            Files.move(image("m" + i + ".png", 16 + i, 16), folder.resolve(String.format("%02d.png", i)));
        }
        Path all = dir.resolve("all.safetensors");
        Cli r = Cli.run("run", model, "--input", folder.toString(), "--output", all.toString(), "--format", "csv");
        assertEquals(ExitCode.OK, r.code(), r.err());
        Tensor logits = SafeTensors.read(all).tensors().get("logits");
        assertArrayEquals(new int[] {20, 5}, logits.shape());
        // image 17 is in the second chunk of 16: its row equals a run of it alone
        Path one = dir.resolve("one.safetensors");
        Cli alone = Cli.run("run", model, "--input", folder.resolve("17.png").toString(), "--output", one.toString());
        assertEquals(ExitCode.OK, alone.code(), alone.err());
        float[] row = java.util.Arrays.copyOfRange(logits.toArray(), 17 * 5, 18 * 5);
        assertArrayEquals(SafeTensors.read(one).tensors().get("logits").toArray(), row, 1e-5f);
    }
}
