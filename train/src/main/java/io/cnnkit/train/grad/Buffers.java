package io.cnnkit.train.grad;

import io.cnnkit.exec.Tensor;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Gradient arrays kept from step to step: the trainer gives back each array once nothing reads it
 * any more (a layer's output gradient after its backward pass, a summed input gradient, the
 * parameter gradients after the update), and the backward kernels take arrays of the exact size
 * they need from here instead of allocating them. A step of a large network otherwise allocates
 * and zeroes gigabytes that the collector then has to reclaim. Used by one thread at a time (the
 * trainer's); {@link #NONE} allocates every time.
 */
public final class Buffers {
    /** Allocates fresh arrays and keeps nothing. */
    public static final Buffers NONE = new Buffers(false);

    private final boolean keeps;
    private final Map<Integer, ArrayDeque<float[]>> free = new HashMap<>();
    private final Map<float[], Boolean> held = new IdentityHashMap<>();

    private Buffers(boolean keeps) {
        this.keeps = keeps;
    }

    /** A pool that keeps what it is given. */
    public static Buffers recycling() {
        return new Buffers(true);
    }

    /** A tensor of {@code shape}, all zero. */
    public Tensor zeros(int... shape) {
        Tensor t = any(shape);
        java.util.Arrays.fill(t.data(), 0f);
        return t;
    }

    /** A tensor of {@code shape} with any values: for kernels that write every element. */
    public Tensor any(int... shape) {
        int size = 1;
        for (int d : shape) {
            size *= d;
        }
        ArrayDeque<float[]> list = keeps ? free.get(size) : null;
        float[] data = list == null ? null : list.poll();
        if (data == null) {
            return Tensor.zeros(shape);
        }
        held.remove(data);
        return Tensor.view(data, 0, shape);
    }

    /** Takes back the array behind {@code t}, which nothing may read or write afterwards; twice is once. */
    public void giveBack(Tensor t) {
        if (keeps && held.put(t.data(), Boolean.TRUE) == null) {
            free.computeIfAbsent(t.data().length, s -> new ArrayDeque<>()).push(t.data());
        }
    }
}
