package io.cnnkit.analyzer;

import io.cnnkit.compiler.graph.Shape;
import io.cnnkit.compiler.op.Op;
import java.util.List;

/**
 * {@code globalavgpool} and {@code globalmaxpool} (ONNX GlobalAveragePool / GlobalMaxPool, PyTorch
 * AdaptiveAvgPool2d(1) / AdaptiveMaxPool2d(1)): {@code C×H×W → C×1×1}; no parameters, no MACs;
 * the receptive field becomes global.
 * FLOPs per channel: average {@code H·W} ({@code H·W − 1} adds and one divide), max {@code H·W − 1}
 * comparisons.
 */
final class GlobalPoolRule<O extends Op> implements OpRule<O> {

    static final GlobalPoolRule<Op.GlobalAvgPool> AVG = new GlobalPoolRule<>(Op.GlobalAvgPool.class, 0);
    static final GlobalPoolRule<Op.GlobalMaxPool> MAX = new GlobalPoolRule<>(Op.GlobalMaxPool.class, -1);

    private final Class<O> type;
    private final int flopsPerChannelBeyondArea;

    private GlobalPoolRule(Class<O> type, int flopsPerChannelBeyondArea) {
        this.type = type;
        this.flopsPerChannelBeyondArea = flopsPerChannelBeyondArea;
    }

    @Override
    public Class<O> opType() {
        return type;
    }

    @Override
    public Shape outputShape(O op, List<Shape> in, Findings findings) throws InvalidLayerException {
        return Shape.chw(Shapes.requireMap(op.kind(), in.get(0)).channels(), 1, 1);
    }

    @Override
    public long flops(O op, List<Shape> in, Shape out) {
        Shape x = in.get(0);
        long area = Math.multiplyExact(x.height(), x.width());
        return Math.multiplyExact(x.channels(), area + flopsPerChannelBeyondArea);
    }

    @Override
    public ReceptiveField receptiveField(O op, List<Shape> in, List<ReceptiveField> fields, Findings findings) {
        return ReceptiveField.GLOBAL;
    }
}
