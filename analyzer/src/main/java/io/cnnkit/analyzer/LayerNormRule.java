package io.cnnkit.analyzer;

import io.cnnkit.compiler.graph.Shape;
import io.cnnkit.compiler.op.Op;
import java.util.List;

/**
 * {@code layernorm} over the channels {@code C} at each position (over the features of a vector).
 * Parameters: {@code weight [C]}, {@code bias [C]}, as PyTorch's {@code LayerNorm(C)}. FLOPs: 7 per
 * element (an add into the mean, the subtraction of the mean, a square and an add into the
 * variance, the multiply by 1/σ, the scale and the shift); the one square root per position is not
 * counted. The receptive field is unchanged: channels at one position only.
 */
final class LayerNormRule implements OpRule<Op.LayerNorm> {

    @Override
    public Class<Op.LayerNorm> opType() {
        return Op.LayerNorm.class;
    }

    @Override
    public Shape outputShape(Op.LayerNorm op, List<Shape> in, Findings findings) {
        return in.get(0);
    }

    @Override
    public List<ParamSpec> params(Op.LayerNorm op, List<Shape> in, Shape out) {
        long c = in.get(0).dim(0);
        return List.of(ParamSpec.trainable("weight", c), ParamSpec.trainable("bias", c));
    }

    @Override
    public long flops(Op.LayerNorm op, List<Shape> in, Shape out) {
        return Math.multiplyExact(7, out.elements());
    }
}
