package io.cnnkit.exec.io;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * A pickle interpreter for PyTorch state dicts that runs no code: it builds plain values
 * (numbers, strings, tuples, lists, dicts) and recognises only the globals a state dict needs,
 * the allow-list idea of {@code torch.load(weights_only=True)}:
 * {@code collections.OrderedDict}, {@code torch._utils._rebuild_tensor_v2},
 * {@code torch._utils._rebuild_parameter} and the typed storage classes
 * ({@code torch.FloatStorage} and friends), which may appear only inside persistent ids. Any
 * other global, and any opcode that could build other objects ({@code INST}, {@code OBJ},
 * {@code NEWOBJ}, {@code EXT*}, sets, …), is refused naming what was found.
 *
 * <p>Every length read from the stream is checked against the bytes that remain before anything
 * is allocated, so a hostile pickle costs at most a constant times its own size.
 */
final class RestrictedUnpickler {
    /** A storage class given in a persistent id, with the element type it holds. */
    record StorageType(String name, DType dtype) {
    }

    /** A tuple (immutable in Python, so distinct from a list here). */
    record Tuple(List<Object> items) {
    }

    /** A call of {@code _rebuild_tensor_v2}: a strided view of a storage. */
    record TensorCall(Object storage, long offset, long[] size, long[] stride) {
    }

    private record Global(String module, String name) {
        String qualified() {
            return module + "." + name;
        }
    }

    private static final Object MARK = new Object();
    private static final Global ORDERED_DICT = new Global("collections", "OrderedDict");
    private static final Global REBUILD_TENSOR = new Global("torch._utils", "_rebuild_tensor_v2");
    private static final Global REBUILD_PARAMETER = new Global("torch._utils", "_rebuild_parameter");
    private static final Map<String, DType> STORAGES = Map.of("FloatStorage", DType.F32, "HalfStorage", DType.F16,
            "BFloat16Storage", DType.BF16, "DoubleStorage", DType.F64, "LongStorage", DType.I64,
            "IntStorage", DType.I32, "ShortStorage", DType.I16, "CharStorage", DType.I8, "ByteStorage", DType.U8,
            "BoolStorage", DType.BOOL);
    private static final Set<Global> CALLABLE = Set.of(ORDERED_DICT, REBUILD_TENSOR, REBUILD_PARAMETER);
    private static final int MAX_DIMS = 64;

    private final ByteBuffer in;
    private final Function<Tuple, Object> persistentLoad;
    private final List<Object> stack = new ArrayList<>();
    private final List<Integer> marks = new ArrayList<>();
    private final Map<Long, Object> memo = new HashMap<>();

    private RestrictedUnpickler(ByteBuffer in, Function<Tuple, Object> persistentLoad) {
        this.in = in.order(ByteOrder.LITTLE_ENDIAN);
        this.persistentLoad = persistentLoad;
    }

    /**
     * Interprets one pickle starting at the buffer's position and leaves the position after its
     * {@code STOP}; persistent ids (tuples) are handed to {@code persistentLoad}.
     *
     * @throws PickleException saying what was refused or malformed, with its byte offset
     */
    static Object load(ByteBuffer in, Function<Tuple, Object> persistentLoad) {
        return new RestrictedUnpickler(in, persistentLoad).run();
    }

    /** Thrown for a malformed or refused pickle; the message has no path (the caller adds it). */
    static final class PickleException extends RuntimeException {
        PickleException(String message) {
            super(message);
        }
    }

    private Object run() {
        while (true) {
            int at = in.position();
            int op = u8();
            switch (op) {
                case 0x80 -> { // PROTO
                    int protocol = u8();
                    if (protocol > 5) {
                        throw fail(at, "pickle protocol " + protocol + " is not supported (at most 5)");
                    }
                }
                case 0x95 -> skip(8); // FRAME: a size hint only
                case '.' -> { // STOP
                    Object result = pop(at);
                    if (!marks.isEmpty() || !stack.isEmpty()) {
                        throw fail(at, "STOP with values left on the stack");
                    }
                    return result;
                }
                case '(' -> marks.add(stack.size());
                case 'N' -> push(null);
                case 0x88 -> push(Boolean.TRUE);
                case 0x89 -> push(Boolean.FALSE);
                case 'K' -> push((long) u8());
                case 'M' -> push((long) (take(2).getShort() & 0xffff));
                case 'J' -> push((long) take(4).getInt());
                case 0x8a -> push(long1(at));
                case 'G' -> push(take(8).order(ByteOrder.BIG_ENDIAN).getDouble());
                case 'X' -> push(text(length(4, at), at));
                case 0x8c -> push(text(u8(), at));
                case 0x8d -> push(text(length(8, at), at));
                case 'U', 'C' -> push(new Bytes(bytes(u8(), at)));
                case 'T', 'B' -> push(new Bytes(bytes(length(4, at), at)));
                case ')' -> push(new Tuple(List.of()));
                case 0x85 -> push(tuple(1, at));
                case 0x86 -> push(tuple(2, at));
                case 0x87 -> push(tuple(3, at));
                case 't' -> push(new Tuple(popMark(at)));
                case ']' -> push(new ArrayList<>());
                case 'l' -> push(new ArrayList<>(popMark(at)));
                case '}' -> push(new LinkedHashMap<>());
                case 'd' -> {
                    Map<Object, Object> dict = new LinkedHashMap<>();
                    putAll(dict, popMark(at), at);
                    push(dict);
                }
                case 'a' -> {
                    Object value = pop(at);
                    list(peek(at), at).add(value);
                }
                case 'e' -> {
                    List<Object> values = popMark(at);
                    list(peek(at), at).addAll(values);
                }
                case 's' -> {
                    Object value = pop(at);
                    Object key = pop(at);
                    putAll(dict(peek(at), at), List.of(key, value), at);
                }
                case 'u' -> {
                    List<Object> pairs = popMark(at);
                    putAll(dict(peek(at), at), pairs, at);
                }
                case 'q' -> memo.put((long) u8(), peek(at));
                case 'r' -> memo.put(take(4).getInt() & 0xffffffffL, peek(at));
                case 0x94 -> memo.put((long) memo.size(), peek(at));
                case 'h' -> push(memoGet(u8(), at));
                case 'j' -> push(memoGet(take(4).getInt() & 0xffffffffL, at));
                case 'c' -> push(global(line(at), line(at), at));
                case 0x93 -> { // STACK_GLOBAL
                    Object name = pop(at);
                    Object module = pop(at);
                    if (!(module instanceof String m) || !(name instanceof String n)) {
                        throw fail(at, "STACK_GLOBAL needs two strings");
                    }
                    push(global(m, n, at));
                }
                case 'Q' -> { // BINPERSID
                    Object id = pop(at);
                    if (!(id instanceof Tuple t)) {
                        throw fail(at, "a persistent id must be a tuple, got " + typeName(id));
                    }
                    push(persistentLoad.apply(t));
                }
                case 'R' -> {
                    Object args = pop(at);
                    Object callable = pop(at);
                    push(reduce(callable, args, at));
                }
                case 'b' -> { // BUILD: only an OrderedDict's attributes (its _metadata), which are dropped
                    Object state = pop(at);
                    Object target = peek(at);
                    if (!(target instanceof Map<?, ?>) || !(state instanceof Map<?, ?>)) {
                        throw fail(at, "BUILD is allowed only on an OrderedDict with a dict state, not on "
                                + typeName(target));
                    }
                }
                case '0' -> pop(at); // POP
                case '1' -> popMark(at); // POP_MARK
                case '2' -> push(peek(at)); // DUP
                default -> throw fail(at, "opcode " + opcodeName(op) + " is not allowed in a state dict");
            }
        }
    }

    private Object reduce(Object callable, Object args, int at) {
        if (!(callable instanceof Global g)) {
            throw fail(at, "REDUCE on " + typeName(callable) + ", which is not callable");
        }
        if (!CALLABLE.contains(g)) {
            throw fail(at, g.qualified() + " cannot be called");
        }
        if (!(args instanceof Tuple t)) {
            throw fail(at, g.qualified() + " needs a tuple of arguments, got " + typeName(args));
        }
        List<Object> a = t.items();
        if (g.equals(ORDERED_DICT)) {
            if (!a.isEmpty()) {
                throw fail(at, "collections.OrderedDict is called with arguments; expected none");
            }
            return new LinkedHashMap<>();
        }
        if (g.equals(REBUILD_PARAMETER)) {
            if (a.size() != 3 || !(a.get(0) instanceof TensorCall)) {
                throw fail(at, "torch._utils._rebuild_parameter expects (tensor, requires_grad, hooks)");
            }
            return a.get(0);
        }
        // _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])
        if (a.size() < 6 || a.size() > 7) {
            throw fail(at, "torch._utils._rebuild_tensor_v2 expects 6 or 7 arguments, got " + a.size());
        }
        long offset = nonNegative(a.get(1), "storage offset", at);
        long[] size = dims(a.get(2), "size", at);
        long[] stride = dims(a.get(3), "stride", at);
        if (size.length != stride.length) {
            throw fail(at, "tensor size " + Arrays.toString(size) + " and stride " + Arrays.toString(stride)
                    + " differ in rank");
        }
        return new TensorCall(a.get(0), offset, size, stride);
    }

    private long[] dims(Object value, String what, int at) {
        if (!(value instanceof Tuple t)) {
            throw fail(at, "tensor " + what + " must be a tuple, got " + typeName(value));
        }
        if (t.items().size() > MAX_DIMS) {
            throw fail(at, "tensor " + what + " has " + t.items().size() + " dimensions (at most " + MAX_DIMS + ")");
        }
        long[] out = new long[t.items().size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = nonNegative(t.items().get(i), what, at);
        }
        return out;
    }

    private long nonNegative(Object value, String what, int at) {
        if (!(value instanceof Long v) || v < 0) {
            throw fail(at, "tensor " + what + " must hold non-negative integers, got " + typeName(value));
        }
        return v;
    }

    private Global global(String module, String name, int at) {
        Global g = new Global(module, name);
        if (CALLABLE.contains(g)) {
            return g;
        }
        if (module.equals("torch") && STORAGES.containsKey(name)) {
            return g;
        }
        throw fail(at, "refusing global " + g.qualified() + ": a state dict needs only tensors, storages and"
                + " OrderedDict (the allow-list of torch.load(weights_only=True)); nothing in this file was run");
    }

    /** The storage class behind a global pushed by {@link #global}, or empty for any other value. */
    static java.util.Optional<StorageType> storageType(Object value) {
        if (value instanceof Global g && g.module().equals("torch") && STORAGES.containsKey(g.name())) {
            return java.util.Optional.of(new StorageType(g.name(), STORAGES.get(g.name())));
        }
        return java.util.Optional.empty();
    }

    /** Pickled byte strings (not used by state dicts, but legal). */
    record Bytes(byte[] value) {
    }

    private void putAll(Map<Object, Object> dict, List<Object> pairs, int at) {
        if (pairs.size() % 2 != 0) {
            throw fail(at, "odd number of items for a dict");
        }
        for (int i = 0; i < pairs.size(); i += 2) {
            Object key = pairs.get(i);
            if (!(key == null || key instanceof String || key instanceof Long || key instanceof Boolean
                    || key instanceof Double || key instanceof BigInteger)) {
                throw fail(at, "dict key of type " + typeName(key) + " (only strings and numbers are accepted)");
            }
            dict.put(key, pairs.get(i + 1));
        }
    }

    @SuppressWarnings("unchecked")
    private List<Object> list(Object value, int at) {
        if (value instanceof ArrayList<?> l) {
            return (List<Object>) l;
        }
        throw fail(at, "APPEND on " + typeName(value) + ", not a list");
    }

    @SuppressWarnings("unchecked")
    private Map<Object, Object> dict(Object value, int at) {
        if (value instanceof LinkedHashMap<?, ?> m) {
            return (Map<Object, Object>) m;
        }
        throw fail(at, "SETITEM on " + typeName(value) + ", not a dict");
    }

    private Tuple tuple(int n, int at) {
        if (stack.size() - (marks.isEmpty() ? 0 : marks.get(marks.size() - 1)) < n) {
            throw fail(at, "stack underflow");
        }
        List<Object> items = new ArrayList<>(stack.subList(stack.size() - n, stack.size()));
        stack.subList(stack.size() - n, stack.size()).clear();
        return new Tuple(nullsAllowed(items));
    }

    private List<Object> popMark(int at) {
        if (marks.isEmpty()) {
            throw fail(at, "no MARK before this opcode");
        }
        int from = marks.remove(marks.size() - 1);
        List<Object> items = new ArrayList<>(stack.subList(from, stack.size()));
        stack.subList(from, stack.size()).clear();
        return nullsAllowed(items);
    }

    /** List.copyOf refuses nulls (Python's None), so tuples keep an unmodifiable ArrayList. */
    private static List<Object> nullsAllowed(List<Object> items) {
        return java.util.Collections.unmodifiableList(items);
    }

    private void push(Object value) {
        stack.add(value);
    }

    private Object pop(int at) {
        int floor = marks.isEmpty() ? 0 : marks.get(marks.size() - 1);
        if (stack.size() <= floor) {
            throw fail(at, "stack underflow");
        }
        return stack.remove(stack.size() - 1);
    }

    private Object peek(int at) {
        int floor = marks.isEmpty() ? 0 : marks.get(marks.size() - 1);
        if (stack.size() <= floor) {
            throw fail(at, "stack underflow");
        }
        return stack.get(stack.size() - 1);
    }

    private Object memoGet(long index, int at) {
        if (!memo.containsKey(index)) {
            throw fail(at, "memo entry " + index + " was never stored");
        }
        return memo.get(index);
    }

    private Object long1(int at) {
        int n = u8();
        if (n > 16) {
            throw fail(at, "integer of " + n + " bytes (at most 16 accepted)");
        }
        byte[] le = bytes(n, at);
        if (n == 0) {
            return 0L;
        }
        byte[] be = new byte[n];
        for (int i = 0; i < n; i++) {
            be[i] = le[n - 1 - i];
        }
        BigInteger v = new BigInteger(be);
        return v.bitLength() < 64 ? (Object) v.longValue() : v;
    }

    private int length(int bytes, int at) {
        long n = bytes == 4 ? take(4).getInt() & 0xffffffffL : take(8).getLong();
        if (n < 0 || n > in.remaining()) {
            throw fail(at, "a length of " + Long.toUnsignedString(n) + " bytes runs past the end of the pickle ("
                    + in.remaining() + " bytes left)");
        }
        return (int) n;
    }

    private String text(int n, int at) {
        byte[] b = bytes(n, at);
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b)).toString();
        } catch (CharacterCodingException e) {
            throw fail(at, "a string is not valid UTF-8");
        }
    }

    private String line(int at) {
        int start = in.position();
        int limit = Math.min(in.limit(), start + 256);
        for (int i = start; i < limit; i++) {
            if (in.get(i) == '\n') {
                byte[] b = new byte[i - start];
                in.get(b);
                in.get();
                return new String(b, StandardCharsets.US_ASCII);
            }
        }
        throw fail(at, "GLOBAL name without a newline within 256 bytes");
    }

    private byte[] bytes(int n, int at) {
        if (n > in.remaining()) {
            throw fail(at, "a length of " + n + " bytes runs past the end of the pickle");
        }
        byte[] b = new byte[n];
        in.get(b);
        return b;
    }

    private ByteBuffer take(int n) {
        if (n > in.remaining()) {
            throw fail(in.position(), "unexpected end of the pickle");
        }
        ByteBuffer slice = in.slice(in.position(), n).order(ByteOrder.LITTLE_ENDIAN);
        in.position(in.position() + n);
        return slice;
    }

    private void skip(int n) {
        take(n);
    }

    private int u8() {
        if (!in.hasRemaining()) {
            throw fail(in.position(), "unexpected end of the pickle (no STOP)");
        }
        return in.get() & 0xff;
    }

    private static PickleException fail(int at, String message) {
        return new PickleException("pickle byte " + at + ": " + message);
    }

    private static String opcodeName(int op) {
        return op >= 0x20 && op < 0x7f ? "'" + (char) op + "'" : String.format("0x%02x", op);
    }

    /** A short type name for messages; never prints the value (which may be huge or cyclic). */
    static String typeName(Object value) {
        if (value == null) {
            return "None";
        }
        if (value instanceof Global g) {
            return g.qualified();
        }
        if (value instanceof Tuple) {
            return "tuple";
        }
        if (value instanceof List<?>) {
            return "list";
        }
        if (value instanceof Map<?, ?>) {
            return "dict";
        }
        if (value instanceof TensorCall) {
            return "tensor";
        }
        if (value instanceof String) {
            return "str";
        }
        if (value instanceof Long || value instanceof BigInteger) {
            return "int";
        }
        if (value instanceof Double) {
            return "float";
        }
        if (value instanceof Boolean) {
            return "bool";
        }
        if (value instanceof Bytes) {
            return "bytes";
        }
        return value.getClass().getSimpleName();
    }
}
