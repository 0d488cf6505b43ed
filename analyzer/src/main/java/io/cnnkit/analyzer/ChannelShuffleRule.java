package io.cnnkit.analyzer;

import io.cnnkit.compiler.graph.Shape;
import io.cnnkit.compiler.op.Op;
import java.util.List;

/**
 * {@code channel_shuffle(groups)}: a permutation of the channels of a map, whose channels divide by
 * {@code groups}. No parameters, 0 FLOPs (a copy); shape and receptive field unchanged.
 */
final class ChannelShuffleRule implements OpRule<Op.ChannelShuffle> {

    @Override
    public Class<Op.ChannelShuffle> opType() {
        return Op.ChannelShuffle.class;
    }

    @Override
    public Shape outputShape(Op.ChannelShuffle op, List<Shape> in, Findings findings) throws InvalidLayerException {
        Shape x = Shapes.requireMap(op.kind(), in.get(0));
        if (x.channels() % op.groups() != 0) {
            throw new InvalidLayerException("channel-shuffle-groups", "channel_shuffle(" + op.groups() + ") needs"
                    + " channels that divide by " + op.groups() + ", got " + x.channels() + " (input " + x + ")");
        }
        return x;
    }

    @Override
    public long flops(Op.ChannelShuffle op, List<Shape> in, Shape out) {
        return 0;
    }
}
