package io.cnnkit.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.cnnkit.exec.io.ImagePreprocessing;
import io.cnnkit.exec.io.Images;
import io.cnnkit.exec.io.InputException;
import java.nio.file.Path;

/** Any bytes as an image (PNG, JPEG, BMP ...) through decoding, resizing, cropping and normalising. */
public class ImageFuzzTest {
    private static final Path FILE = FuzzFiles.scratch("image");
    private static final ImagePreprocessing RGB = ImagePreprocessing.forInput(3, 16, 16);
    private static final ImagePreprocessing GREY = ImagePreprocessing.forInput(1, 7, 5);

    public static void fuzzerTestOneInput(byte[] data) {
        if (data.length == 0) {
            return;
        }
        FuzzFiles.write(FILE, java.util.Arrays.copyOfRange(data, 1, data.length));
        try {
            Images.load(FILE, (data[0] & 1) == 0 ? RGB : GREY);
        } catch (InputException expected) {
            // a clear refusal is the contract
        }
    }

    @FuzzTest(maxDuration = "20s")
    void image(byte[] data) {
        fuzzerTestOneInput(data);
    }
}
