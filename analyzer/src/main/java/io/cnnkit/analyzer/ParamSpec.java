package io.cnnkit.analyzer;

import java.util.List;

/**
 * One parameter tensor of a layer, named relative to the layer as in a PyTorch {@code state_dict}
 * ({@code weight}, {@code bias}, {@code running_mean}, {@code running_var}). Buffers (batchnorm
 * running statistics) have {@code trainable == false}. A layer's one bare parameter (a module's
 * own {@code nn.Parameter}, such as ConvNeXt's {@code layer_scale}) has the empty name
 * {@link #BARE}: its key is the layer's own name ({@link #key}).
 */
public record ParamSpec(String name, List<Long> shape, boolean trainable) {

    /** The name of a bare parameter, keyed by its layer's name alone. */
    public static final String BARE = "";

    public ParamSpec {
        shape = List.copyOf(shape);
    }

    public static ParamSpec trainable(String name, long... shape) {
        return new ParamSpec(name, java.util.Arrays.stream(shape).boxed().toList(), true);
    }

    public static ParamSpec buffer(String name, long... shape) {
        return new ParamSpec(name, java.util.Arrays.stream(shape).boxed().toList(), false);
    }

    /** The full {@code state_dict} key: {@code layer.name}, or {@code layer} for a bare parameter. */
    public String key(String layer) {
        return key(layer, name);
    }

    /** The key of parameter {@code name} of layer {@code layer} ({@code layer} itself for {@link #BARE}). */
    public static String key(String layer, String name) {
        return name.equals(BARE) ? layer : layer + "." + name;
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
