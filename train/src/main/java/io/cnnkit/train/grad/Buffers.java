package io.cnnkit.train.grad;

import io.cnnkit.exec.Tensor;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Gradient arrays kept from step to step: the trainer gives back each array once nothing reads it
 * any more (a layer's output gradient after its backward pass, a summed input gradient, the
 * parameter gradients after the update), and the backward kernels take arrays of the exact size
 * they need from here instead of allocating them. A step of a large network otherwise allocates
 * and zeroes gigabytes that the collector then has to reclaim. Only sizes that the kernels have
 * asked for are kept, at most {@link #MAX_FREE} arrays of each, so that arrays nobody takes (the
 * loss gradient, small parameter gradients) do not pile up step after step. Used by one thread at
 * a time (the trainer's); {@link #NONE} allocates every time.
 */
public final class Buffers {
    /** Allocates fresh arrays and keeps nothing. */
    public static final Buffers NONE = new Buffers(false);

    /** Free arrays kept per size: more than a step ever holds at once of one activation size. */
    static final int MAX_FREE = 16;

    private final boolean keeps;
    private final Set<Integer> asked = new HashSet<>();
    private final Map<Integer, ArrayDeque<float[]>> free = new HashMap<>();
    private final Set<float[]> held = Collections.newSetFromMap(new IdentityHashMap<>());

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
        Arrays.fill(t.data(), 0f);
        return t;
    }

    /** A tensor of {@code shape} with any values: for kernels that write every element. */
    public Tensor any(int... shape) {
        int size = 1;
        for (int d : shape) {
            size *= d;
        }
        if (keeps) {
            asked.add(size);
        }
        ArrayDeque<float[]> list = keeps ? free.get(size) : null;
        float[] data = list == null ? null : list.poll();
        if (data == null) {
            return Tensor.zeros(shape);
        }
        held.remove(data);
        return Tensor.view(data, 0, shape);
    }

    /**
     * Takes back the array behind {@code t}, which nothing may read or write afterwards; twice is
     * once. Kept only if its size has been asked for and fewer than {@link #MAX_FREE} of it are free.
     */
    public void giveBack(Tensor t) {
        float[] data = t.data();
        if (!keeps || !asked.contains(data.length) || held.contains(data)) {
            return;
        }
        ArrayDeque<float[]> list = free.computeIfAbsent(data.length, s -> new ArrayDeque<>());
        if (list.size() < MAX_FREE) {
            held.add(data);
            list.push(data);
        }
    }

    /** Arrays held for reuse, for the tests. */
    int freeArrays() {
        return held.size();
    }
}
