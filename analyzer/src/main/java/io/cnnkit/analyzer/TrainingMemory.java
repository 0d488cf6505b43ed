package io.cnnkit.analyzer;

import io.cnnkit.compiler.graph.Layer;
import io.cnnkit.compiler.graph.NetworkGraph;
import io.cnnkit.compiler.graph.Output;
import io.cnnkit.compiler.op.Op;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The memory of one training step at the analysed batch, as {@code cnn train}'s trainer holds it.
 *
 * <p><b>Schedule.</b> The forward pass runs the layers in {@link NetworkGraph#layers()} order and
 * keeps every layer's output for the backward pass ({@code flatten} is a view of its input and
 * keeps nothing of its own; the network input is the batch itself). Dropout and stochastic depth
 * also keep their scale mask (a float per element), batchnorm its batch mean and inverse standard
 * deviation (two doubles per channel). The backward pass runs in reverse order: a layer's
 * backward reads its output gradient and allocates one gradient per input edge and one per
 * trainable parameter; an input gradient is then added into a pending one of the same layer
 * (and dropped) or becomes the pending one; the output gradient is released. The outputs' loss
 * gradients are the first pending ones.
 *
 * <p><b>Totals.</b> Parameters (trainable ones and buffers) and the optimiser state (a copy of
 * every trainable parameter per state tensor: 1 for SGD with momentum, 2 for AdamW's moments) are
 * held throughout; the activations from the forward pass to the end of the backward pass; the
 * gradient peak is the largest sum, over the backward pass, of the pending and newly allocated
 * activation gradients and the parameter gradients so far. Kernel workspaces (im2col columns,
 * packed weights) are not counted, as in the inference {@link MemoryPlan}.
 */
public record TrainingMemory(int batch, int optimizerCopies, List<Row> layers, Totals totals) {

    /** One layer: what it keeps for backward, its parameters, their gradients and optimiser state, in bytes. */
    public record Row(String layer, long activationBytes, long parameterBytes, long parameterGradientBytes,
                      long optimizerBytes) {
    }

    /** Bytes held by a training step; {@link #totalBytes()} is their sum. */
    public record Totals(long parameterBytes, long optimizerBytes, long activationBytes, long gradientPeakBytes) {
        public long totalBytes() {
            return parameterBytes + optimizerBytes + activationBytes + gradientPeakBytes;
        }
    }

    static final int FLOAT = Analysis.BYTES_PER_ELEMENT;
    static final int DOUBLE = 8;

    public TrainingMemory {
        layers = List.copyOf(layers);
    }

    /**
     * @param optimizerCopies optimiser state tensors per trainable parameter: 0 (plain SGD),
     *                        1 (SGD with momentum), 2 (AdamW)
     * @throws IllegalArgumentException if the analysis has errors
     */
    public static TrainingMemory of(Analysis analysis, int optimizerCopies) {
        if (analysis.hasErrors()) {
            throw new IllegalArgumentException("the network has errors");
        }
        if (optimizerCopies < 0) {
            throw new IllegalArgumentException("optimizer copies must not be negative");
        }
        NetworkGraph graph = analysis.graph();
        List<Row> rows = new ArrayList<>();
        long parameters = 0, optimizer = 0, activations = 0, trainable = 0;
        for (Layer layer : graph.layers()) {
            LayerStats s = analysis.stats(layer);
            long kept = keptBytes(layer, s);
            long params = (s.parameters() + s.buffers()) * FLOAT;
            long grads = s.parameters() * FLOAT;
            rows.add(new Row(layer.name(), kept, params, grads, grads * optimizerCopies));
            activations += kept;
            parameters += params;
            optimizer += grads * optimizerCopies;
            trainable += grads;
        }
        long peak = Math.max(gradientPeak(analysis), trainable);
        return new TrainingMemory(analysis.batch(), optimizerCopies, rows,
                new Totals(parameters, optimizer, activations, peak));
    }

    /** The layer's output (unless a view) and what its training forward saves, for the batch. */
    private static long keptBytes(Layer layer, LayerStats s) {
        Op op = layer.op();
        if (op instanceof Op.Flatten) {
            return 0;
        }
        long out = s.activationBytes();
        if (op instanceof Op.Dropout || op instanceof Op.StochasticDepth) {
            return 2 * out;
        }
        if (op instanceof Op.BatchNorm) {
            return out + 2 * s.outputShape().channels() * DOUBLE;
        }
        return out;
    }

    /** The backward schedule of the class comment, in bytes; parameter gradients accumulate. */
    private static long gradientPeak(Analysis analysis) {
        NetworkGraph graph = analysis.graph();
        Map<Integer, Long> pending = new HashMap<>();
        long pendingBytes = 0;
        for (Output o : graph.outputs()) {
            if (!pending.containsKey(o.layer().id())) {
                long b = analysis.stats(o.layer()).activationBytes();
                pending.put(o.layer().id(), b);
                pendingBytes += b;
            }
        }
        long paramGrads = 0, peak = pendingBytes;
        List<Layer> order = graph.layers();
        for (int i = order.size() - 1; i >= 0; i--) {
            Layer layer = order.get(i);
            Long dy = pending.remove(layer.id());
            if (dy == null || layer.op() instanceof Op.Input) {
                continue;
            }
            long fresh = analysis.stats(layer).parameters() * FLOAT;
            List<Layer> from = graph.inputsOf(layer);
            for (Layer f : from) {
                fresh += analysis.stats(f).activationBytes();
            }
            peak = Math.max(peak, pendingBytes + fresh + paramGrads);
            pendingBytes -= dy;
            paramGrads += analysis.stats(layer).parameters() * FLOAT;
            for (Layer f : from) {
                if (!pending.containsKey(f.id())) {
                    long b = analysis.stats(f).activationBytes();
                    pending.put(f.id(), b);
                    pendingBytes += b;
                }
            }
        }
        return peak;
    }
}
