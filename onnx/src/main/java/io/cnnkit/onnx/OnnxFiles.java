package io.cnnkit.onnx;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Parser;
import io.cnnkit.compiler.io.InputFile;
import io.cnnkit.compiler.io.RefusedFileException;
import io.cnnkit.onnx.proto.Onnx.ModelProto;
import io.cnnkit.onnx.proto.Onnx.TensorProto;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads ONNX protobuf files (models and the serialised {@code TensorProto}s of the ONNX test
 * data) with bounded cost: the file size is checked before reading, and protobuf parsing is
 * limited to that size and to a nesting depth, so a lying length or a deeply nested file ends in
 * an {@link OnnxException} instead of a large allocation or a stack overflow.
 */
public final class OnnxFiles {
    /** The largest file read; protobuf itself cannot address more than 2 GiB. */
    public static final long MAX_FILE_BYTES = 2_000_000_000L;
    /** Nesting depth limit (graphs inside attributes inside nodes …). */
    public static final int MAX_NESTING = 64;

    private OnnxFiles() {
    }

    public static ModelProto readModel(Path file) {
        ModelProto model = parse(file, ModelProto.parser(), "ONNX model");
        if (!model.hasGraph()) {
            throw new OnnxException(file + ": not an ONNX model: it has no graph");
        }
        return model;
    }

    public static TensorProto readTensor(Path file) {
        return parse(file, TensorProto.parser(), "ONNX tensor");
    }

    /** The version of the standard operator set ("" or "ai.onnx") the model imports. */
    public static long opsetVersion(ModelProto model) {
        return model.getOpsetImportList().stream()
                .filter(o -> o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx"))
                .mapToLong(o -> o.getVersion()).max()
                .orElse(1);
    }

    private static <T> T parse(Path file, Parser<T> parser, String what) {
        CodedInputStream coded = null;
        long size = 0;
        try {
            if (Files.isRegularFile(file) && Files.size(file) > MAX_FILE_BYTES) {
                throw new OnnxException(file + ": " + Files.size(file) + " bytes is more than the " + MAX_FILE_BYTES
                        + " an ONNX protobuf file can hold");
            }
            try (InputStream in = Channels.newInputStream(InputFile.open(file, MAX_FILE_BYTES))) {
                size = Files.size(file);
                coded = CodedInputStream.newInstance(in);
                coded.setSizeLimit((int) Math.max(size, 1));
                coded.setRecursionLimit(MAX_NESTING);
                T message = parser.parseFrom(coded);
                coded.checkLastTagWas(0);
                return message;
            }
        } catch (InvalidProtocolBufferException ex) {
            throw new OnnxException(damaged(file, what, reason(ex), coded, size), ex);
        } catch (IndexOutOfBoundsException ex) {
            // protobuf-java's stream decoder can index past its buffer on a malformed varint (found by fuzzing)
            throw new OnnxException(damaged(file, what, "a malformed number field", coded, size), ex);
        } catch (RefusedFileException ex) {
            throw new OnnxException(file + ": " + ex.getMessage(), ex);
        } catch (IOException ex) {
            throw new OnnxException(file + ": cannot read: " + ex.getMessage(), ex);
        }
    }

    /** "FILE: not a valid ONNX model (REASON, at byte N of M); ..." with what a person can do. */
    private static String damaged(Path file, String what, String reason, CodedInputStream coded, long size) {
        String where = coded == null ? "" : String.format(java.util.Locale.ROOT, ", at byte %,d of %,d",
                Math.min(coded.getTotalBytesRead(), size), size);
        return file + ": not a valid " + what + " (" + reason + where + "); the file is damaged or is not an ONNX"
                + " protobuf file: export or download it again";
    }

    /**
     * Protobuf's wording speaks to programmers ("Use CodedInputStream.setSizeLimit()"); say what
     * each failure means for a file.
     */
    private static String reason(InvalidProtocolBufferException ex) {
        String message = String.valueOf(ex.getMessage());
        if (message.startsWith("Protocol message was too large")
                || message.startsWith("While parsing a protocol message, the input ended unexpectedly")) {
            return "it ends in the middle of a field: the file is truncated or is not protobuf";
        }
        if (message.startsWith("Protocol message had too many levels of nesting")) {
            return "fields nested more than " + MAX_NESTING + " deep";
        }
        if (message.contains("invalid wire type")) {
            return "a field of an unknown encoding";
        }
        if (message.contains("end-group tag did not match") || message.contains("invalid tag (zero)")) {
            return "a field tag that is not valid";
        }
        if (message.contains("negative size")) {
            return "a field with a negative length";
        }
        if (message.contains("malformed varint")) {
            return "a malformed number field";
        }
        if (message.contains("invalid UTF-8")) {
            return "a name that is not UTF-8 text";
        }
        return "its protobuf encoding is malformed";
    }
}
