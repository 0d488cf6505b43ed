package io.cnnkit.analyzer;

import io.cnnkit.compiler.graph.Shape;
import io.cnnkit.compiler.op.Op;
import java.util.List;

/**
 * {@code dense}: fully connected layer (PyTorch Linear, ONNX Gemm with transB) on a vector of
 * {@code F} features, output {@code units}. A feature map input is an error that asks for flatten.
 * Parameters: {@code weight [units, F]}, {@code bias [units]}. MACs: {@code F·units}.
 * FLOPs: {@code 2·MACs}, plus {@code units} adds for the bias. The receptive field becomes global.
 */
final class DenseRule implements OpRule<Op.Dense> {

    @Override
    public Class<Op.Dense> opType() {
        return Op.Dense.class;
    }

    @Override
    public Shape outputShape(Op.Dense op, List<Shape> in, Findings findings) throws InvalidLayerException {
        Shape x = in.get(0);
        if (!x.isVector()) {
            throw new InvalidLayerException("dense-needs-vector", "dense needs a vector input but gets " + x
                    + "; insert flatten before it (it would then see " + x.elements() + " features)");
        }
        return Shape.of(op.units());
    }

    @Override
    public List<ParamSpec> params(Op.Dense op, List<Shape> in, Shape out) {
        ParamSpec weight = ParamSpec.trainable("weight", op.units(), in.get(0).dim(0));
        return op.bias() ? List.of(weight, ParamSpec.trainable("bias", op.units())) : List.of(weight);
    }

    @Override
    public long macs(Op.Dense op, List<Shape> in, Shape out) {
        return Math.multiplyExact(in.get(0).dim(0), (long) op.units());
    }

    @Override
    public long flops(Op.Dense op, List<Shape> in, Shape out) {
        return Shapes.macFlops(macs(op, in, out), op.bias(), op.units());
    }

    @Override
    public ReceptiveField receptiveField(Op.Dense op, List<Shape> in, List<ReceptiveField> fields, Findings findings) {
        return ReceptiveField.GLOBAL;
    }
}
