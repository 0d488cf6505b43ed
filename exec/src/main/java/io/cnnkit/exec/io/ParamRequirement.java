package io.cnnkit.exec.io;

import java.util.Arrays;

/**
 * One tensor a network needs: its full name ({@code layerName.param}, PyTorch {@code state_dict}
 * style) and shape.
 */
public record ParamRequirement(String name, int[] shape) {
    public ParamRequirement {
        shape = shape.clone();
    }

    @Override
    public int[] shape() {
        return shape.clone();
    }

    /** The part after the last dot: {@code weight}, {@code bias}, {@code running_mean}, … */
    public String param() {
        return name.substring(name.lastIndexOf('.') + 1);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ParamRequirement r && r.name.equals(name) && Arrays.equals(r.shape, shape);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return name + Arrays.toString(shape);
    }
}
