package io.cnnkit.analyzer;

import io.cnnkit.compiler.graph.Shape;
import io.cnnkit.compiler.op.Op;
import java.util.List;

/**
 * {@code maxpool}: max pooling (PyTorch MaxPool2d, ONNX MaxPool) with padding, dilation and
 * ceil mode. Output {@code C×H'×W'}; no parameters, no MACs.
 * FLOPs: {@code kh·kw − 1} comparisons per output element (the full window, padding included).
 */
final class MaxPoolRule implements OpRule<Op.MaxPool> {

    @Override
    public Class<Op.MaxPool> opType() {
        return Op.MaxPool.class;
    }

    private static Window window(Op.MaxPool op) {
        return new Window("maxpool", op.kernel(), op.stride(), op.pad(), op.dilation(), op.ceil());
    }

    @Override
    public Shape outputShape(Op.MaxPool op, List<Shape> in, Findings findings) throws InvalidLayerException {
        long[] hw = window(op).outputSize(in.get(0), findings);
        return Shape.chw(in.get(0).channels(), hw[0], hw[1]);
    }

    @Override
    public long flops(Op.MaxPool op, List<Shape> in, Shape out) {
        return Math.multiplyExact(out.elements(), window(op).area() - 1);
    }

    @Override
    public ReceptiveField receptiveField(Op.MaxPool op, List<Shape> in, List<ReceptiveField> fields,
                                         Findings findings) {
        return window(op).field(fields.get(0), in.get(0));
    }
}
