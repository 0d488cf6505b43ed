package io.cnnkit.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cnnkit.onnx.proto.Onnx.StringStringEntryProto;
import io.cnnkit.onnx.proto.Onnx.TensorProto;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExternalDataTest {
    @TempDir
    Path root;
    Path model;

    @BeforeEach
    void files() throws IOException {
        model = Files.createDirectories(root.resolve("model"));
        ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
        b.putFloat(9f).putFloat(1.5f).putFloat(-2f).putFloat(7f);
        Files.write(model.resolve("weights.bin"), b.array());
        Files.write(root.resolve("secret.bin"), b.array());
    }

    static TensorProto external(String location, String offset, String length, long... dims) {
        TensorProto.Builder t = TensorProto.newBuilder().setName("w").setDataType(TensorProto.DataType.FLOAT_VALUE)
                .setDataLocation(TensorProto.DataLocation.EXTERNAL)
                .addExternalData(StringStringEntryProto.newBuilder().setKey("location").setValue(location));
        if (offset != null) {
            t.addExternalData(StringStringEntryProto.newBuilder().setKey("offset").setValue(offset));
        }
        if (length != null) {
            t.addExternalData(StringStringEntryProto.newBuilder().setKey("length").setValue(length));
        }
        for (long d : dims) {
            t.addDims(d);
        }
        return t.build();
    }

    @Test
    void readsARangeOfAFileInTheModelsFolder() {
        assertArrayEquals(new float[] {1.5f, -2f}, OnnxTensors.toTensor(external("weights.bin", "4", "8", 2), model).toArray());
        assertArrayEquals(new float[] {9f, 1.5f, -2f, 7f}, OnnxTensors.toTensor(external("weights.bin", null, null, 2, 2), model).toArray());
    }

    @Test
    void refusesEscapesLiesAndMissingFiles() throws IOException {
        assertError(external("../secret.bin", null, null, 4), model, "outside the model's folder");
        assertError(external(root.resolve("secret.bin").toString(), null, null, 4), model, "outside the model's folder");
        Files.createSymbolicLink(model.resolve("link.bin"), root.resolve("secret.bin"));
        assertError(external("link.bin", null, null, 4), model, "links outside the model's folder");
        assertError(external("weights.bin", "12", null, 2), model, "lies outside 'weights.bin' of 16 bytes");
        assertError(external("weights.bin", null, "4", 2), model, "length 4 does not match the 8 bytes");
        assertError(external("weights.bin", "-1", null, 2), model, "offset '-1' is not a non-negative integer");
        assertError(external("absent.bin", null, null, 2), model, "does not exist");
        assertError(external("", null, null, 2), model, "without a location");
        assertError(external("weights.bin", null, null, 2), null, "not supported here");
    }

    static void assertError(TensorProto t, Path folder, String expected) {
        OnnxException e = assertThrows(OnnxException.class, () -> OnnxTensors.toTensor(t, folder));
        assertTrue(e.getMessage().startsWith("tensor 'w': ") && e.getMessage().contains(expected), e.getMessage());
    }
}
