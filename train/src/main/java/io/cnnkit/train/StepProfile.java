package io.cnnkit.train;

import io.cnnkit.compiler.graph.Layer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Wall time of training steps split by layer and phase, summed over the steps since profiling was
 * switched on ({@link Trainer#profile}): the convolution kernels prepared before the forward pass,
 * each layer's forward and backward pass, and the loss and the update (gathering the gradients,
 * clipping, the optimiser) of the whole step.
 */
public final class StepProfile {
    /** One layer's time in nanoseconds over {@link #steps()} steps. */
    public record LayerTime(Layer layer, long forwardNanos, long backwardNanos) {
    }

    private final Map<Integer, long[]> byLayer = new LinkedHashMap<>();
    private final Map<Integer, Layer> layers = new LinkedHashMap<>();
    private long prepareNanos, lossNanos, updateNanos;
    private int steps;

    void forward(Layer layer, long nanos) {
        slot(layer)[0] += nanos;
    }

    void backward(Layer layer, long nanos) {
        slot(layer)[1] += nanos;
    }

    void prepare(long nanos) {
        prepareNanos += nanos;
    }

    void loss(long nanos) {
        lossNanos += nanos;
    }

    void update(long nanos) {
        updateNanos += nanos;
    }

    void stepDone() {
        steps++;
    }

    private long[] slot(Layer layer) {
        layers.putIfAbsent(layer.id(), layer);
        return byLayer.computeIfAbsent(layer.id(), id -> new long[2]);
    }

    /** The layers in forward order. */
    public List<LayerTime> layers() {
        List<LayerTime> out = new ArrayList<>();
        byLayer.forEach((id, t) -> out.add(new LayerTime(layers.get(id), t[0], t[1])));
        return out;
    }

    /** Preparing the step's convolution kernels, all at once before the forward pass. */
    public long prepareNanos() {
        return prepareNanos;
    }

    public long lossNanos() {
        return lossNanos;
    }

    public long updateNanos() {
        return updateNanos;
    }

    public int steps() {
        return steps;
    }
}
