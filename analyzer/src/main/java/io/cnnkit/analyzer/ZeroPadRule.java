package io.cnnkit.analyzer;

import io.cnnkit.compiler.graph.Shape;
import io.cnnkit.compiler.op.Op;
import io.cnnkit.compiler.op.Padding;
import java.util.List;

/**
 * {@code zeropad}: {@code C×H×W → C×(top+H+bottom)×(left+W+right)} (PyTorch ZeroPad2d, ONNX Pad).
 * No parameters, 0 FLOPs; the receptive field's offset grows by the begin padding.
 */
final class ZeroPadRule implements OpRule<Op.ZeroPad> {

    @Override
    public Class<Op.ZeroPad> opType() {
        return Op.ZeroPad.class;
    }

    @Override
    public Shape outputShape(Op.ZeroPad op, List<Shape> in, Findings findings) throws InvalidLayerException {
        Shape x = Shapes.requireMap("zeropad", in.get(0));
        Padding.Explicit p = op.pad();
        return Shape.chw(x.channels(), Math.addExact(x.height(), (long) p.top() + p.bottom()),
                Math.addExact(x.width(), (long) p.left() + p.right()));
    }

    @Override
    public long flops(Op.ZeroPad op, List<Shape> in, Shape out) {
        return 0;
    }

    @Override
    public ReceptiveField receptiveField(Op.ZeroPad op, List<Shape> in, List<ReceptiveField> fields,
                                         Findings findings) {
        return fields.get(0).window(1, 1, 1, 1, op.pad().top(), op.pad().left());
    }
}
