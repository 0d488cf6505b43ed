package io.cnnkit.analyzer;

import io.cnnkit.compiler.graph.Shape;
import io.cnnkit.compiler.op.Op;
import java.util.List;

/**
 * {@code mul}: the element-wise product of two inputs. The second has the first's shape, or is
 * C×1×1 for a C×H×W first input and multiplies each channel by one factor (ONNX/NumPy broadcasting
 * of squeeze-and-excitation's gate). The output has the first input's shape. No parameters.
 * FLOPs: 1 per output element. Receptive field: the first input's, unless the inputs have the same
 * shape (then the largest of the two, as for {@code add}); a C×1×1 factor is a global statistic
 * whose field is the whole input, so the first input's field is the one that locates an output.
 */
final class MulRule extends MergeRule<Op.Mul> {

    MulRule() {
        super(Op.Mul.class);
    }

    @Override
    public int maxInputs() {
        return 2;
    }

    @Override
    public Shape outputShape(Op.Mul op, List<Shape> in, Findings findings) throws InvalidLayerException {
        Shape x = in.get(0), g = in.get(1);
        if (g.equals(x) || isChannelGate(x, g)) {
            return x;
        }
        throw new InvalidLayerException("mul-shape-mismatch", "mul takes a second input of the first's shape " + x
                + (x.rank() == 3 ? " or " + x.channels() + "x1x1" : "") + ", got " + g);
    }

    private static boolean isChannelGate(Shape x, Shape g) {
        return x.rank() == 3 && g.rank() == 3 && g.channels() == x.channels() && g.elements() == g.channels();
    }

    @Override
    public long flops(Op.Mul op, List<Shape> in, Shape out) {
        return out.elements();
    }

    @Override
    public ReceptiveField receptiveField(Op.Mul op, List<Shape> in, List<ReceptiveField> fields, Findings findings) {
        return in.get(1).equals(in.get(0)) ? super.receptiveField(op, in, fields, findings) : fields.get(0);
    }
}
