package io.cnnkit.analyzer;

import java.util.List;

/**
 * One parameter tensor of a layer, named relative to the layer as in a PyTorch {@code state_dict}
 * ({@code weight}, {@code bias}, {@code running_mean}, {@code running_var}). Buffers (batchnorm
 * running statistics) have {@code trainable == false}.
 */
public record ParamSpec(String name, List<Long> shape, boolean trainable) {

    public ParamSpec {
        shape = List.copyOf(shape);
    }

    public static ParamSpec trainable(String name, long... shape) {
        return new ParamSpec(name, java.util.Arrays.stream(shape).boxed().toList(), true);
    }

    public static ParamSpec buffer(String name, long... shape) {
        return new ParamSpec(name, java.util.Arrays.stream(shape).boxed().toList(), false);
    }

    /** Element count; exact. */
    public long elements() {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }
}
