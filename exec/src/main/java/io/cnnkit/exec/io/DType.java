package io.cnnkit.exec.io;

import java.util.Optional;

/** Element types of the safetensors format, with their size in bytes. */
public enum DType {
    BOOL(1, false), U8(1, false), I8(1, false), U16(2, false), I16(2, false), F16(2, true),
    BF16(2, true), U32(4, false), I32(4, false), F32(4, true), U64(8, false), I64(8, false),
    F64(8, true);

    private final int bytes;
    private final boolean floating;

    DType(int bytes, boolean floating) {
        this.bytes = bytes;
        this.floating = floating;
    }

    public int bytes() {
        return bytes;
    }

    /** Floating-point types are widened (or narrowed, for F64) to float32 when read. */
    public boolean isFloating() {
        return floating;
    }

    public static Optional<DType> parse(String name) {
        for (DType t : values()) {
            if (t.name().equals(name)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}
