package io.cnnkit.analyzer;

import io.cnnkit.compiler.graph.Shape;
import io.cnnkit.compiler.op.Op;
import java.util.List;

/**
 * {@code scale}: one learned factor per channel. Its bare parameter ({@link ParamSpec#BARE}, keyed
 * by the layer's own name) has shape {@code [C, 1, 1]} on a map, as ConvNeXt's {@code layer_scale},
 * and {@code [F]} on a vector. FLOPs: 1 per element. The receptive field is unchanged.
 */
final class ScaleRule implements OpRule<Op.Scale> {

    @Override
    public Class<Op.Scale> opType() {
        return Op.Scale.class;
    }

    @Override
    public Shape outputShape(Op.Scale op, List<Shape> in, Findings findings) {
        return in.get(0);
    }

    @Override
    public List<ParamSpec> params(Op.Scale op, List<Shape> in, Shape out) {
        Shape x = in.get(0);
        return List.of(x.isMap() ? ParamSpec.trainable(ParamSpec.BARE, x.channels(), 1, 1)
                : ParamSpec.trainable(ParamSpec.BARE, x.dim(0)));
    }

    @Override
    public long flops(Op.Scale op, List<Shape> in, Shape out) {
        return out.elements();
    }
}
