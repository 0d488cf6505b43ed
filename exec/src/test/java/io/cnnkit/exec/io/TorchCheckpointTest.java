package io.cnnkit.exec.io;

import static io.cnnkit.exec.io.TorchFixturesTest.fixture;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cnnkit.exec.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Reads the checkpoints of scripts/make_pth_fixtures.py (written by PyTorch's own torch.save) and
 * compares them with the same tensors written as safetensors; refuses hostile and malformed ones.
 */
class TorchCheckpointTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"layouts.pth", "layouts_legacy.pth", "wrapped.pth"})
    void everyLayoutReadsAsTheSafetensorsOfTheSameTensors(String name) {
        SafeTensors.Contents expected = SafeTensors.read(fixture("torch/layouts.safetensors"));
        SafeTensors.Contents actual = TorchCheckpoint.read(fixture("torch/" + name));
        assertEquals(expected.tensors().keySet(), actual.tensors().keySet());
        expected.tensors().forEach((key, t) -> {
            assertArrayEquals(t.shape(), actual.tensors().get(key).shape(), key);
            assertArrayEquals(t.toArray(), actual.tensors().get(key).toArray(), key);
        });
        assertEquals(expected.integers().keySet(), actual.integers().keySet());
        assertArrayEquals(new long[] {7}, actual.integers().get("bn.num_batches_tracked").values());
        assertArrayEquals(new int[0], actual.integers().get("bn.num_batches_tracked").shape());
        // the file's order (torch.save keeps the dict's), not the safetensors' sorted one
        assertEquals("conv.weight", actual.tensors().keySet().iterator().next());
    }

    @Test
    void formatsAreToldApartByTheirFirstBytes() {
        assertEquals(TorchCheckpoint.Format.TORCH_ZIP, TorchCheckpoint.detect(fixture("torch/layouts.pth")));
        assertEquals(TorchCheckpoint.Format.TORCH_LEGACY, TorchCheckpoint.detect(fixture("torch/layouts_legacy.pth")));
        assertEquals(TorchCheckpoint.Format.SAFETENSORS, TorchCheckpoint.detect(fixture("torch/layouts.safetensors")));
    }

    @Test
    void lenetCheckpointLoadsAsItsSafetensors() {
        List<ParamRequirement> lenet = new ArrayList<>();
        SafeTensors.read(fixture("lenet5.weights.safetensors")).tensors()
                .forEach((name, t) -> lenet.add(new ParamRequirement(name, t.shape())));
        Weights fromPth = Weights.load(fixture("torch/lenet5.pth"), lenet);
        Weights fromSafetensors = Weights.load(fixture("lenet5.weights.safetensors"), lenet);
        for (String name : fromSafetensors.names()) {
            assertArrayEquals(fromSafetensors.get(name).toArray(), fromPth.get(name).toArray(), name);
        }
    }

    @Test
    void aReduceToOsSystemIsRefusedNamingTheGlobal() {
        WeightsException e = assertThrows(WeightsException.class, () -> TorchCheckpoint.read(fixture("torch/hostile.pth")));
        assertTrue(e.getMessage().contains("refusing global posix.system"), e.getMessage());
        assertTrue(e.getMessage().contains("nothing in this file was run"), e.getMessage());
    }

    @Test
    void aListIsNotAStateDict() {
        WeightsException e = assertThrows(WeightsException.class,
                () -> TorchCheckpoint.read(fixture("torch/not_a_state_dict.pth")));
        assertTrue(e.getMessage().endsWith("the checkpoint holds a list, not a state dict (a dict of tensors)"),
                e.getMessage());
    }

    /** A pickle assembled opcode by opcode (protocol 2), for what torch.save never writes. */
    static final class Pickle {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Pickle op(int... bytes) {
            for (int b : bytes) {
                out.write(b);
            }
            return this;
        }

        Pickle global(String module, String name) {
            return op('c').text(module + "\n" + name + "\n");
        }

        Pickle unicode(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            op('X', b.length & 0xff, (b.length >> 8) & 0xff, 0, 0);
            out.writeBytes(b);
            return this;
        }

        Pickle integer(int v) {
            return op('J', v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, (v >>> 24) & 0xff);
        }

        Pickle text(String s) {
            out.writeBytes(s.getBytes(StandardCharsets.US_ASCII));
            return this;
        }

        /** {@code OrderedDict()} then, inside a MARK, key 'w' = _rebuild_tensor_v2(storage, offset, size, stride). */
        static Pickle stateDict(int numel, int offset, int[] size, int[] stride) {
            Pickle p = new Pickle().op(0x80, 2).global("collections", "OrderedDict").op(')', 'R', '(')
                    .unicode("w").global("torch._utils", "_rebuild_tensor_v2").op('(')
                    .op('(').unicode("storage").global("torch", "FloatStorage").unicode("0").unicode("cpu")
                    .integer(numel).op('t', 'Q').integer(offset).op('(');
            for (int s : size) {
                p.integer(s);
            }
            p.op('t', '(');
            for (int s : stride) {
                p.integer(s);
            }
            return p.op('t', 0x89).global("collections", "OrderedDict").op(')', 'R', 't', 'R', 'u', '.');
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }

    /** A zip laid out as torch.save does: stored entries under {@code archive/}. */
    Path checkpoint(byte[] pickle, Map<String, byte[]> storages) {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("archive/data.pkl", pickle);
        storages.forEach((key, data) -> entries.put("archive/data/" + key, data));
        entries.put("archive/version", "3\n".getBytes(StandardCharsets.US_ASCII));
        return zip(entries);
    }

    Path zip(Map<String, byte[]> entries) {
        try {
            Path file = Files.createTempFile(dir, "c", ".pth");
            try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
                for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                    ZipEntry entry = new ZipEntry(e.getKey());
                    entry.setMethod(ZipEntry.STORED);
                    entry.setSize(e.getValue().length);
                    CRC32 crc = new CRC32();
                    crc.update(e.getValue());
                    entry.setCrc(crc.getValue());
                    zip.putNextEntry(entry);
                    zip.write(e.getValue());
                    zip.closeEntry();
                }
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] floats(float... values) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4 * values.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        return b.array();
    }

    @Test
    void aHandMadeCheckpointReadsItsStridedView() {
        Path file = checkpoint(Pickle.stateDict(6, 1, new int[] {2, 2}, new int[] {1, 2}).bytes(),
                Map.of("0", floats(0, 1, 2, 3, 4, 5)));
        Tensor w = TorchCheckpoint.read(file).tensors().get("w");
        assertArrayEquals(new int[] {2, 2}, w.shape());
        assertArrayEquals(new float[] {1, 3, 2, 4}, w.toArray());
    }

    @Test
    void aDeclaredSizeLargerThanItsDataIsRefusedBeforeAllocating() {
        // two billion elements declared, 24 bytes present: refused from the zip's directory
        Path file = checkpoint(Pickle.stateDict(2_000_000_000, 0, new int[] {2_000_000_000}, new int[] {1}).bytes(),
                Map.of("0", floats(0, 1, 2, 3, 4, 5)));
        WeightsException e = assertThrows(WeightsException.class, () -> TorchCheckpoint.read(file));
        assertTrue(e.getMessage().contains("the storages declare 8000000000 bytes or more, larger than the file"), e.getMessage());
    }

    @Test
    void viewsOutsideTheirStorageAreRefused() {
        Path past = checkpoint(Pickle.stateDict(6, 4, new int[] {2, 2}, new int[] {1, 2}).bytes(),
                Map.of("0", floats(0, 1, 2, 3, 4, 5)));
        assertTrue(assertThrows(WeightsException.class, () -> TorchCheckpoint.read(past)).getMessage()
                .contains("does not fit in its storage of 6 elements"));
        // a stride of 0 would expand one element to a billion
        Path expanded = checkpoint(Pickle.stateDict(1, 0, new int[] {1_000_000_000}, new int[] {0}).bytes(),
                Map.of("0", floats(1)));
        assertTrue(assertThrows(WeightsException.class, () -> TorchCheckpoint.read(expanded)).getMessage()
                .contains("does not fit in its storage of 1 elements"));
    }

    @Test
    void refusedGlobalsAndOpcodesAreNamed() {
        byte[] eval = new Pickle().op(0x80, 2).global("builtins", "eval").unicode("1+1").op(0x85, 'R', '.').bytes();
        assertTrue(assertThrows(WeightsException.class, () -> TorchCheckpoint.read(checkpoint(eval, Map.of())))
                .getMessage().contains("refusing global builtins.eval"));
        byte[] stackGlobal = new Pickle().op(0x80, 4).unicode("os").unicode("system").op(0x93, '.').bytes();
        assertTrue(assertThrows(WeightsException.class, () -> TorchCheckpoint.read(checkpoint(stackGlobal, Map.of())))
                .getMessage().contains("refusing global os.system"));
        byte[] inst = new Pickle().op(0x80, 2, '(').text("i").text("os\nsystem\n").op('.').bytes();
        assertTrue(assertThrows(WeightsException.class, () -> TorchCheckpoint.read(checkpoint(inst, Map.of())))
                .getMessage().contains("opcode 'i' is not allowed"));
        byte[] storageCall = new Pickle().op(0x80, 2).global("torch", "FloatStorage").op(')', 'R', '.').bytes();
        assertTrue(assertThrows(WeightsException.class, () -> TorchCheckpoint.read(checkpoint(storageCall, Map.of())))
                .getMessage().contains("torch.FloatStorage cannot be called"));
    }

    @Test
    void lengthsPastTheEndAndTruncationAreRefused() {
        byte[] longString = new Pickle().op(0x80, 2, 'X', 0xff, 0xff, 0xff, 0x7f).text("abc").bytes();
        assertTrue(assertThrows(WeightsException.class, () -> TorchCheckpoint.read(checkpoint(longString, Map.of())))
                .getMessage().contains("runs past the end of the pickle"));
        byte[] whole = Pickle.stateDict(6, 0, new int[] {6}, new int[] {1}).bytes();
        byte[] cut = java.util.Arrays.copyOf(whole, whole.length - 3);
        assertTrue(assertThrows(WeightsException.class, () -> TorchCheckpoint.read(checkpoint(cut, Map.of())))
                .getMessage().contains("unexpected end of the pickle"));
    }

    @Test
    void aZipWithoutDataPklIsNotACheckpoint() {
        Path file = zip(Map.of("a.txt", new byte[] {1}));
        assertTrue(assertThrows(WeightsException.class, () -> TorchCheckpoint.read(file)).getMessage()
                .endsWith("a zip archive without data.pkl is not a PyTorch checkpoint"));
    }

    @Test
    void storagesSharedByManyViewsAreBounded() {
        // 100 views of the whole of one storage: more elements than 4 x the storage's
        Pickle p = new Pickle().op(0x80, 2).global("collections", "OrderedDict").op(')', 'R', '(');
        for (int i = 0; i < 100; i++) {
            p.unicode("w" + i).global("torch._utils", "_rebuild_tensor_v2").op('(')
                    .op('(').unicode("storage").global("torch", "FloatStorage").unicode("0").unicode("cpu")
                    .integer(6).op('t', 'Q').integer(0).op('(').integer(6).op('t', '(').integer(1)
                    .op('t', 0x89, 'N', 't', 'R');
        }
        Path file = checkpoint(p.op('u', '.').bytes(), Map.of("0", floats(0, 1, 2, 3, 4, 5)));
        assertTrue(assertThrows(WeightsException.class, () -> TorchCheckpoint.read(file)).getMessage()
                .contains("the tensors hold 600 elements, more than 4 times the 6 elements of their storages"));
    }

    static byte[] dataPkl(Path pth) {
        try (ZipFile zip = new ZipFile(pth.toFile())) {
            ZipEntry e = zip.stream().filter(x -> x.getName().endsWith("/data.pkl")).findFirst().orElseThrow();
            return zip.getInputStream(e).readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
