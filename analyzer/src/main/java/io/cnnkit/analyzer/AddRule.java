package io.cnnkit.analyzer;

import io.cnnkit.compiler.graph.Shape;
import io.cnnkit.compiler.op.Op;
import java.util.List;

/**
 * {@code add}: element-wise sum of inputs of one shape (no broadcasting). No parameters.
 * FLOPs: {@code n − 1} adds per output element for {@code n} inputs. Receptive field: the largest
 * of the inputs', with a warning when they are not aligned.
 */
final class AddRule extends MergeRule<Op.Add> {

    AddRule() {
        super(Op.Add.class);
    }

    @Override
    public Shape outputShape(Op.Add op, List<Shape> in, Findings findings) throws InvalidLayerException {
        for (int i = 1; i < in.size(); i++) {
            if (!in.get(i).equals(in.get(0))) {
                throw new InvalidLayerException("add-shape-mismatch", "add inputs must have the same shape", 0, i);
            }
        }
        return in.get(0);
    }

    @Override
    public long flops(Op.Add op, List<Shape> in, Shape out) {
        return Math.multiplyExact(out.elements(), in.size() - 1L);
    }
}
