package io.cnnkit.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.cnnkit.onnx.OnnxException;
import io.cnnkit.onnx.imports.OnnxImporter;
import io.cnnkit.onnx.imports.UnsupportedModelException;
import java.nio.file.Path;

/** Any bytes as an ONNX model: an imported network, or an invalid- or unsupported-model error. */
public class OnnxImportFuzzTest {
    private static final Path FILE = FuzzFiles.scratch("m.onnx");

    public static void fuzzerTestOneInput(byte[] data) {
        FuzzFiles.write(FILE, data);
        try {
            OnnxImporter.importModel(FILE, "m.cnn");
        } catch (OnnxException | UnsupportedModelException expected) {
            // a clear refusal is the contract
        }
    }

    @FuzzTest(maxDuration = "20s")
    void onnxImport(byte[] data) {
        fuzzerTestOneInput(data);
    }
}
