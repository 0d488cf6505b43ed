package io.cnnkit.exec.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cnnkit.exec.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SafeTensorsTest {
    @TempDir
    Path dir;

    /** A file laid out by hand from the format description: u64 LE length, JSON, data. */
    static byte[] file(String header, byte[] data) {
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(8 + json.length + data.length).order(ByteOrder.LITTLE_ENDIAN)
                .putLong(json.length).put(json).put(data).array();
    }

    static byte[] le(int bytesPerValue, long... values) {
        ByteBuffer b = ByteBuffer.allocate(bytesPerValue * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            switch (bytesPerValue) {
                case 2 -> b.putShort((short) v);
                case 4 -> b.putInt((int) v);
                case 8 -> b.putLong(v);
                default -> b.put((byte) v);
            }
        }
        return b.array();
    }

    Path write(byte[] bytes) throws IOException {
        Path p = dir.resolve("w.safetensors");
        Files.write(p, bytes);
        return p;
    }

    @Test
    void readsHandLaidOutFileOfSeveralDtypes() throws IOException {
        // F32 1.0 and -2.5; F16 1.0 (0x3C00), -2.0 (0xC000), 65504 (0x7BFF), 2^-24 (0x0001);
        // BF16 1.0 (0x3F80) and -0.5 (0xBF00); I64 scalar 7 (PyTorch's num_batches_tracked)
        byte[] f32 = le(4, Float.floatToIntBits(1.0f), Float.floatToIntBits(-2.5f));
        byte[] f16 = le(2, 0x3C00, 0xC000, 0x7BFF, 0x0001);
        byte[] bf16 = le(2, 0x3F80, 0xBF00);
        byte[] i64 = le(8, 7);
        ByteBuffer data = ByteBuffer.allocate(8 + 8 + 4 + 8);
        data.put(f32).put(f16).put(bf16).put(i64);
        String header = "{\"__metadata__\":{\"format\":\"pt\"},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"h\":{\"dtype\":\"F16\",\"shape\":[2,2],\"data_offsets\":[8,16]},"
                + "\"b\":{\"dtype\":\"BF16\",\"shape\":[1,2],\"data_offsets\":[16,20]},"
                + "\"bn.num_batches_tracked\":{\"dtype\":\"I64\",\"shape\":[],\"data_offsets\":[20,28]}}";
        SafeTensors.Contents c = SafeTensors.read(write(file(header, data.array())));
        assertEquals(Map.of("format", "pt"), c.metadata());
        assertArrayEquals(new float[] {1.0f, -2.5f}, c.tensors().get("a").toArray());
        assertArrayEquals(new float[] {1.0f, -2.0f, 65504f, 0x1p-24f}, c.tensors().get("h").toArray());
        assertArrayEquals(new int[] {2, 2}, c.tensors().get("h").shape());
        assertArrayEquals(new float[] {1.0f, -0.5f}, c.tensors().get("b").toArray());
        SafeTensors.IntegerTensor n = c.integers().get("bn.num_batches_tracked");
        assertEquals(DType.I64, n.dtype());
        assertArrayEquals(new int[0], n.shape());
        assertArrayEquals(new long[] {7}, n.values());
    }

    @Test
    void f16SpecialValues() {
        assertEquals(Float.POSITIVE_INFINITY, HalfFloats.f16ToFloat((short) 0x7C00));
        assertEquals(Float.NEGATIVE_INFINITY, HalfFloats.f16ToFloat((short) 0xFC00));
        assertTrue(Float.isNaN(HalfFloats.f16ToFloat((short) 0x7E00)));
        assertEquals(0x1p-14f, HalfFloats.f16ToFloat((short) 0x0400)); // smallest normal
        assertEquals(0.333251953125f, HalfFloats.f16ToFloat((short) 0x3555));
        assertEquals(-0.0f, HalfFloats.f16ToFloat((short) 0x8000));
        assertEquals(Float.floatToIntBits(-0.0f), Float.floatToIntBits(HalfFloats.f16ToFloat((short) 0x8000)));
    }

    @Test
    void writeThenReadRoundTripsWithSortedAlignedHeader() throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("z.weight", Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3));
        tensors.put("a.bias", Tensor.of(new float[] {-0.0f, Float.MIN_VALUE, Float.MAX_VALUE}, 3));
        tensors.put("s", Tensor.of(new float[] {42}));
        Path p = dir.resolve("out.safetensors");
        SafeTensors.write(p, tensors, Map.of("producer", "cnnkit"));
        byte[] bytes = Files.readAllBytes(p);
        long headerLength = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, headerLength % 8);
        String header = new String(bytes, 8, (int) headerLength, StandardCharsets.UTF_8);
        assertTrue(header.indexOf("\"a.bias\"") < header.indexOf("\"s\""), header);
        assertTrue(header.startsWith("{\"__metadata__\":{\"producer\":\"cnnkit\"}"), header);

        SafeTensors.Contents c = SafeTensors.read(p);
        assertEquals(tensors.keySet(), c.tensors().keySet());
        for (var e : tensors.entrySet()) {
            assertArrayEquals(e.getValue().shape(), c.tensors().get(e.getKey()).shape());
            assertArrayEquals(e.getValue().toArray(), c.tensors().get(e.getKey()).toArray());
        }
        assertEquals(Map.of("producer", "cnnkit"), c.metadata());
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary file left behind");
        }
        Path plain = Files.createFile(dir.resolve("plain"));
        assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(p),
                "the same permissions as any new file");
    }

    @Test
    void failedWriteLeavesNothingBehind() throws IOException {
        Path missingDir = dir.resolve("nope").resolve("x.safetensors");
        WeightsException e = assertThrows(WeightsException.class,
                () -> SafeTensors.write(missingDir, Map.of("a", Tensor.zeros(1))));
        assertTrue(e.getMessage().contains("x.safetensors"), e.getMessage());
        assertFalse(Files.exists(missingDir));
        Path folder = Files.createDirectory(dir.resolve("folder.safetensors"));
        assertEquals(folder + ": cannot write: it is a folder", assertThrows(WeightsException.class,
                () -> SafeTensors.write(folder, Map.of("a", Tensor.zeros(1)))).getMessage());
        assertTrue(Files.isDirectory(folder));
    }

    @Test
    void writesViewsOfLargerArrays() {
        float[] arena = {9, 1, 2, 3, 9};
        Path p = dir.resolve("v.safetensors");
        SafeTensors.write(p, Map.of("v", Tensor.view(arena, 1, 3)));
        assertArrayEquals(new float[] {1, 2, 3}, SafeTensors.read(p).tensors().get("v").toArray());
    }

    static Stream<Arguments> hostile() {
        String ok = "\"t\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}";
        byte[] eight = new byte[8];
        return Stream.of(
                Arguments.of("short", new byte[] {1, 2, 3}, "too short"),
                Arguments.of("huge header", ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN)
                        .putLong(Long.MAX_VALUE).array(), "header length"),
                Arguments.of("negative header", ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN)
                        .putLong(-1).array(), "header length"),
                Arguments.of("header past end", ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN)
                        .putLong(1000).array(),
                        "the header should be 1000 bytes after the 8-byte length, but the file has only 8 bytes there"),
                Arguments.of("not json", file("{\"t\": [", eight), "not valid JSON"),
                // Jackson's limit, without the name of the Java method that sets it
                Arguments.of("long number", file("{\"t\":" + "1".repeat(1200) + "}", eight),
                        "exceeds the maximum allowed (1000)"),
                Arguments.of("trailing", file("{" + ok + "} {}", eight), "not valid JSON"),
                Arguments.of("not object", file("[1,2]", eight), "not a JSON object"),
                Arguments.of("duplicate", file("{" + ok + "," + ok + "}", eight), "not valid JSON"),
                Arguments.of("dtype", file("{\"t\":{\"dtype\":\"F8\",\"shape\":[2],\"data_offsets\":[0,8]}}", eight),
                        "tensor 't': unknown dtype 'F8'"),
                Arguments.of("negative dim", file("{\"t\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}", eight),
                        "tensor 't': dimension -2"),
                Arguments.of("fraction dim", file("{\"t\":{\"dtype\":\"F32\",\"shape\":[2.5],\"data_offsets\":[0,8]}}", eight),
                        "dimension 2.5"),
                Arguments.of("overflow", file("{\"t\":{\"dtype\":\"F32\",\"shape\":[2147483647,2147483647,2147483647],"
                        + "\"data_offsets\":[0,8]}}", eight), "more than"),
                Arguments.of("past end", file("{\"t\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", eight),
                        "not inside the 8 data bytes"),
                Arguments.of("lying size", file("{\"t\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", eight),
                        "needs 12 bytes but data_offsets span 8"),
                Arguments.of("reversed", file("{\"t\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[8,0]}}", eight),
                        "data_offsets [8, 0]"),
                Arguments.of("overlap", file("{" + ok + ",\"u\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}",
                        eight), "overlaps"),
                Arguments.of("extra field", file("{\"t\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8],\"x\":1}}",
                        eight), "unknown field 'x'"),
                Arguments.of("missing shape", file("{\"t\":{\"dtype\":\"F32\",\"data_offsets\":[0,8]}}", eight),
                        "missing or non-array shape"),
                Arguments.of("bad metadata", file("{\"__metadata__\":{\"a\":1}," + ok + "}", eight),
                        "__metadata__ value of 'a'"),
                Arguments.of("entry not object", file("{\"\u00e9\":1}", eight), "tensor '\u00e9': entry is not an object"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostile")
    void hostileFilesEndInOneClearError(String name, byte[] bytes, String expected) throws IOException {
        Path p = write(bytes);
        WeightsException e = assertThrows(WeightsException.class, () -> SafeTensors.read(p));
        assertTrue(e.getMessage().startsWith(p.toString() + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void invalidUtf8HeaderIsRejected() throws IOException {
        byte[] bytes = file("{\"ab\":1}", new byte[0]);
        bytes[10] = (byte) 0xff; // inside the key
        Path p = write(bytes);
        WeightsException e = assertThrows(WeightsException.class, () -> SafeTensors.read(p));
        assertTrue(e.getMessage().contains("not valid UTF-8"), e.getMessage());
    }

    @Test
    void truncatingAValidFileAtEveryLengthGivesOnlyClearErrors() throws IOException {
        Path p = dir.resolve("full.safetensors");
        SafeTensors.write(p, Map.of("a", Tensor.of(new float[] {1, 2, 3}, 3), "b", Tensor.zeros(2, 2)));
        byte[] full = Files.readAllBytes(p);
        for (int len = 0; len < full.length; len++) {
            Path cut = write(Arrays.copyOf(full, len));
            assertThrows(WeightsException.class, () -> SafeTensors.read(cut), "length " + len);
        }
    }

    @Test
    void missingFileIsAClearError() {
        Path p = dir.resolve("absent.safetensors");
        WeightsException e = assertThrows(WeightsException.class, () -> SafeTensors.read(p));
        assertEquals(p + ": cannot read: no such file", e.getMessage());
    }
}
