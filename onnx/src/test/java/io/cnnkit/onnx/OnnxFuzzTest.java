package io.cnnkit.onnx;

import io.cnnkit.onnx.proto.Onnx.AttributeProto;
import io.cnnkit.onnx.proto.Onnx.ModelProto;
import io.cnnkit.onnx.proto.Onnx.NodeProto;
import io.cnnkit.onnx.proto.Onnx.TensorProto;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutated ONNX files (bytes flipped, inserted, deleted, truncated; seeded) end in an
 * {@link OnnxException} or parse into something whose tensors convert or fail with an
 * {@link OnnxException}: no other exception, no hang.
 */
public class OnnxFuzzTest {
    @TempDir
    Path dir;

    @Test
    @Timeout(120)
    void mutatedModelsAndTensorsFailOnlyWithClearErrors() throws IOException {
        Path data = OnnxBackendData.nodeTests();
        List<Path> sources = List.of(
                data.resolve("test_basic_conv_with_padding/model.onnx"),
                data.resolve("test_gemm_default_vector_bias/model.onnx"),
                data.resolve("test_batchnorm_example/test_data_set_0/input_0.pb"),
                data.resolve("test_basic_conv_with_padding/test_data_set_0/output_0.pb"));
        Random random = new Random(20261122);
        Path mutated = dir.resolve("m.onnx");
        for (int round = 0; round < 1500; round++) {
            Path source = sources.get(round % sources.size());
            byte[] bytes = mutate(Files.readAllBytes(source), random);
            Files.write(mutated, bytes);
            try {
                if (source.toString().endsWith(".onnx")) {
                    ModelProto m = OnnxFiles.readModel(mutated);
                    m.getGraph().getInitializerList().forEach(OnnxFuzzTest::convert);
                    for (NodeProto n : m.getGraph().getNodeList()) {
                        OnnxAttributes attrs = new OnnxAttributes(n);
                        for (AttributeProto a : n.getAttributeList()) {
                            attrs.getInts(a.getName(), null);
                        }
                    }
                } else {
                    convert(OnnxFiles.readTensor(mutated));
                }
            } catch (OnnxException expected) {
                // a clear error
            }
        }
    }

    static void convert(TensorProto t) {
        if (OnnxTensors.isFloating(t)) {
            OnnxTensors.toTensor(t, null);
        } else {
            OnnxTensors.toLongs(t, null);
        }
    }

    public static byte[] mutate(byte[] in, Random random) {
        byte[] b = in.clone();
        int kind = random.nextInt(4);
        if (b.length == 0) {
            return b;
        }
        int at = random.nextInt(b.length);
        switch (kind) {
            case 0 -> {
                for (int i = 0; i < 1 + random.nextInt(4); i++) {
                    b[random.nextInt(b.length)] = (byte) random.nextInt(256);
                }
                return b;
            }
            case 1 -> {
                return java.util.Arrays.copyOf(b, at);
            }
            case 2 -> {
                byte[] out = new byte[b.length + 1];
                System.arraycopy(b, 0, out, 0, at);
                out[at] = (byte) (random.nextBoolean() ? 0xff : random.nextInt(256));
                System.arraycopy(b, at, out, at + 1, b.length - at);
                return out;
            }
            default -> {
                byte[] out = new byte[b.length - 1];
                System.arraycopy(b, 0, out, 0, at);
                System.arraycopy(b, at + 1, out, at, b.length - at - 1);
                return out;
            }
        }
    }
}
