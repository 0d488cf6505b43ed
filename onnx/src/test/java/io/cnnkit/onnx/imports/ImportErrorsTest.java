package io.cnnkit.onnx.imports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.cnnkit.exec.Tensor;
import io.cnnkit.onnx.OnnxException;
import io.cnnkit.onnx.OnnxTensors;
import io.cnnkit.onnx.proto.Onnx.AttributeProto;
import io.cnnkit.onnx.proto.Onnx.GraphProto;
import io.cnnkit.onnx.proto.Onnx.ModelProto;
import io.cnnkit.onnx.proto.Onnx.NodeProto;
import io.cnnkit.onnx.proto.Onnx.OperatorSetIdProto;
import io.cnnkit.onnx.proto.Onnx.StringStringEntryProto;
import io.cnnkit.onnx.proto.Onnx.TensorProto;
import io.cnnkit.onnx.proto.Onnx.TensorShapeProto;
import io.cnnkit.onnx.proto.Onnx.TypeProto;
import io.cnnkit.onnx.proto.Onnx.ValueInfoProto;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Unsupported operators and attributes, and malformed or hostile files, end in one clear error. */
class ImportErrorsTest {
    @TempDir
    Path dir;

    static ValueInfoProto value(String name, long... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (long d : dims) {
            shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(shape))).build();
    }

    static NodeProto node(String op, String name, List<String> in, String out, AttributeProto... attrs) {
        return NodeProto.newBuilder().setOpType(op).setName(name).addAllInput(in).addOutput(out)
                .addAllAttribute(Arrays.asList(attrs)).build();
    }

    static AttributeProto ints(String name, long... v) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        Arrays.stream(v).forEach(a::addInts);
        return a.build();
    }

    static AttributeProto string(String name, String v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.STRING)
                .setS(ByteString.copyFromUtf8(v)).build();
    }

    static Path save(Path dir, GraphProto.Builder graph) throws IOException {
        ModelProto m = ModelProto.newBuilder().setIrVersion(7).setGraph(graph)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(13)).build();
        Path file = dir.resolve("m.onnx");
        Files.write(file, m.toByteArray());
        return file;
    }

    static GraphProto.Builder convNet() {
        return GraphProto.newBuilder().setName("g").addInput(value("x", 1, 3, 8, 8))
                .addInitializer(OnnxTensors.fromTensor("w", Tensor.zeros(4, 3, 3, 3)))
                .addNode(node("Conv", "conv1", List.of("x", "w"), "c", ints("kernel_shape", 3, 3)));
    }

    @Test
    void everyUnsupportedNodeIsListedWithItsNameInOneError() throws IOException {
        GraphProto.Builder g = convNet()
                .addNode(node("Resize", "up", List.of("c"), "r"))
                .addNode(node("Relu", "act", List.of("r"), "a"))            // fed by a failed node: not reported
                .addNode(node("Celu", "act2", List.of("a"), "a2"))          // ... unless outside the language
                .addNode(node("MaxPool", "pool", List.of("c"), "p", ints("kernel_shape", 2, 2),
                        string("auto_pad", "SAME_LOWER"), ints("pads", 0, 0, 0, 0),
                        AttributeProto.newBuilder().setName("frobnicate").setType(AttributeProto.AttributeType.INT)
                                .setI(1).build()))
                .addNode(node("LRN", "norm", List.of("c"), "n", AttributeProto.newBuilder().setName("size")
                        .setType(AttributeProto.AttributeType.INT).setI(4).build()))
                .addNode(node("Concat", "cat", List.of("a2", "p", "n"), "y"))
                .addOutput(value("y"));
        UnsupportedModelException e = assertThrows(UnsupportedModelException.class,
                () -> OnnxImporter.importModel(save(dir, g), "m.cnn"));
        assertEquals(List.of(
                "Resize node 'up': operator 'Resize' is not in the language",
                "Celu node 'act2': operator 'Celu' is not in the language",
                "MaxPool node 'pool': attribute 'frobnicate' not supported",
                "LRN node 'norm': size 4 (an odd size is needed: ONNX and PyTorch centre an even window differently)"),
                e.problems());
        assertTrue(e.getMessage().startsWith(dir.resolve("m.onnx") + ": cannot import 4 nodes into .cnn:\n  Resize"),
                e.getMessage());
    }

    /** Damaged names (a NUL, bytes that are not UTF-8) are shown as escapes, not printed raw. */
    @Test
    void damagedNamesAreEscaped() throws IOException {
        GraphProto.Builder g = convNet()
                .addNode(node("Relu", "act", List.of("c"), "a").toBuilder()
                        .setOpTypeBytes(com.google.protobuf.ByteString.copyFrom(new byte[] {'R', (byte) 0xff, 'l', 'u'})))
                .addNode(node("MaxPool", "pool", List.of("c"), "p", ints("kernel_shape", 2, 2),
                        AttributeProto.newBuilder().setName("\u0000mode").setType(AttributeProto.AttributeType.INT)
                                .setI(1).build()))
                .addNode(node("Concat", "cat", List.of("a", "p"), "y"))
                .addOutput(value("y"));
        UnsupportedModelException e = assertThrows(UnsupportedModelException.class,
                () -> OnnxImporter.importModel(save(dir, g), "m.cnn"));
        assertEquals(List.of("R\\ufffdlu node 'act': operator 'R\\ufffdlu' is not in the language",
                "MaxPool node 'pool': attribute '\\u0000mode' not supported"), e.problems());
    }

    @Test
    void whatTheLanguageRefusesIsReportedAsUnsupported() throws IOException {
        // ONNX allows more padding than half the window; PyTorch and the language do not
        GraphProto.Builder g = GraphProto.newBuilder().setName("g").addInput(value("x", 1, 1, 5, 5))
                .addNode(node("AveragePool", "pool", List.of("x"), "y", ints("kernel_shape", 3, 3),
                        ints("pads", 2, 2, 2, 2)))
                .addOutput(value("y"));
        UnsupportedModelException e = assertThrows(UnsupportedModelException.class,
                () -> OnnxImporter.importModel(save(dir, g), "m.cnn"));
        assertEquals(1, e.problems().size(), e.getMessage());
        assertEquals("AveragePool node 'pool': avgpool padding 2 is more than half the kernel 3x3; a window would"
                + " see only padding", e.problems().get(0));
    }

    @Test
    void sizesAreFoldedButAShapeComputedFromTheBatchIsRefused() throws IOException {
        // x.view(x.size(0) * 2, -1): Shape, Gather, Mul, Unsqueeze, Concat, Reshape
        GraphProto.Builder g = convNet()
                .addInitializer(OnnxTensors.int64("zero", 0).toBuilder().clearDims().build())
                .addInitializer(OnnxTensors.int64("two", 2).toBuilder().clearDims().build())
                .addInitializer(OnnxTensors.int64("axes", 0))
                .addInitializer(OnnxTensors.int64("rest", -1))
                .addNode(node("Shape", "/Shape", List.of("c"), "s"))
                .addNode(node("Gather", "/Gather", List.of("s", "zero"), "n"))
                .addNode(node("Mul", "/Mul", List.of("n", "two"), "n2"))
                .addNode(node("Unsqueeze", "/Unsqueeze", List.of("n2", "axes"), "n2v"))
                .addNode(node("Concat", "/Concat", List.of("n2v", "rest"), "shape", AttributeProto.newBuilder()
                        .setName("axis").setType(AttributeProto.AttributeType.INT).setI(0).build()))
                .addNode(node("Reshape", "/Reshape", List.of("c", "shape"), "y"))
                .addOutput(value("y"));
        UnsupportedModelException e = assertThrows(UnsupportedModelException.class,
                () -> OnnxImporter.importModel(save(dir, g), "m.cnn"));
        assertEquals(List.of("Reshape node '/Reshape': a shape computed from the batch size"), e.problems());
    }

    @Test
    void truncatedFilesAreMalformed() throws IOException {
        byte[] bytes = Files.readAllBytes(save(dir, convNet().addOutput(value("c"))));
        Path cut = dir.resolve("cut.onnx");
        Files.write(cut, Arrays.copyOf(bytes, bytes.length - 7));
        OnnxException e = assertThrows(OnnxException.class, () -> OnnxImporter.importModel(cut, "m.cnn"));
        assertTrue(e.getMessage().contains("not a valid ONNX model"), e.getMessage());
    }

    @Test
    void aTensorLyingAboutItsSizeIsRefusedBeforeAllocating() throws IOException {
        // 2e9 floats (8 GB) claimed, 16 bytes present
        TensorProto liar = TensorProto.newBuilder().setName("w").setDataType(TensorProto.DataType.FLOAT_VALUE)
                .addDims(100_000_000).addDims(20).addDims(1).addDims(1)
                .setRawData(ByteString.copyFrom(new byte[16])).build();
        GraphProto.Builder g = GraphProto.newBuilder().setName("g").addInput(value("x", 1, 20, 8, 8))
                .addInitializer(liar).addNode(node("Conv", "conv1", List.of("x", "w"), "c")).addOutput(value("c"));
        OnnxException e = assertThrows(OnnxException.class, () -> OnnxImporter.importModel(save(dir, g), "m.cnn"));
        assertTrue(e.getMessage().contains("need 8000000000 bytes of raw_data, found 16"), e.getMessage());
        assertTrue(e.getMessage().contains("Conv node 'conv1'"), e.getMessage());
    }

    @Test
    void externalDataOutsideTheModelsFolderIsRefused() throws IOException {
        Files.write(dir.resolve("secret.bin"), new byte[4 * 4 * 3 * 3 * 3]);
        Path inner = Files.createDirectory(dir.resolve("model"));
        TensorProto outside = OnnxTensors.fromTensor("w", Tensor.zeros(4, 3, 3, 3)).toBuilder().clearRawData()
                .setDataLocation(TensorProto.DataLocation.EXTERNAL)
                .addExternalData(StringStringEntryProto.newBuilder().setKey("location").setValue("../secret.bin"))
                .build();
        GraphProto.Builder g = GraphProto.newBuilder().setName("g").addInput(value("x", 1, 3, 8, 8))
                .addInitializer(outside).addNode(node("Conv", "conv1", List.of("x", "w"), "c")).addOutput(value("c"));
        OnnxException e = assertThrows(OnnxException.class, () -> OnnxImporter.importModel(save(inner, g), "m.cnn"));
        assertTrue(e.getMessage().contains("outside the model's folder"), e.getMessage());
    }

    @Test
    void giganticInputDimsAreRefused() throws IOException {
        GraphProto.Builder g = GraphProto.newBuilder().setName("g").addInput(value("x", 1, 3, 1L << 40, 8))
                .addNode(node("Relu", "r", List.of("x"), "y")).addOutput(value("y"));
        UnsupportedModelException e = assertThrows(UnsupportedModelException.class,
                () -> OnnxImporter.importModel(save(dir, g), "m.cnn"));
        assertEquals(List.of("graph input 'x': dimension 2 is 1099511627776; the language needs fixed sizes from 1 to 16777216"),
                e.problems());
    }

    @Test
    void aValueWrittenTwiceIsRefusedNamingIt() throws IOException {
        GraphProto.Builder g = convNet()
                .addNode(node("Relu", "act", List.of("c"), "logits"))
                .addNode(node("Flatten", "flat", List.of("c"), "logits"))
                .addOutput(value("logits", 1, 4, 6, 6));
        Path file = save(dir, g);
        OnnxException e = assertThrows(OnnxException.class, () -> OnnxReader.read(file));
        assertEquals(file + ": not a valid ONNX graph: node 'flat' (Flatten) writes 'logits', which node 'act' (Relu)"
                + " already writes; expected each value written once", e.getMessage());
    }
}
