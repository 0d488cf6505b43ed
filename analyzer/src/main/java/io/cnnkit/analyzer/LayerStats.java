package io.cnnkit.analyzer;

import io.cnnkit.compiler.graph.Layer;
import io.cnnkit.compiler.graph.Shape;
import java.util.List;

/**
 * The analysis of one layer. Shapes are per sample; {@code macs}, {@code flops} and
 * {@code activationBytes} are for the analysed batch. A layer that could not be analysed (an error
 * in it or upstream) has a null {@code outputShape} and {@code receptiveField} and zero counts.
 *
 * @param inference true when the layer feeds a main (non-auxiliary) output, so it runs at inference
 */
public record LayerStats(Layer layer, List<Shape> inputShapes, Shape outputShape, List<ParamSpec> params,
                         long macs, long flops, ReceptiveField receptiveField, long activationBytes,
                         boolean inference) {

    public LayerStats {
        inputShapes = List.copyOf(inputShapes);
        params = List.copyOf(params);
    }

    static LayerStats unanalysed(Layer layer, List<Shape> inputShapes, boolean inference) {
        return new LayerStats(layer, inputShapes, null, List.of(), 0, 0, null, 0, inference);
    }

    public boolean analysed() {
        return outputShape != null;
    }

    /** Trainable parameter elements (PyTorch {@code parameters()}). */
    public long parameters() {
        return elements(true);
    }

    /** Non-trainable buffer elements (batchnorm running statistics). */
    public long buffers() {
        return elements(false);
    }

    private long elements(boolean trainable) {
        long n = 0;
        for (ParamSpec p : params) {
            if (p.trainable() == trainable) {
                n = Math.addExact(n, p.elements());
            }
        }
        return n;
    }
}
