package io.cnnkit.analyzer;

import io.cnnkit.compiler.graph.Shape;
import io.cnnkit.compiler.op.Op;
import java.util.List;

/**
 * {@code flatten}: {@code C×H×W → C·H·W} (a view, no copy). No parameters, 0 FLOPs. The receptive
 * field becomes global.
 */
final class FlattenRule implements OpRule<Op.Flatten> {

    @Override
    public Class<Op.Flatten> opType() {
        return Op.Flatten.class;
    }

    @Override
    public Shape outputShape(Op.Flatten op, List<Shape> in, Findings findings) {
        return Shape.of(in.get(0).elements());
    }

    @Override
    public long flops(Op.Flatten op, List<Shape> in, Shape out) {
        return 0;
    }

    @Override
    public ReceptiveField receptiveField(Op.Flatten op, List<Shape> in, List<ReceptiveField> fields,
                                         Findings findings) {
        return ReceptiveField.GLOBAL;
    }
}
