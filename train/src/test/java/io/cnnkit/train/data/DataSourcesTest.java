package io.cnnkit.train.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The readers on small files written here, the Fashion-MNIST package, errors, and the loader's determinism. */
class DataSourcesTest {
    @TempDir
    Path dir;

    private Path idx(String name, int magic, int[] dims, byte[] data, boolean gzip) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(magic);
        for (int d : dims) {
            out.writeInt(d);
        }
        out.write(data);
        Path file = dir.resolve(name);
        try (OutputStream f = gzip ? new GZIPOutputStream(Files.newOutputStream(file)) : Files.newOutputStream(file)) {
            f.write(bytes.toByteArray());
        }
        return file;
    }

    @Test
    void readsIdxGzippedOrNot() throws IOException {
        byte[] pixels = new byte[3 * 2 * 2];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) (i * 20);
        }
        Path images = idx("img.gz", 0x803, new int[] {3, 2, 2}, pixels, true);
        Path labels = idx("lab", 0x801, new int[] {3}, new byte[] {7, 0, 9}, false);
        Dataset d = DataSources.open("idx:" + images + "," + labels, new int[] {1, 2, 2});
        assertEquals(3, d.size());
        assertArrayEquals(new int[] {1, 2, 2}, d.shape());
        assertEquals(9, d.label(2));
        float[] one = new float[4];
        d.image(1, one, 0);
        assertEquals(80 / 255f, one[0], 1e-7);

        Path fewer = idx("lab2", 0x801, new int[] {2}, new byte[] {1, 2}, false);
        DataException e = assertThrows(DataException.class,
                () -> DataSources.open("idx:" + images + "," + fewer, new int[] {1, 2, 2}));
        assertTrue(e.getMessage().contains("label count does not match") && e.getMessage().contains("2 labels"),
                e.getMessage());
        assertThrows(DataException.class, () -> DataSources.open("idx:" + labels + "," + labels, new int[] {1, 2, 2}));
    }

    @Test
    void readsCifar10Batches() throws IOException {
        byte[] records = new byte[2 * 3073];
        records[0] = 3;
        records[3073] = 8;
        records[3073 + 1 + 1024] = (byte) 255;  // second image, green plane, first pixel
        Path file = Files.write(dir.resolve("data_batch_1.bin"), records);
        Dataset d = DataSources.open("cifar10:" + file, new int[] {3, 32, 32});
        assertEquals(2, d.size());
        assertEquals(8, d.label(1));
        float[] img = new float[3072];
        d.image(1, img, 0);
        assertEquals(1f, img[1024]);
        Files.write(dir.resolve("bad.bin"), new byte[100]);
        assertThrows(DataException.class, () -> DataSources.open("cifar10:" + dir.resolve("bad.bin"), new int[] {3, 32, 32}));
    }

    /** A safetensors file with uint8 images [n, 1, 2, 2] and int64 labels, written byte by byte. */
    private Path safetensors(int images, int labels, long firstLabel) throws IOException {
        String header = "{\"images\":{\"dtype\":\"U8\",\"shape\":[" + images + ",1,2,2],\"data_offsets\":[0,"
                + images * 4 + "]},\"labels\":{\"dtype\":\"I64\",\"shape\":[" + labels + "],\"data_offsets\":["
                + images * 4 + "," + (images * 4 + labels * 8) + "]}}";
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + images * 4 + labels * 8).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h);
        for (int i = 0; i < images * 4; i++) {
            b.put((byte) i);
        }
        for (int i = 0; i < labels; i++) {
            b.putLong(i == 0 ? firstLabel : i);
        }
        return Files.write(dir.resolve("d" + images + labels + firstLabel + ".safetensors"), b.array());
    }

    @Test
    void readsSafetensorsAndChecksLabels() throws IOException {
        Dataset d = DataSources.open(safetensors(3, 3, 2).toString(), new int[] {1, 2, 2});
        assertEquals(3, d.size());
        assertEquals(2, d.label(0));
        float[] img = new float[4];
        d.image(2, img, 0);
        assertEquals(8 / 255f, img[0], 1e-7);
        DataException mismatch = assertThrows(DataException.class,
                () -> DataSources.open("safetensors:" + safetensors(3, 2, 0), new int[] {1, 2, 2}));
        assertTrue(mismatch.getMessage().contains("2 labels and 3 images"), mismatch.getMessage());
        Dataset outOfRange = DataSources.open(safetensors(2, 2, 12).toString(), new int[] {1, 2, 2});
        DataException range = assertThrows(DataException.class, () -> BatchLoader.checkLabels(outOfRange, 10));
        assertTrue(range.getMessage().contains("label 12 of sample 0 is out of range for the network's 10 classes"),
                range.getMessage());
    }

    @Test
    void shapeMismatchNamesBothShapesAndSuggestsPadding() {
        Augmentation none = Augmentation.none(1);
        DataException e = assertThrows(DataException.class,
                () -> none.check(new int[] {1, 28, 28}, new int[] {1, 32, 32}, "image"));
        assertEquals("the images are 1x28x28 but the network's input 'image' is 1x32x32 (--pad 2 would fit)",
                e.getMessage());
        new Augmentation(2, 0, false, false, new float[] {0}, new float[] {1})
                .check(new int[] {1, 28, 28}, new int[] {1, 32, 32}, "image");
    }

    @Test
    void fashionMnistFromTheDebianPackage() {
        Dataset test = DataSources.open("fashion-mnist:test", new int[] {1, 28, 28});
        assertEquals(10000, test.size());
        assertArrayEquals(new int[] {1, 28, 28}, test.shape());
        assertEquals(9, test.label(0));  // the first test image is an ankle boot
        assertEquals("Ankle boot", test.classNames().get(9));
    }

    @Test
    void loaderIsSeededAndAugmentsPerSample() throws IOException {
        byte[] pixels = new byte[10 * 16];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) (i * 7);
        }
        byte[] labels = new byte[10];
        for (int i = 0; i < 10; i++) {
            labels[i] = (byte) i;
        }
        Dataset d = DataSources.open("idx:" + idx("i", 0x803, new int[] {10, 4, 4}, pixels, false) + ","
                + idx("l", 0x801, new int[] {10}, labels, false), new int[] {1, 4, 4});
        Augmentation aug = new Augmentation(0, 1, true, false, new float[] {0.5f}, new float[] {0.25f});
        List<int[]> first = labelsOf(d, aug, 1, 0), again = labelsOf(d, aug, 1, 0), other = labelsOf(d, aug, 1, 1);
        for (int i = 0; i < first.size(); i++) {
            assertArrayEquals(first.get(i), again.get(i));
        }
        assertEquals(4, first.size());  // 3 + 3 + 3 + 1
        assertEquals(1, first.get(3).length);
        boolean differs = false;
        for (int i = 0; i < first.size(); i++) {
            differs |= !java.util.Arrays.equals(first.get(i), other.get(i));
        }
        assertTrue(differs, "another epoch, another order");
        try (BatchLoader eval = new BatchLoader(d, Augmentation.none(1), new int[] {1, 4, 4}, 4, false, 1, 0, false)) {
            Batch b = eval.next();
            assertArrayEquals(new int[] {0, 1, 2, 3}, b.labels());
            assertEquals(7 / 255f, b.images().get(1), 1e-7);
            assertFalse(eval.next() == null);
            eval.next();
            assertNull(eval.next());
        }
    }

    @Test
    void readsImageFoldersAndSkipsUnreadableImagesWhenAsked() throws IOException {
        for (String cls : List.of("cat", "dog")) {
            Files.createDirectories(dir.resolve("root").resolve(cls));
            for (int i = 0; i < 2; i++) {
                java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(6, 4,
                        java.awt.image.BufferedImage.TYPE_INT_RGB);
                img.setRGB(0, 0, cls.equals("cat") ? 0xff0000 : 0x0000ff);
                javax.imageio.ImageIO.write(img, "png", dir.resolve("root").resolve(cls).resolve(i + ".png").toFile());
            }
        }
        Files.writeString(dir.resolve("root/dog/broken.png"), "not a png");
        Dataset d = DataSources.open("folder:" + dir.resolve("root"), new int[] {3, 4, 4});
        assertEquals(List.of("cat", "dog"), d.classNames());
        assertEquals(5, d.size());
        assertEquals(0, d.label(1));
        assertEquals(1, d.label(4));
        assertArrayEquals(new int[] {3, 4, 4}, d.shape());
        try (BatchLoader strict = new BatchLoader(d, Augmentation.none(3), new int[] {3, 4, 4}, 8, false, 0, 0, false)) {
            DataException e = assertThrows(DataException.class, strict::next);
            assertTrue(e.getMessage().contains("broken.png"), e.getMessage());
        }
        try (BatchLoader lenient = new BatchLoader(d, Augmentation.none(3), new int[] {3, 4, 4}, 8, false, 0, 0, true)) {
            Batch b = lenient.next();
            assertEquals(4, b.labels().length);
            assertEquals(1, b.skipped());
        }
        Dataset[] parts = DataSources.split(d, 0.4, 1);
        assertEquals(3, parts[0].size());
        assertEquals(2, parts[1].size());
    }

    @Test
    void flipsMirrorAndRandomResizedCropsStayInTheImage() {
        float[] src = new float[12];
        for (int i = 0; i < src.length; i++) {
            src[i] = i;
        }
        Augmentation flip = new Augmentation(0, 0, true, false, new float[] {0}, new float[] {1});
        int mirrored = 0;
        for (int sample = 0; sample < 20; sample++) {
            float[] out = new float[12];
            flip.apply(src, new int[] {1, 3, 4}, new int[] {1, 3, 4}, new java.util.SplittableRandom(sample), out, 0);
            boolean same = java.util.Arrays.equals(out, src);
            assertTrue(same || (out[0] == 3 && out[3] == 0 && out[4] == 7), java.util.Arrays.toString(out));
            mirrored += same ? 0 : 1;
        }
        assertTrue(mirrored > 3 && mirrored < 17, "about half flipped: " + mirrored);
        for (int sample = 0; sample < 50; sample++) {
            int[] box = Augmentation.resizedCropBox(30, 40, new java.util.SplittableRandom(sample));
            assertTrue(box[0] >= 0 && box[1] >= 0 && box[2] > 0 && box[3] > 0 && box[0] + box[2] <= 30
                    && box[1] + box[3] <= 40, java.util.Arrays.toString(box));
        }
        Augmentation rrc = new Augmentation(0, 0, false, true, new float[] {0}, new float[] {1});
        float[] out = new float[4];
        rrc.apply(src, new int[] {1, 3, 4}, new int[] {1, 2, 2}, new java.util.SplittableRandom(5), out, 0);
        for (float v : out) {
            assertTrue(v >= 0 && v <= 11, java.util.Arrays.toString(out));
        }
    }

    private static List<int[]> labelsOf(Dataset d, Augmentation aug, long seed, int epoch) {
        List<int[]> out = new ArrayList<>();
        try (BatchLoader loader = new BatchLoader(d, aug, new int[] {1, 4, 4}, 3, true, seed, epoch, false)) {
            for (Batch b = loader.next(); b != null; b = loader.next()) {
                out.add(b.labels());
            }
        }
        return out;
    }
}
