package io.cnnkit.exec.io;

import io.cnnkit.analyzer.Analysis;
import io.cnnkit.analyzer.LayerStats;
import io.cnnkit.analyzer.ParamSpec;
import io.cnnkit.exec.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One tensor a network needs: its full name ({@code layerName.param}, PyTorch {@code state_dict}
 * style), shape, and the parameter's name within its layer ({@code weight}, {@code bias}, …, or
 * {@link ParamSpec#BARE} for a bare parameter named by its layer alone).
 */
public record ParamRequirement(String name, int[] shape, String param) {
    public ParamRequirement {
        shape = shape.clone();
    }

    /** A requirement whose parameter name is the part of {@code name} after the last dot. */
    public ParamRequirement(String name, int[] shape) {
        this(name, shape, name.substring(name.lastIndexOf('.') + 1));
    }

    @Override
    public int[] shape() {
        return shape.clone();
    }

    /**
     * Every parameter tensor of an analysed network, auxiliary heads included (a PyTorch
     * {@code state_dict} holds them too), in the analyzer's layer order.
     *
     * @throws IllegalArgumentException if the analysis has errors (its shapes are unknown)
     * @throws WeightsException naming a tensor with more elements than one tensor holds
     */
    public static List<ParamRequirement> of(Analysis analysis) {
        if (analysis.hasErrors()) {
            throw new IllegalArgumentException("the network has errors; its parameter shapes are unknown");
        }
        List<ParamRequirement> out = new ArrayList<>();
        for (LayerStats stats : analysis.layers()) {
            for (ParamSpec p : stats.params()) {
                String name = p.key(stats.layer().name());
                // the analyzer counts in 64 bits; one tensor is one Java array
                if (p.elements() > Tensor.MAX_ELEMENTS) {
                    throw new WeightsException(stats.layer().site() + ": "
                            + MemoryCheck.tooManyElements(name + " " + p.shape(), p.elements()) + "; expected a smaller layer");
                }
                int[] shape = p.shape().stream().mapToInt(Math::toIntExact).toArray();
                out.add(new ParamRequirement(name, shape, p.name()));
            }
        }
        return List.copyOf(out);
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
