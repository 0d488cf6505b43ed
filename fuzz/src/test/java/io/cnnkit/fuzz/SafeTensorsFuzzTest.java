package io.cnnkit.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.cnnkit.exec.io.SafeTensors;
import io.cnnkit.exec.io.WeightsException;
import java.nio.file.Path;

/** Any bytes as a safetensors file: the contents, or a {@link WeightsException}; nothing else. */
public class SafeTensorsFuzzTest {
    private static final Path FILE = FuzzFiles.scratch("w.safetensors");

    /** The libFuzzer entry point (long runs through Jazzer's main; docs/robustness.md). */
    public static void fuzzerTestOneInput(byte[] data) {
        FuzzFiles.write(FILE, data);
        try {
            SafeTensors.read(FILE);
        } catch (WeightsException expected) {
            // a clear refusal is the contract
        }
    }

    @FuzzTest(maxDuration = "20s")
    void safetensors(byte[] data) {
        fuzzerTestOneInput(data);
    }
}
