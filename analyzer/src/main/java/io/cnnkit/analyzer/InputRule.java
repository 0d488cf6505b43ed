package io.cnnkit.analyzer;

import io.cnnkit.compiler.graph.Shape;
import io.cnnkit.compiler.op.Op;
import java.util.List;

/**
 * {@code input}: a network input of the declared per-sample shape. 0 FLOPs. Receptive field: one
 * pixel for a feature map, global for a vector.
 */
final class InputRule implements OpRule<Op.Input> {

    @Override
    public Class<Op.Input> opType() {
        return Op.Input.class;
    }

    @Override
    public int minInputs() {
        return 0;
    }

    @Override
    public int maxInputs() {
        return 0;
    }

    @Override
    public Shape outputShape(Op.Input op, List<Shape> in, Findings findings) {
        return op.shape();
    }

    @Override
    public long flops(Op.Input op, List<Shape> in, Shape out) {
        return 0;
    }

    @Override
    public ReceptiveField receptiveField(Op.Input op, List<Shape> in, List<ReceptiveField> fields, Findings findings) {
        return op.shape().isMap() ? ReceptiveField.PIXEL : ReceptiveField.GLOBAL;
    }
}
