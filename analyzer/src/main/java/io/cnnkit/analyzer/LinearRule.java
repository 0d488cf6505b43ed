package io.cnnkit.analyzer;

import io.cnnkit.compiler.graph.Shape;
import io.cnnkit.compiler.op.Op;
import java.util.List;

/**
 * {@code linear}: PyTorch {@code Linear} over the channels at each position of a C×H×W map, output
 * {@code units}×H×W; a 1×1 convolution in all but the weight's layout. Parameters:
 * {@code weight [units, C]} (Linear's, not Conv2d's {@code [units, C, 1, 1]}), {@code bias [units]}.
 * MACs: {@code C·units·H·W}. FLOPs: {@code 2·MACs} plus one add per output for the bias. The
 * receptive field is unchanged.
 */
final class LinearRule implements OpRule<Op.Linear> {

    @Override
    public Class<Op.Linear> opType() {
        return Op.Linear.class;
    }

    @Override
    public Shape outputShape(Op.Linear op, List<Shape> in, Findings findings) throws InvalidLayerException {
        Shape x = in.get(0);
        if (!x.isMap()) {
            throw new InvalidLayerException("needs-map", "linear applies to each position of a feature map (CxHxW)"
                    + " but gets " + x + "; on a vector use dense(" + op.units() + ")");
        }
        return Shape.chw(op.units(), x.height(), x.width());
    }

    @Override
    public List<ParamSpec> params(Op.Linear op, List<Shape> in, Shape out) {
        ParamSpec weight = ParamSpec.trainable("weight", op.units(), in.get(0).channels());
        return op.bias() ? List.of(weight, ParamSpec.trainable("bias", op.units())) : List.of(weight);
    }

    @Override
    public long macs(Op.Linear op, List<Shape> in, Shape out) {
        return Math.multiplyExact(in.get(0).channels(), out.elements());
    }

    @Override
    public long flops(Op.Linear op, List<Shape> in, Shape out) {
        return Shapes.macFlops(macs(op, in, out), op.bias(), out.elements());
    }
}
