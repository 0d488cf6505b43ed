package io.cnnkit.analyzer;

import io.cnnkit.compiler.graph.Shape;
import io.cnnkit.compiler.op.Op;
import io.cnnkit.compiler.op.Size2;
import java.util.List;

/**
 * {@code avgpool}: average pooling (PyTorch AvgPool2d, ONNX AveragePool) with padding and ceil
 * mode; {@code count_pad} changes the divisor only. Output {@code C×H'×W'}; no parameters, no MACs.
 * FLOPs: {@code kh·kw} per output element ({@code kh·kw − 1} adds and one divide).
 */
final class AvgPoolRule implements OpRule<Op.AvgPool> {

    @Override
    public Class<Op.AvgPool> opType() {
        return Op.AvgPool.class;
    }

    private static Window window(Op.AvgPool op) {
        return new Window("avgpool", op.kernel(), op.stride(), op.pad(), Size2.square(1), op.ceil());
    }

    @Override
    public Shape outputShape(Op.AvgPool op, List<Shape> in, Findings findings) throws InvalidLayerException {
        long[] hw = window(op).outputSize(in.get(0), findings);
        return Shape.chw(in.get(0).channels(), hw[0], hw[1]);
    }

    @Override
    public long flops(Op.AvgPool op, List<Shape> in, Shape out) {
        return Math.multiplyExact(out.elements(), window(op).area());
    }

    @Override
    public ReceptiveField receptiveField(Op.AvgPool op, List<Shape> in, List<ReceptiveField> fields,
                                         Findings findings) {
        return window(op).field(fields.get(0), in.get(0));
    }
}
