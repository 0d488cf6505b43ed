package io.cnnkit.analyzer;

import io.cnnkit.compiler.graph.Shape;
import io.cnnkit.compiler.op.Op;
import java.util.List;

/**
 * What {@code concat} and {@code add} have in common: two or more inputs, and a receptive field
 * that is the largest of the inputs', with a warning when they are not aligned.
 */
abstract class MergeRule<O extends Op> implements OpRule<O> {
    private final Class<O> type;

    MergeRule(Class<O> type) {
        this.type = type;
    }

    @Override
    public Class<O> opType() {
        return type;
    }

    @Override
    public int minInputs() {
        return 2;
    }

    @Override
    public int maxInputs() {
        return Integer.MAX_VALUE;
    }

    @Override
    public ReceptiveField receptiveField(O op, List<Shape> in, List<ReceptiveField> fields, Findings findings) {
        return Shapes.merge(op.kind(), fields, findings);
    }
}
