package io.cnnkit.exec.io;

import static io.cnnkit.exec.io.TorchFixturesTest.fixture;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cnnkit.exec.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Preprocessing against torchvision's (scripts/make_torch_fixtures.py): a random 48x36 image,
 * Resize(36), CenterCrop(32), ToTensor, ImageNet Normalize.
 */
class ImagesTest {
    @TempDir
    Path dir;

    static final ImagePreprocessing RGB = ImagePreprocessing.forInput(3, 32, 32).withResizeShorter(36);
    static final Map<String, Tensor> EXPECTED = SafeTensors.read(fixture("images/expected.safetensors")).tensors();

    static Path image(String name) {
        return fixture("images/" + name);
    }

    static float maxDifference(Tensor expected, Tensor actual) {
        assertEquals(expected.size(), actual.size());
        float max = 0;
        for (int i = 0; i < expected.size(); i++) {
            max = Math.max(max, Math.abs(expected.get(i) - actual.get(i)));
        }
        return max;
    }

    @Test
    void matchesTorchvisionsFloatAntialiasedResize() {
        Tensor t = Images.load(image("rgb.png"), RGB);
        assertArrayEquals(new int[] {1, 3, 32, 32}, t.shape());
        assertTrue(maxDifference(EXPECTED.get("rgb_tensor_aa"), t) < 1e-4, "max diff " + maxDifference(EXPECTED.get("rgb_tensor_aa"), t));
    }

    @Test
    void differsFromTorchvisionOnPilImagesOnlyByPilsEightBitRounding() {
        Tensor t = Images.load(image("rgb.png"), RGB);
        // PIL rounds to 8 bits after each pass: at most ~1/255 per pass, divided by std ≥ 0.224
        float diff = maxDifference(EXPECTED.get("rgb_pil"), t);
        assertTrue(diff <= 2.5f / 255 / 0.224f, "max diff " + diff);
    }

    @Test
    void unnormalisedValuesAndMeanStdAreConfigurable() {
        ImagePreprocessing raw = RGB.withNormalization(new float[] {0, 0, 0}, new float[] {1, 1, 1});
        Tensor t = Images.load(image("rgb.png"), raw);
        assertTrue(maxDifference(EXPECTED.get("rgb_unnormalised_tensor_aa"), t) < 1e-5);
    }

    @Test
    void bmpAndRgbaGiveTheSamePixelsAsPng() {
        Tensor png = Images.load(image("rgb.png"), RGB);
        assertArrayEquals(png.toArray(), Images.load(image("rgb.bmp"), RGB).toArray());
        assertArrayEquals(png.toArray(), Images.load(image("rgba.png"), RGB).toArray(), "alpha is dropped");
    }

    @Test
    void jpegDecodesCloseToPil() {
        // decoders (libjpeg in PIL, the JDK's) may differ in IDCT and chroma upsampling by a few levels
        float diff = maxDifference(EXPECTED.get("jpeg_pil"), Images.load(image("rgb.jpg"), RGB));
        assertTrue(diff <= 12f / 255 / 0.224f, "max diff " + diff);
    }

    @Test
    void greyImagesAreReadFromTheirSamplesAndReplicatedForRgb() {
        ImagePreprocessing grey = new ImagePreprocessing(1, 32, 32, 36, new float[] {0}, new float[] {1});
        Tensor g = Images.load(image("grey.png"), grey);
        assertArrayEquals(new int[] {1, 1, 32, 32}, g.shape());
        assertTrue(maxDifference(EXPECTED.get("grey_tensor_aa"), g) < 1e-5);
        Tensor asRgb = Images.load(image("grey.png"),
                RGB.withNormalization(new float[] {0, 0, 0}, new float[] {1, 1, 1}));
        for (int c = 0; c < 3; c++) {
            assertArrayEquals(g.toArray(), Arrays.copyOfRange(asRgb.toArray(), c * 1024, (c + 1) * 1024));
        }
    }

    @Test
    void rgbToGreyUsesItuR601Luma() {
        ImagePreprocessing grey = new ImagePreprocessing(1, 32, 32, 36, new float[] {0}, new float[] {1});
        ImagePreprocessing rgb = RGB.withNormalization(new float[] {0, 0, 0}, new float[] {1, 1, 1});
        Tensor g = Images.load(image("rgb.png"), grey);
        Tensor c = Images.load(image("rgb.png"), rgb);
        for (int i = 0; i < 1024; i++) {
            float luma = 0.299f * c.get(i) + 0.587f * c.get(1024 + i) + 0.114f * c.get(2048 + i);
            assertEquals(luma, g.get(i), 1e-5);
        }
    }

    @Test
    void batchFromAFolderInNameOrderWithProgress() throws IOException {
        for (String name : List.of("rgb.png", "rgb.bmp", "rgba.png")) {
            Files.copy(image(name), dir.resolve("b_" + name));
        }
        Files.writeString(dir.resolve("notes.txt"), "not an image");
        List<Path> files = Images.listFolder(dir);
        assertEquals(List.of("b_rgb.bmp", "b_rgb.png", "b_rgba.png"),
                files.stream().map(p -> p.getFileName().toString()).toList());
        List<Integer> progress = new ArrayList<>();
        Tensor batch = Images.loadBatch(files, RGB, progress::add);
        assertArrayEquals(new int[] {3, 3, 32, 32}, batch.shape());
        assertEquals(List.of(1, 2, 3), progress);
        float[] one = Images.load(image("rgb.png"), RGB).toArray();
        assertArrayEquals(one, Arrays.copyOfRange(batch.toArray(), 2 * one.length, 3 * one.length));
    }

    @ParameterizedTest
    @ValueSource(strings = {"rgb.png", "rgb.jpg", "rgb.bmp"})
    void truncatedImagesGiveAClearError(String name) throws IOException {
        byte[] full = Files.readAllBytes(image(name));
        for (int len : new int[] {0, 10, full.length / 3, full.length * 2 / 3, full.length - 20}) {
            Path cut = dir.resolve("cut_" + len + "_" + name);
            Files.write(cut, Arrays.copyOf(full, len));
            InputException e = assertThrows(InputException.class, () -> Images.load(cut, RGB), name + " cut at " + len);
            assertTrue(e.getMessage().startsWith(cut.toString() + ": "), e.getMessage());
        }
    }

    /**
     * Damaged images are described in a person's words, with how far decoding got: none of the JDK
     * decoders' own messages ("Bogus marker length", "EOFException", "null").
     */
    @ParameterizedTest
    @ValueSource(strings = {"rgb.png", "rgb.jpg", "rgb.bmp"})
    void damagedImagesAreDescribedWithoutTheDecodersWords(String name) throws IOException {
        byte[] full = Files.readAllBytes(image(name));
        java.util.regex.Pattern clear = java.util.regex.Pattern.compile(": (the (PNG|JPEG|BMP) image is damaged and cannot"
                + " be decoded( \\(([a-zA-Z ]+, )?found at byte [\\d,]+ of [\\d,]+\\))?; save it again with an image"
                + " editor or leave it out|not a PNG, JPEG or BMP image|truncated PNG .*)$");
        java.util.Random random = new java.util.Random(7);
        int damaged = 0;
        for (int trial = 0; trial < 60; trial++) {
            byte[] bytes = full.clone();
            int at = 2 + random.nextInt(Math.min(bytes.length - 2, 400));
            for (int k = 0; k < 1 + trial % 4; k++) {
                bytes[Math.min(bytes.length - 1, at + k)] = (byte) random.nextInt(256);
            }
            Path file = dir.resolve(trial + "_" + name);
            Files.write(file, trial % 3 == 0 ? Arrays.copyOf(bytes, bytes.length / 2) : bytes);
            try {
                Images.load(file, RGB);
            } catch (InputException e) {
                damaged++;
                String message = e.getMessage();
                assertTrue(message.startsWith(file + ": ") && clear.matcher(message.substring(file.toString().length()))
                        .matches(), message);
            }
        }
        assertTrue(damaged > 20, "only " + damaged + " of 60 damaged images were refused");
    }

    @Test
    void theDecodersMessagesAreTranslated() {
        assertEquals("a compression table is missing or damaged", Images.plainReason("Bogus Huffman table definition"));
        assertEquals("its JPEG markers are damaged", Images.plainReason("Bogus marker length"));
        assertEquals("the compressed pixel data is damaged", Images.plainReason("Error reading PNG image data"));
        assertEquals("the file ends early", Images.plainReason("Premature end of JPEG file"));
        assertEquals("", Images.plainReason("null"));
    }

    @Test
    void unsupportedOrMissingFilesGiveAClearError() throws IOException {
        Path text = dir.resolve("x.png");
        Files.writeString(text, "hello");
        assertEquals(text + ": not a PNG, JPEG or BMP image",
                assertThrows(InputException.class, () -> Images.load(text, RGB)).getMessage());
        Path missing = dir.resolve("missing.png");
        assertEquals(missing + ": no such file",
                assertThrows(InputException.class, () -> Images.load(missing, RGB)).getMessage());
        assertEquals("/dev/zero: not a regular file (a device, FIFO or socket)",
                assertThrows(InputException.class, () -> Images.load(Path.of("/dev/zero"), RGB)).getMessage());
        assertThrows(InputException.class, () -> Images.listFolder(dir.resolve("nowhere")));
        Path gif = dir.resolve("a.gif");
        javax.imageio.ImageIO.write(new java.awt.image.BufferedImage(2, 2, java.awt.image.BufferedImage.TYPE_BYTE_INDEXED),
                "gif", gif.toFile());
        assertTrue(assertThrows(InputException.class, () -> Images.load(gif, RGB)).getMessage()
                .contains("gif images are not supported"));
    }

    @Test
    void invalidPreprocessingIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> ImagePreprocessing.forInput(4, 32, 32));
        assertThrows(IllegalArgumentException.class, () -> ImagePreprocessing.forInput(3, 32, 32).withResizeShorter(20));
        assertThrows(IllegalArgumentException.class,
                () -> RGB.withNormalization(new float[] {0, 0, 0}, new float[] {1, 0, 1}));
        assertEquals(256, ImagePreprocessing.forInput(3, 224, 224).resizeShorter());
    }
}
