package io.cnnkit.analyzer;

import io.cnnkit.compiler.graph.Shape;
import io.cnnkit.compiler.op.Op;
import java.util.List;

/**
 * {@code concat}: joins feature maps of one height and width along channels (or vectors along
 * features). No parameters, 0 FLOPs. Receptive field: the largest of the inputs', with a warning
 * when they are not aligned.
 */
final class ConcatRule extends MergeRule<Op.Concat> {

    ConcatRule() {
        super(Op.Concat.class);
    }

    @Override
    public Shape outputShape(Op.Concat op, List<Shape> in, Findings findings) throws InvalidLayerException {
        Shape first = in.get(0);
        long channels = 0;
        for (int i = 0; i < in.size(); i++) {
            Shape x = in.get(i);
            boolean fits = first.isMap() ? x.isMap() && x.height() == first.height() && x.width() == first.width()
                    : x.rank() == first.rank();
            if (!fits) {
                String what = first.isMap() ? "the same height and width" : "the same rank";
                throw new InvalidLayerException("concat-shape-mismatch", "concat inputs must have " + what, 0, i);
            }
            channels = Math.addExact(channels, x.dim(0));
        }
        return first.isMap() ? Shape.chw(channels, first.height(), first.width()) : Shape.of(channels);
    }

    @Override
    public long flops(Op.Concat op, List<Shape> in, Shape out) {
        return 0;
    }
}
