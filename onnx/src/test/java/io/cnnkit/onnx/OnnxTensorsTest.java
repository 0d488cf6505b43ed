package io.cnnkit.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.cnnkit.exec.Tensor;
import io.cnnkit.onnx.proto.Onnx.ModelProto;
import io.cnnkit.onnx.proto.Onnx.TensorProto;
import io.cnnkit.onnx.proto.Onnx.TensorProto.DataType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxTensorsTest {
    @TempDir
    Path dir;

    static Path conv() {
        return OnnxBackendData.nodeTests().resolve("test_basic_conv_with_padding");
    }

    @Test
    void readsTheOnnxTestDataOfAConv() {
        Path conv = conv();
        ModelProto model = OnnxFiles.readModel(conv.resolve("model.onnx"));
        assertEquals("Conv", model.getGraph().getNode(0).getOpType());
        assertTrue(OnnxFiles.opsetVersion(model) >= 11);
        // the test's documented input: x = arange(25) as [1, 1, 5, 5]; weight all ones [1, 1, 3, 3]
        Tensor x = OnnxTensors.toTensor(OnnxFiles.readTensor(conv.resolve("test_data_set_0/input_0.pb")));
        assertArrayEquals(new int[] {1, 1, 5, 5}, x.shape());
        for (int i = 0; i < 25; i++) {
            assertEquals(i, x.get(i));
        }
        Tensor w = OnnxTensors.toTensor(OnnxFiles.readTensor(conv.resolve("test_data_set_0/input_1.pb")));
        assertArrayEquals(new int[] {1, 1, 3, 3}, w.shape());
        for (float v : w.toArray()) {
            assertEquals(1f, v);
        }
    }

    @Test
    void floatRoundTripThroughRawData() {
        Tensor t = Tensor.of(new float[] {1.5f, -2f, 0f, Float.MAX_VALUE, -0f, 3.25f}, 2, 3);
        TensorProto p = OnnxTensors.fromTensor("w", t);
        assertEquals("w", p.getName());
        assertEquals(24, p.getRawData().size());
        Tensor back = OnnxTensors.toTensor(p);
        assertArrayEquals(t.shape(), back.shape());
        assertArrayEquals(t.toArray(), back.toArray());
    }

    @Test
    void typedFieldsAndHalfFloats() {
        TensorProto f = TensorProto.newBuilder().setDataType(DataType.FLOAT_VALUE).addDims(2)
                .addFloatData(1f).addFloatData(-3f).build();
        assertArrayEquals(new float[] {1f, -3f}, OnnxTensors.toTensor(f).toArray());
        TensorProto h = TensorProto.newBuilder().setDataType(DataType.FLOAT16_VALUE).addDims(2)
                .addInt32Data(0x3C00).addInt32Data(0xC000).build();
        assertArrayEquals(new float[] {1f, -2f}, OnnxTensors.toTensor(h).toArray());
        TensorProto d = TensorProto.newBuilder().setDataType(DataType.DOUBLE_VALUE)
                .addDoubleData(0.5).build();
        assertArrayEquals(new float[] {0.5f}, OnnxTensors.toTensor(d).toArray()); // scalar
        assertArrayEquals(new long[] {3, -1, 7}, OnnxTensors.toLongs(OnnxTensors.int64("s", 3, -1, 7)));
        TensorProto i = TensorProto.newBuilder().setDataType(DataType.INT64_VALUE).addDims(2)
                .addInt64Data(5).addInt64Data(-6).build();
        assertArrayEquals(new long[] {5, -6}, OnnxTensors.toLongs(i));
    }

    @Test
    void lyingOrHostileTensorsGiveClearErrors() {
        TensorProto.Builder base = TensorProto.newBuilder().setName("t").setDataType(DataType.FLOAT_VALUE);
        assertError(base.clone().addDims(3).setRawData(ByteString.copyFrom(new byte[8])).build(),
                "tensor 't': FLOAT dims [3] need 12 bytes of raw_data, found 8");
        assertError(base.clone().addDims(3).addFloatData(1f).build(), "need 3 values in float_data, found 1");
        assertError(base.clone().addDims(-1).build(), "dimension -1");
        assertError(base.clone().addDims(1L << 40).build(), "dimension 1099511627776");
        assertError(base.clone().addDims(1 << 20).addDims(1 << 20).build(), "more than");
        assertError(base.clone().setDataType(99).build(), "unknown data_type 99");
        assertError(base.clone().setDataType(DataType.STRING_VALUE).build(), "data_type STRING is not a floating-point type");
        assertError(base.clone().addDims(1).setDataLocation(TensorProto.DataLocation.EXTERNAL).build(),
                "external file");
    }

    static void assertError(TensorProto t, String expected) {
        OnnxException e = assertThrows(OnnxException.class, () -> OnnxTensors.toTensor(t));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void truncatedAndGarbageFilesGiveClearErrors() throws IOException {
        byte[] model = Files.readAllBytes(conv().resolve("model.onnx"));
        for (int len = 1; len < model.length; len++) {
            Path cut = dir.resolve("cut.onnx");
            Files.write(cut, Arrays.copyOf(model, len));
            try {
                OnnxFiles.readModel(cut);
            } catch (OnnxException expected) {
                assertTrue(expected.getMessage().startsWith(cut.toString()), expected.getMessage());
            }
        }
        Path garbage = dir.resolve("garbage.onnx");
        Files.write(garbage, new byte[] {(byte) 0x3a, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0x7f, 1});
        OnnxException e = assertThrows(OnnxException.class, () -> OnnxFiles.readModel(garbage));
        assertTrue(e.getMessage().contains("not a valid ONNX model"), e.getMessage());
        assertThrows(OnnxException.class, () -> OnnxFiles.readModel(dir.resolve("missing.onnx")));
    }

    /** Protobuf's own wording ("Protocol message tag had invalid wire type.") is put in a person's words. */
    @Test
    void malformedProtobufIsDescribedWithItsPlace() throws IOException {
        String hint = "); the file is damaged or is not an ONNX protobuf file: export or download it again";
        Map<String, byte[]> files = Map.of(
                "a field of an unknown encoding, at byte 1 of 3", new byte[] {0x0f, 1, 2},     // field 1, wire type 7
                "a field tag that is not valid, at byte 1 of 2", new byte[] {0x00, 1},         // tag zero
                "a field tag that is not valid, at byte 3 of 3", new byte[] {0x0b, 0x0c, 0});  // group ended by another
        for (Map.Entry<String, byte[]> file : files.entrySet()) {
            Path path = Files.write(dir.resolve("bad.onnx"), file.getValue());
            OnnxException e = assertThrows(OnnxException.class, () -> OnnxFiles.readModel(path));
            assertEquals(path + ": not a valid ONNX model (" + file.getKey() + hint, e.getMessage());
        }
    }

    @Test
    void deeplyNestedGraphsHitTheNestingLimit() throws IOException {
        // a graph attribute inside a node inside a graph …, deeper than MAX_NESTING
        byte[] nested = new byte[0];
        for (int i = 0; i < 200; i++) {
            byte[] graphAttr = wrap(6, nested);           // AttributeProto.g
            byte[] node = wrap(5, graphAttr);             // NodeProto.attribute
            nested = wrap(1, node);                       // GraphProto.node
        }
        Path deep = dir.resolve("deep.onnx");
        Files.write(deep, wrap(7, nested));               // ModelProto.graph
        OnnxException e = assertThrows(OnnxException.class, () -> OnnxFiles.readModel(deep));
        assertTrue(e.getMessage().contains("not a valid ONNX model"), e.getMessage());
    }

    /** A length-delimited field: tag, varint length, bytes. */
    static byte[] wrap(int field, byte[] body) {
        ByteString.Output out = ByteString.newOutput();
        out.write((field << 3) | 2);
        int n = body.length;
        while (n >= 0x80) {
            out.write((n & 0x7f) | 0x80);
            n >>>= 7;
        }
        out.write(n);
        out.write(body, 0, body.length);
        return out.toByteString().toByteArray();
    }
}
