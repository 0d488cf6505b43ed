package io.cnnkit.onnx;

import io.cnnkit.onnx.proto.Onnx.StringStringEntryProto;
import io.cnnkit.onnx.proto.Onnx.TensorProto;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;

/**
 * Tensor data stored outside the model (ONNX {@code external_data}: {@code location} relative to
 * the model's folder, optional {@code offset} and {@code length}). Only files inside the model's
 * folder are read, after following symbolic links; the byte range is checked against the file
 * and against the tensor's dims before anything is allocated.
 */
final class ExternalData {
    private ExternalData() {
    }

    static ByteBuffer read(TensorProto t, long expected, Path modelFolder) {
        if (modelFolder == null) {
            throw OnnxTensors.bad(t, "data stored in an external file is not supported here");
        }
        Map<String, String> keys = new HashMap<>();
        for (StringStringEntryProto e : t.getExternalDataList()) {
            if (keys.put(e.getKey(), e.getValue()) != null) {
                throw OnnxTensors.bad(t, "external_data key '" + e.getKey() + "' given twice");
            }
        }
        String location = keys.get("location");
        if (location == null || location.isEmpty()) {
            throw OnnxTensors.bad(t, "external data without a location");
        }
        long offset = number(t, keys, "offset", 0);
        long length = number(t, keys, "length", expected);
        if (length != expected) {
            throw OnnxTensors.bad(t, "external data length " + length + " does not match the " + expected
                    + " bytes its dims need");
        }
        if (expected > Integer.MAX_VALUE - 8) {
            throw OnnxTensors.bad(t, "external data of " + expected + " bytes is too large for one tensor");
        }
        try {
            Path folder = modelFolder.toRealPath();
            Path relative = Path.of(location);
            Path file = folder.resolve(relative).normalize();
            if (relative.isAbsolute() || !file.startsWith(folder)) {
                throw OnnxTensors.bad(t, "external data location '" + location + "' is outside the model's folder");
            }
            if (!Files.isRegularFile(file)) {
                throw OnnxTensors.bad(t, "external data file '" + location + "' does not exist");
            }
            if (!file.toRealPath().startsWith(folder)) {
                throw OnnxTensors.bad(t, "external data location '" + location
                        + "' links outside the model's folder");
            }
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
                if (offset > ch.size() || expected > ch.size() - offset) {
                    throw OnnxTensors.bad(t, "external data [" + offset + ", " + (offset + expected)
                            + ") lies outside '" + location + "' of " + ch.size() + " bytes");
                }
                ByteBuffer buffer = ByteBuffer.allocate((int) expected);
                while (buffer.hasRemaining()) {
                    if (ch.read(buffer, offset + buffer.position()) < 0) {
                        throw OnnxTensors.bad(t, "external data file '" + location + "' ended early");
                    }
                }
                return buffer.flip();
            }
        } catch (IOException e) {
            throw OnnxTensors.bad(t, "cannot read external data '" + location + "': " + e.getMessage());
        }
    }

    private static long number(TensorProto t, Map<String, String> keys, String key, long defaultValue) {
        String v = keys.get(key);
        if (v == null) {
            return defaultValue;
        }
        try {
            long n = Long.parseLong(v);
            if (n < 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw OnnxTensors.bad(t, "external data " + key + " '" + v + "' is not a non-negative integer");
        }
    }
}
