package io.cnnkit.analyzer;

import io.cnnkit.compiler.graph.Shape;
import io.cnnkit.compiler.op.Op;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code slice(from, to)}: channels [from, to) of a map (features of a vector); {@code to} must be
 * greater than {@code from} and not pass the input's channels. No parameters, 0 FLOPs (a copy); the receptive field is unchanged.
 */
final class ChannelSliceRule implements OpRule<Op.ChannelSlice> {

    @Override
    public Class<Op.ChannelSlice> opType() {
        return Op.ChannelSlice.class;
    }

    @Override
    public Shape outputShape(Op.ChannelSlice op, List<Shape> in, Findings findings) throws InvalidLayerException {
        Shape x = in.get(0);
        if (op.to() <= op.from()) {
            throw new InvalidLayerException("slice-empty", "slice(" + op.from() + ", " + op.to() + ") is empty: 'to'"
                    + " must be greater than 'from'");
        }
        if (op.to() > x.channels()) {
            throw new InvalidLayerException("slice-out-of-range", "slice(" + op.from() + ", " + op.to()
                    + ") runs past the input's " + x.channels() + " channels (input " + x + ")");
        }
        List<Long> dims = new ArrayList<>(x.dims());
        dims.set(0, (long) (op.to() - op.from()));
        return new Shape(dims);
    }

    @Override
    public long flops(Op.ChannelSlice op, List<Shape> in, Shape out) {
        return 0;
    }
}
