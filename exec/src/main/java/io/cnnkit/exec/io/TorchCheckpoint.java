package io.cnnkit.exec.io;

import io.cnnkit.exec.Tensor;
import io.cnnkit.exec.io.RestrictedUnpickler.PickleException;
import io.cnnkit.exec.io.RestrictedUnpickler.StorageType;
import io.cnnkit.exec.io.RestrictedUnpickler.TensorCall;
import io.cnnkit.exec.io.RestrictedUnpickler.Tuple;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Reads PyTorch checkpoints written by {@code torch.save(state_dict, path)} without running
 * anything from them: the zip format of PyTorch 1.6 and later ({@code NAME/data.pkl} plus one
 * {@code NAME/data/KEY} entry per storage) and the legacy format before it (a magic number,
 * three small pickles, the state dict pickle, the list of storage keys, then each storage's
 * element count and bytes).
 *
 * <p>The pickle goes through {@link RestrictedUnpickler}; the tensors it describes are then
 * checked before any tensor memory is allocated: every storage's declared element count must
 * match the bytes the file holds for it, every view (offset, size, stride) must stay inside its
 * storage and hold no more elements than it, and all views together at most
 * {@value #SHARING_FACTOR} times the elements of the storages they use. The pickle itself is
 * bounded by {@link #MAX_PICKLE_BYTES}.
 *
 * <p>A dict whose only value is a nested state dict under {@code state_dict} or {@code model}
 * (a common training-checkpoint layout) is unwrapped. Floating-point storages (float32,
 * float16, bfloat16, float64) become float32 tensors, integer ones {@link SafeTensors.IntegerTensor}s.
 */
public final class TorchCheckpoint {
    /** Upper bound of the pickled object graph (torchvision's ResNet-152 needs about 60 kB). */
    public static final long MAX_PICKLE_BYTES = 16L << 20;
    static final int SHARING_FACTOR = 4;

    private static final BigInteger LEGACY_MAGIC = new BigInteger("1950a86a20f9469cfc6c", 16);
    private static final long LEGACY_PROTOCOL = 1001;
    private static final Pattern STORAGE_KEY = Pattern.compile("[A-Za-z0-9_]{1,64}");

    private TorchCheckpoint() {
    }

    /** The kinds of weight files, told apart by their first bytes. */
    public enum Format { SAFETENSORS, TORCH_ZIP, TORCH_LEGACY }

    /** The format of {@code file} by its first bytes: a zip, a pickle's PROTO 2 + LONG1, or safetensors. */
    public static Format detect(Path file) {
        byte[] head = new byte[4];
        try (InputStream in = Files.newInputStream(file)) {
            int n = in.readNBytes(head, 0, 4);
            if (n == 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4) {
                return Format.TORCH_ZIP;
            }
            if (n >= 3 && (head[0] & 0xff) == 0x80 && head[1] == 2 && (head[2] & 0xff) == 0x8a) {
                return Format.TORCH_LEGACY;
            }
            return Format.SAFETENSORS;
        } catch (IOException e) {
            throw new WeightsException(file + ": cannot read: " + SafeTensors.describe(e), e);
        }
    }

    /** Reads a checkpoint of either PyTorch format. */
    public static SafeTensors.Contents read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new WeightsException(file + ": " + (Files.exists(file) ? "not a regular file" : "no such file"));
        }
        try {
            return detect(file) == Format.TORCH_ZIP ? readZip(file) : readLegacy(file);
        } catch (PickleException e) {
            throw new WeightsException(file + ": " + e.getMessage(), e);
        } catch (ZipException e) {
            throw new WeightsException(file + ": not a valid zip archive (" + e.getMessage() + ")", e);
        } catch (IOException e) {
            throw new WeightsException(file + ": cannot read: " + SafeTensors.describe(e), e);
        }
    }

    /** A storage named in a persistent id: its key, element type and declared element count. */
    private record Storage(String key, DType dtype, long elements) {
    }

    private static SafeTensors.Contents readZip(Path file) throws IOException {
        long fileSize = Files.size(file);
        try (ZipFile zip = new ZipFile(file.toFile())) {
            String prefix = null;
            for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) {
                String name = e.nextElement().getName();
                if (name.endsWith("data.pkl") && (name.equals("data.pkl") || name.endsWith("/data.pkl"))) {
                    if (prefix != null) {
                        throw bad(file, "more than one data.pkl in the archive");
                    }
                    prefix = name.substring(0, name.length() - "data.pkl".length());
                }
            }
            if (prefix == null) {
                throw bad(file, "a zip archive without data.pkl is not a PyTorch checkpoint");
            }
            ZipEntry byteOrder = zip.getEntry(prefix + "byteorder");
            if (byteOrder != null) {
                String order = new String(bounded(zip, byteOrder, 16, file), StandardCharsets.US_ASCII).trim();
                if (!order.equals("little")) {
                    throw bad(file, "byte order '" + order + "' is not supported (only little-endian)");
                }
            }
            byte[] pickle = bounded(zip, zip.getEntry(prefix + "data.pkl"), MAX_PICKLE_BYTES, file);
            Map<String, Storage> storages = new LinkedHashMap<>();
            Object root = RestrictedUnpickler.load(ByteBuffer.wrap(pickle), id -> storage(id, 5, storages));
            Map<String, TensorCall> views = stateDict(root, file);
            String dataPrefix = prefix + "data/";
            Map<String, ByteBuffer> bytes = new HashMap<>();
            long total = 0;
            for (Storage s : used(views, storages)) {
                total += s.elements() * s.dtype().bytes();
                if (total > fileSize) {
                    throw bad(file, "the storages declare " + total + " bytes or more, larger than the file ("
                            + fileSize + " bytes)");
                }
                ZipEntry entry = zip.getEntry(dataPrefix + s.key());
                if (entry == null) {
                    throw bad(file, "storage " + s.key() + " is named in data.pkl but absent from the archive");
                }
                long expected = s.elements() * s.dtype().bytes();
                if (entry.getSize() != expected || expected > fileSize) {
                    throw bad(file, "storage " + s.key() + " declares " + s.elements() + " " + s.dtype()
                            + " elements (" + expected + " bytes) but the archive holds " + entry.getSize() + " bytes");
                }
                bytes.put(s.key(), ByteBuffer.wrap(bounded(zip, entry, expected, file)).order(ByteOrder.LITTLE_ENDIAN));
            }
            return tensors(views, bytes, file);
        }
    }

    private static SafeTensors.Contents readLegacy(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long fileSize = channel.size();
            ByteBuffer head = ByteBuffer.allocate((int) Math.min(fileSize, MAX_PICKLE_BYTES));
            while (head.hasRemaining() && channel.read(head, head.position()) > 0) {
                // fill the prefix that holds the pickles
            }
            head.flip();
            Object magic = RestrictedUnpickler.load(head, id -> {
                throw new PickleException("persistent id in the header");
            });
            if (!LEGACY_MAGIC.equals(magic instanceof Long l ? BigInteger.valueOf(l) : magic)) {
                throw bad(file, "not a PyTorch checkpoint (wrong magic number)");
            }
            Object protocol = RestrictedUnpickler.load(head, id -> {
                throw new PickleException("persistent id in the header");
            });
            if (!Long.valueOf(LEGACY_PROTOCOL).equals(protocol)) {
                throw bad(file, "legacy protocol version " + protocol + " is not supported (expected 1001)");
            }
            Object sysInfo = RestrictedUnpickler.load(head, id -> {
                throw new PickleException("persistent id in the header");
            });
            if (sysInfo instanceof Map<?, ?> info && Boolean.FALSE.equals(info.get("little_endian"))) {
                throw bad(file, "written on a big-endian machine; only little-endian checkpoints are supported");
            }
            Map<String, Storage> storages = new LinkedHashMap<>();
            Object root = RestrictedUnpickler.load(head, id -> storage(id, 6, storages));
            Object keys = RestrictedUnpickler.load(head, id -> {
                throw new PickleException("persistent id in the storage key list");
            });
            if (!(keys instanceof List<?> keyList)) {
                throw bad(file, "the storage key list is a " + RestrictedUnpickler.typeName(keys) + ", not a list");
            }
            Map<String, TensorCall> views = stateDict(root, file);
            // storages follow in the key list's order: an int64 element count, then the elements
            long position = head.position();
            Map<String, Long> starts = new HashMap<>();
            for (Object k : keyList) {
                Storage s = k instanceof String key ? storages.get(key) : null;
                if (s == null) {
                    throw bad(file, "the storage key list names a storage the state dict does not declare");
                }
                ByteBuffer count = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
                if (position + 8 > fileSize || channel.read(count, position) != 8) {
                    throw bad(file, "truncated before storage " + s.key());
                }
                long elements = count.flip().getLong();
                if (elements != s.elements() || elements > (fileSize - position - 8) / s.dtype().bytes()) {
                    throw bad(file, "storage " + s.key() + " declares " + s.elements() + " elements, its data says "
                            + elements + " and " + (fileSize - position - 8) + " bytes remain");
                }
                starts.put(s.key(), position + 8);
                position += 8 + elements * s.dtype().bytes();
            }
            Map<String, ByteBuffer> bytes = new HashMap<>();
            for (Storage s : used(views, storages)) {
                Long start = starts.get(s.key());
                if (start == null) {
                    throw bad(file, "storage " + s.key() + " has no data in the file");
                }
                ByteBuffer data = ByteBuffer.allocate((int) (s.elements() * s.dtype().bytes()));
                while (data.hasRemaining()) {
                    if (channel.read(data, start + data.position()) < 0) {
                        throw bad(file, "truncated in storage " + s.key());
                    }
                }
                bytes.put(s.key(), data.flip().order(ByteOrder.LITTLE_ENDIAN));
            }
            return tensors(views, bytes, file);
        }
    }

    /**
     * A persistent id {@code ('storage', StorageClass, key, location, numel[, view_metadata])}:
     * checked and recorded; the same key must always declare the same storage.
     */
    private static Storage storage(Tuple id, int arity, Map<String, Storage> storages) {
        List<Object> f = id.items();
        if (f.size() != arity || !"storage".equals(f.get(0))) {
            throw new PickleException("persistent id is not ('storage', type, key, location, size"
                    + (arity == 6 ? ", view" : "") + ")");
        }
        StorageType type = RestrictedUnpickler.storageType(f.get(1)).orElseThrow(() ->
                new PickleException("persistent id names " + RestrictedUnpickler.typeName(f.get(1))
                        + ", not a storage class"));
        if (!(f.get(2) instanceof String key) || !STORAGE_KEY.matcher(key).matches()) {
            throw new PickleException("storage key must be a short alphanumeric string");
        }
        if (!(f.get(4) instanceof Long elements) || elements < 0 || elements > Tensor.MAX_ELEMENTS) {
            throw new PickleException("storage " + key + " has an element count that is not in [0, "
                    + Tensor.MAX_ELEMENTS + "]");
        }
        if (arity == 6 && f.get(5) != null) {
            throw new PickleException("storage views of the legacy format (PyTorch before 0.4) are not supported");
        }
        Storage s = new Storage(key, type.dtype(), elements);
        Storage earlier = storages.putIfAbsent(key, s);
        if (earlier != null && !earlier.equals(s)) {
            throw new PickleException("storage " + key + " is declared twice with different types or sizes");
        }
        return s;
    }

    /** The name-to-tensor map at the root, or under its only key {@code state_dict} or {@code model}. */
    private static Map<String, TensorCall> stateDict(Object root, Path file) {
        if (root instanceof Map<?, ?> m && m.size() == 1 && !(m.values().iterator().next() instanceof TensorCall)) {
            Object key = m.keySet().iterator().next();
            if (("state_dict".equals(key) || "model".equals(key)) && m.get(key) instanceof Map<?, ?>) {
                root = m.get(key);
            }
        }
        if (!(root instanceof Map<?, ?> dict)) {
            throw bad(file, "the checkpoint holds a " + RestrictedUnpickler.typeName(root)
                    + ", not a state dict (a dict of tensors)");
        }
        Map<String, TensorCall> views = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : dict.entrySet()) {
            if (!(e.getKey() instanceof String name) || name.isEmpty()) {
                throw bad(file, "a state dict key is a " + RestrictedUnpickler.typeName(e.getKey()) + ", not a name");
            }
            if (!(e.getValue() instanceof TensorCall t) || !(t.storage() instanceof Storage)) {
                throw bad(file, "state dict entry '" + name + "' is a "
                        + RestrictedUnpickler.typeName(e.getValue()) + ", not a tensor");
            }
            views.put(name, t);
        }
        return views;
    }

    /** The storages the views use, after checking every view against its storage and the sharing bound. */
    private static List<Storage> used(Map<String, TensorCall> views, Map<String, Storage> storages) {
        Map<String, Storage> used = new LinkedHashMap<>();
        long viewElements = 0;
        for (Map.Entry<String, TensorCall> e : views.entrySet()) {
            TensorCall t = e.getValue();
            Storage s = (Storage) t.storage();
            long elements = 1;
            long last = t.offset();
            for (int i = 0; i < t.size().length; i++) {
                elements = Math.multiplyHigh(elements, t.size()[i]) != 0 ? Long.MAX_VALUE : elements * t.size()[i];
                if (t.size()[i] > 0) {
                    long reach = Math.multiplyHigh(t.size()[i] - 1, t.stride()[i]) != 0 ? Long.MAX_VALUE
                            : (t.size()[i] - 1) * t.stride()[i];
                    last = reach > Long.MAX_VALUE - last ? Long.MAX_VALUE : last + reach;
                }
            }
            if (elements > s.elements() || (elements > 0 && last >= s.elements())) {
                throw new PickleException("tensor '" + e.getKey() + "' (size " + java.util.Arrays.toString(t.size())
                        + ", stride " + java.util.Arrays.toString(t.stride()) + ", offset " + t.offset()
                        + ") does not fit in its storage of " + s.elements() + " elements");
            }
            viewElements += elements;
            used.putIfAbsent(s.key(), s);
        }
        long storageElements = used.values().stream().mapToLong(Storage::elements).sum();
        if (viewElements > SHARING_FACTOR * Math.max(storageElements, 1)) {
            throw new PickleException("the tensors hold " + viewElements + " elements, more than " + SHARING_FACTOR
                    + " times the " + storageElements + " elements of their storages");
        }
        return new ArrayList<>(used.values());
    }

    private static SafeTensors.Contents tensors(Map<String, TensorCall> views, Map<String, ByteBuffer> bytes, Path file) {
        Map<String, Tensor> floats = new LinkedHashMap<>();
        Map<String, SafeTensors.IntegerTensor> integers = new LinkedHashMap<>();
        for (Map.Entry<String, TensorCall> e : views.entrySet()) {
            TensorCall t = e.getValue();
            Storage s = (Storage) t.storage();
            ByteBuffer data = bytes.get(s.key());
            int[] shape = new int[t.size().length];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = (int) t.size()[i];
            }
            int n = Tensor.checkedSize(shape);
            long[] indices = indices(t, n);
            if (s.dtype().isFloating()) {
                float[] out = new float[n];
                for (int i = 0; i < n; i++) {
                    out[i] = floatAt(s.dtype(), data, (int) indices[i]);
                }
                floats.put(e.getKey(), Tensor.of(out, shape));
            } else {
                long[] out = new long[n];
                for (int i = 0; i < n; i++) {
                    out[i] = longAt(s.dtype(), data, (int) indices[i]);
                }
                integers.put(e.getKey(), new SafeTensors.IntegerTensor(s.dtype(), shape, out));
            }
        }
        return new SafeTensors.Contents(Map.of(), Map.of(), floats, integers);
    }

    /** Storage element indices of a strided view, in row-major order. */
    private static long[] indices(TensorCall t, int n) {
        long[] out = new long[n];
        int rank = t.size().length;
        long[] counter = new long[rank];
        long index = t.offset();
        for (int i = 0; i < n; i++) {
            out[i] = index;
            for (int d = rank - 1; d >= 0; d--) {
                counter[d]++;
                index += t.stride()[d];
                if (counter[d] < t.size()[d]) {
                    break;
                }
                index -= counter[d] * t.stride()[d];
                counter[d] = 0;
            }
        }
        return out;
    }

    private static float floatAt(DType dtype, ByteBuffer b, int i) {
        return switch (dtype) {
            case F32 -> b.getFloat(4 * i);
            case F64 -> (float) b.getDouble(8 * i);
            case F16 -> HalfFloats.f16ToFloat(b.getShort(2 * i));
            case BF16 -> HalfFloats.bf16ToFloat(b.getShort(2 * i));
            default -> throw new IllegalArgumentException("not a floating dtype: " + dtype);
        };
    }

    private static long longAt(DType dtype, ByteBuffer b, int i) {
        return switch (dtype) {
            case BOOL, U8 -> b.get(i) & 0xffL;
            case I8 -> b.get(i);
            case I16 -> b.getShort(2 * i);
            case I32 -> b.getInt(4 * i);
            case I64 -> b.getLong(8 * i);
            default -> throw new IllegalArgumentException("not an integer dtype: " + dtype);
        };
    }

    /** An entry's bytes, refusing more than {@code limit} whatever its header declares. */
    private static byte[] bounded(ZipFile zip, ZipEntry entry, long limit, Path file) throws IOException {
        if (entry.getSize() > limit) {
            throw bad(file, entry.getName() + " declares " + entry.getSize() + " bytes, more than the "
                    + limit + " accepted");
        }
        try (InputStream in = zip.getInputStream(entry)) {
            byte[] b = in.readNBytes((int) Math.min(limit, Integer.MAX_VALUE - 8) + 1);
            if (b.length > limit) {
                throw bad(file, entry.getName() + " holds more than the " + limit + " bytes accepted");
            }
            if (entry.getSize() >= 0 && b.length != entry.getSize()) {
                throw bad(file, entry.getName() + " holds " + b.length + " bytes, its header says " + entry.getSize());
            }
            return b;
        }
    }

    private static WeightsException bad(Path file, String message) {
        return new WeightsException(file + ": " + message);
    }
}
