package io.cnnkit.exec.io;

import io.cnnkit.compiler.io.InputFile;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cnnkit.exec.Tensor;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Reads and writes the safetensors format: an 8-byte little-endian header length {@code n}, a
 * UTF-8 JSON header of {@code n} bytes mapping tensor names to {@code dtype}, {@code shape} and
 * {@code data_offsets} (relative to the data that follows the header), an optional
 * {@code __metadata__} object of strings, then the raw little-endian data.
 *
 * <p>Reading validates the whole header against the file size before any tensor is allocated,
 * so a hostile or truncated file costs at most the header (bounded by {@link #MAX_HEADER_BYTES}).
 * Floating-point tensors (F32, F16, BF16, F64) are returned as float32 {@link Tensor}s; integer
 * tensors (such as PyTorch's int64 {@code num_batches_tracked}) as {@link IntegerTensor}s.
 * Writing produces F32 only and is atomic: a temporary file in the target folder is moved into
 * place, so a failure leaves no partial output.
 */
public final class SafeTensors {
    /** Upper bound of the JSON header; real headers are kilobytes. */
    public static final long MAX_HEADER_BYTES = 100_000_000L;

    private static final String METADATA = "__metadata__";
    private static final Set<String> ENTRY_FIELDS = Set.of("dtype", "shape", "data_offsets");
    private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder().build())
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private SafeTensors() {
    }

    /** An integer tensor, values widened to long (U64 values above Long.MAX_VALUE wrap). */
    public record IntegerTensor(DType dtype, int[] shape, long[] values) {
        public IntegerTensor {
            shape = shape.clone();
            values = values.clone();
        }

        @Override
        public int[] shape() {
            return shape.clone();
        }

        @Override
        public long[] values() {
            return values.clone();
        }
    }

    /** What one header entry declares. */
    public record Entry(String name, DType dtype, int[] shape, long begin, long end) {
        public Entry {
            shape = shape.clone();
        }

        @Override
        public int[] shape() {
            return shape.clone();
        }
    }

    /** The contents of a file; maps keep the order of the data in the file. */
    public record Contents(Map<String, String> metadata, Map<String, Entry> entries,
                           Map<String, Tensor> tensors, Map<String, IntegerTensor> integers) {
        public Contents {
            metadata = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
            entries = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(entries));
            tensors = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
            integers = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(integers));
        }
    }

    /** Reads and validates a whole file. */
    public static Contents read(Path file) {
        try (FileChannel channel = InputFile.open(file, Long.MAX_VALUE)) {
            long fileSize = channel.size();
            Header header = readHeader(file, channel, fileSize);
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            Map<String, IntegerTensor> integers = new LinkedHashMap<>();
            for (Entry e : header.entries.values()) {
                ByteBuffer bytes = readFully(file, channel, header.dataStart + e.begin(),
                        (int) (e.end() - e.begin()), e.name());
                if (e.dtype().isFloating()) {
                    tensors.put(e.name(), Tensor.of(toFloats(e.dtype(), bytes), e.shape()));
                } else {
                    integers.put(e.name(), new IntegerTensor(e.dtype(), e.shape(), toLongs(e.dtype(), bytes)));
                }
            }
            return new Contents(header.metadata, header.entries, tensors, integers);
        } catch (IOException ex) {
            throw new WeightsException(file + ": cannot read: " + describe(ex), ex);
        }
    }

    /** Reads only the header (validated as in {@link #read}); no tensor data is loaded. */
    public static Map<String, Entry> readEntries(Path file) {
        try (FileChannel channel = InputFile.open(file, Long.MAX_VALUE)) {
            return java.util.Collections.unmodifiableMap(readHeader(file, channel, channel.size()).entries);
        } catch (IOException ex) {
            throw new WeightsException(file + ": cannot read: " + describe(ex), ex);
        }
    }

    /** Writes float32 tensors sorted by name, without metadata. */
    public static void write(Path file, Map<String, Tensor> tensors) {
        write(file, tensors, Map.of());
    }

    /** Writes float32 tensors sorted by name, atomically (temporary file, then a move). */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) {
        Map<String, Tensor> sorted = new TreeMap<>(tensors);
        ObjectNode header = JSON.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode meta = header.putObject(METADATA);
            new TreeMap<>(metadata).forEach(meta::put);
        }
        long offset = 0;
        for (Map.Entry<String, Tensor> e : sorted.entrySet()) {
            if (e.getKey().isEmpty() || e.getKey().equals(METADATA)) {
                throw new IllegalArgumentException("invalid tensor name '" + e.getKey() + "'");
            }
            ObjectNode entry = header.putObject(e.getKey());
            entry.put("dtype", DType.F32.name());
            ArrayNode shape = entry.putArray("shape");
            for (int d : e.getValue().shape()) {
                shape.add(d);
            }
            long size = 4L * e.getValue().size();
            entry.putArray("data_offsets").add(offset).add(offset + size);
            offset += size;
        }
        byte[] json;
        try {
            json = JSON.writeValueAsBytes(header);
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException(ex);
        }
        int padded = (json.length + 7) / 8 * 8; // the reference writer aligns the data to 8 bytes
        ByteBuffer prefix = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        prefix.putLong(padded).put(json);
        while (prefix.hasRemaining()) {
            prefix.put((byte) ' ');
        }
        prefix.flip();
        AtomicFiles.write(file, channel -> {
            writeAll(channel, prefix);
            ByteBuffer chunk = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
            for (Tensor t : sorted.values()) {
                for (int i = 0; i < t.size(); i++) {
                    if (!chunk.hasRemaining()) {
                        chunk.flip();
                        writeAll(channel, chunk);
                        chunk.clear();
                    }
                    chunk.putFloat(t.get(i));
                }
            }
            chunk.flip();
            writeAll(channel, chunk);
        });
    }

    private record Header(Map<String, String> metadata, Map<String, Entry> entries, long dataStart) {
    }

    private static Header readHeader(Path file, FileChannel channel, long fileSize) throws IOException {
        if (fileSize < 8) {
            throw bad(file, "file of " + fileSize + " bytes is too short for a safetensors header");
        }
        long headerSize = readFully(file, channel, 0, 8, null).order(ByteOrder.LITTLE_ENDIAN).getLong();
        if (headerSize < 2 || headerSize > MAX_HEADER_BYTES) {
            throw bad(file, "header length " + Long.toUnsignedString(headerSize)
                    + " is outside [2, " + MAX_HEADER_BYTES + "]");
        }
        if (headerSize > fileSize - 8) {
            throw bad(file, "the header should be " + headerSize + " bytes after the 8-byte length, but the file"
                    + " has only " + (fileSize - 8) + " bytes there (truncated file?)");
        }
        ByteBuffer headerBytes = readFully(file, channel, 8, (int) headerSize, null);
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(headerBytes).toString();
        } catch (CharacterCodingException ex) {
            throw bad(file, "header is not valid UTF-8", ex);
        }
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JsonProcessingException ex) {
            // Jackson names its limits by the Java method that sets them; a user needs only the numbers
            throw bad(file, "header is not valid JSON: "
                    + ex.getOriginalMessage().replaceAll(", from `StreamReadConstraints\\.\\w+\\(\\)`", ""), ex);
        }
        if (root == null || !root.isObject()) {
            throw bad(file, "header is not a JSON object");
        }
        long dataStart = 8 + headerSize;
        long dataSize = fileSize - dataStart;
        Map<String, String> metadata = new LinkedHashMap<>();
        List<Entry> entries = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (field.getKey().equals(METADATA)) {
                readMetadata(file, field.getValue(), metadata);
            } else {
                entries.add(parseEntry(file, field.getKey(), field.getValue(), dataSize));
            }
        }
        entries.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        Entry previous = null;
        for (Entry e : entries) {
            if (previous != null && e.begin() < previous.end() && e.begin() < e.end()) {
                throw bad(file, "tensor '" + e.name() + "' overlaps tensor '" + previous.name()
                        + "' (bytes [" + e.begin() + ", " + e.end() + ") and [" + previous.begin()
                        + ", " + previous.end() + "))");
            }
            if (previous == null || e.end() > previous.end()) {
                previous = e;
            }
        }
        Map<String, Entry> byName = new LinkedHashMap<>();
        entries.forEach(e -> byName.put(e.name(), e));
        return new Header(metadata, byName, dataStart);
    }

    private static void readMetadata(Path file, JsonNode node, Map<String, String> metadata) {
        if (!node.isObject()) {
            throw bad(file, "__metadata__ is not an object of strings");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> m = it.next();
            if (!m.getValue().isTextual()) {
                throw bad(file, "__metadata__ value of '" + m.getKey() + "' is not a string");
            }
            metadata.put(m.getKey(), m.getValue().textValue());
        }
    }

    private static Entry parseEntry(Path file, String name, JsonNode node, long dataSize) {
        String where = "tensor '" + name + "'";
        if (name.isEmpty()) {
            throw bad(file, "a tensor has an empty name");
        }
        if (!node.isObject()) {
            throw bad(file, where + ": entry is not an object");
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!ENTRY_FIELDS.contains(key)) {
                throw bad(file, where + ": unknown field '" + key + "'");
            }
        }
        JsonNode dtypeNode = node.get("dtype");
        if (dtypeNode == null || !dtypeNode.isTextual()) {
            throw bad(file, where + ": missing or non-string dtype");
        }
        DType dtype = DType.parse(dtypeNode.textValue()).orElseThrow(() -> bad(file, where
                + ": unknown dtype '" + dtypeNode.textValue() + "' (known: " + Arrays.toString(DType.values()) + ")"));
        JsonNode shapeNode = node.get("shape");
        if (shapeNode == null || !shapeNode.isArray()) {
            throw bad(file, where + ": missing or non-array shape");
        }
        int[] shape = new int[shapeNode.size()];
        long elements = 1;
        for (int i = 0; i < shape.length; i++) {
            JsonNode d = shapeNode.get(i);
            if (!d.isIntegralNumber() || !d.canConvertToInt() || d.intValue() < 0) {
                throw bad(file, where + ": dimension " + d + " is not an integer in [0, 2^31)");
            }
            shape[i] = d.intValue();
            elements *= shape[i];
            if (elements > Tensor.MAX_ELEMENTS) {
                throw bad(file, where + ": shape " + shapeNode + " has more than " + Tensor.MAX_ELEMENTS + " elements");
            }
        }
        JsonNode offsets = node.get("data_offsets");
        if (offsets == null || !offsets.isArray() || offsets.size() != 2
                || !offsets.get(0).isIntegralNumber() || !offsets.get(1).isIntegralNumber()
                || !offsets.get(0).canConvertToLong() || !offsets.get(1).canConvertToLong()) {
            throw bad(file, where + ": data_offsets must be an array of two integers");
        }
        long begin = offsets.get(0).longValue();
        long end = offsets.get(1).longValue();
        if (begin < 0 || end < begin || end > dataSize) {
            throw bad(file, where + ": data_offsets [" + begin + ", " + end
                    + "] are not inside the " + dataSize + " data bytes of the file");
        }
        long expected = elements * dtype.bytes();
        if (end - begin != expected) {
            throw bad(file, where + ": " + dtype + " " + shapeNode + " needs " + expected
                    + " bytes but data_offsets span " + (end - begin));
        }
        return new Entry(name, dtype, shape, begin, end);
    }

    private static ByteBuffer readFully(Path file, FileChannel channel, long position, int length,
                                        String tensor) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, position + buffer.position());
            if (n < 0) {
                throw bad(file, (tensor == null ? "" : "tensor '" + tensor + "': ")
                        + "unexpected end of file (truncated?)", new EOFException());
            }
        }
        return buffer.flip().order(ByteOrder.LITTLE_ENDIAN);
    }

    private static float[] toFloats(DType dtype, ByteBuffer b) {
        float[] out = new float[b.remaining() / dtype.bytes()];
        switch (dtype) {
            case F32 -> b.asFloatBuffer().get(out);
            case F64 -> {
                for (int i = 0; i < out.length; i++) {
                    out[i] = (float) b.getDouble();
                }
            }
            case F16 -> {
                for (int i = 0; i < out.length; i++) {
                    out[i] = HalfFloats.f16ToFloat(b.getShort());
                }
            }
            case BF16 -> {
                for (int i = 0; i < out.length; i++) {
                    out[i] = HalfFloats.bf16ToFloat(b.getShort());
                }
            }
            default -> throw new IllegalArgumentException("not a floating dtype: " + dtype);
        }
        return out;
    }

    private static long[] toLongs(DType dtype, ByteBuffer b) {
        long[] out = new long[b.remaining() / dtype.bytes()];
        for (int i = 0; i < out.length; i++) {
            out[i] = switch (dtype) {
                case BOOL, U8 -> b.get() & 0xffL;
                case I8 -> b.get();
                case U16 -> b.getShort() & 0xffffL;
                case I16 -> b.getShort();
                case U32 -> b.getInt() & 0xffffffffL;
                case I32 -> b.getInt();
                case U64, I64 -> b.getLong();
                default -> throw new IllegalArgumentException("not an integer dtype: " + dtype);
            };
        }
        return out;
    }

    private static void writeAll(FileChannel channel, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    /** A short reason for an I/O failure, without repeating the path. */
    static String describe(IOException ex) {
        if (ex instanceof java.nio.file.NoSuchFileException) {
            return "no such file";
        }
        if (ex instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        if (ex instanceof java.nio.file.FileSystemException fs && fs.getReason() != null) {
            return fs.getReason();
        }
        return ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage();
    }

    private static WeightsException bad(Path file, String message) {
        return new WeightsException(file + ": " + message);
    }

    private static WeightsException bad(Path file, String message, Throwable cause) {
        return new WeightsException(file + ": " + message, cause);
    }
}
