package io.cnnkit.onnx;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where Debian's libonnx-testdata keeps the ONNX backend node tests. */
public final class OnnxBackendData {
    public static final Path NODE_TESTS = Path.of(System.getProperty("cnnkit.onnx.testdata",
            "/usr/share/libonnx-testdata/data/node"));

    private OnnxBackendData() {
    }

    /** The node tests folder, or a test failure telling how to install it. */
    public static Path nodeTests() {
        if (!Files.isDirectory(NODE_TESTS)) {
            fail("ONNX backend test data not found at " + NODE_TESTS + ": install Debian's libonnx-testdata "
                    + "(run the test command in the README; .ci/run installs it)");
        }
        return NODE_TESTS;
    }
}
