package io.cnnkit.analyzer;

import io.cnnkit.compiler.graph.Shape;
import io.cnnkit.compiler.op.Op;
import io.cnnkit.compiler.op.Size2;
import java.util.List;

/**
 * {@code conv}: 2-D convolution (PyTorch Conv2d, ONNX Conv) with padding, dilation and groups.
 * Input {@code Cin×H×W}, output {@code filters×H'×W'}.
 * Parameters: {@code weight [filters, Cin/groups, kh, kw]}, {@code bias [filters]}.
 * MACs: {@code filters·H'·W' · (Cin/groups)·kh·kw}.
 * FLOPs: {@code 2·MACs}, plus one add per output element for the bias.
 */
final class ConvRule implements OpRule<Op.Conv> {

    @Override
    public Class<Op.Conv> opType() {
        return Op.Conv.class;
    }

    private static Window window(Op.Conv op) {
        return new Window("conv", op.kernel(), op.stride(), op.pad(), op.dilation(), false);
    }

    @Override
    public Shape outputShape(Op.Conv op, List<Shape> in, Findings findings) throws InvalidLayerException {
        Shape x = Shapes.requireMap("conv", in.get(0));
        if (x.channels() % op.groups() != 0) {
            throw new InvalidLayerException("groups-mismatch", "conv input channels " + x.channels()
                    + " are not divisible by groups=" + op.groups() + " (input " + x + ")");
        }
        if (op.filters() % op.groups() != 0) {
            throw new InvalidLayerException("groups-mismatch", "conv filters " + op.filters()
                    + " are not divisible by groups=" + op.groups() + " (input " + x + ")");
        }
        long[] hw = window(op).outputSize(x, findings);
        return Shape.chw(op.filters(), hw[0], hw[1]);
    }

    @Override
    public List<ParamSpec> params(Op.Conv op, List<Shape> in, Shape out) {
        Size2 k = op.kernel();
        ParamSpec weight = ParamSpec.trainable("weight", op.filters(), in.get(0).channels() / op.groups(), k.h(), k.w());
        return op.bias() ? List.of(weight, ParamSpec.trainable("bias", op.filters())) : List.of(weight);
    }

    @Override
    public long macs(Op.Conv op, List<Shape> in, Shape out) {
        long perOutput = Math.multiplyExact(in.get(0).channels() / op.groups(), window(op).area());
        return Math.multiplyExact(out.elements(), perOutput);
    }

    @Override
    public long flops(Op.Conv op, List<Shape> in, Shape out) {
        return Shapes.macFlops(macs(op, in, out), op.bias(), out.elements());
    }

    @Override
    public ReceptiveField receptiveField(Op.Conv op, List<Shape> in, List<ReceptiveField> fields, Findings findings) {
        return window(op).field(fields.get(0), in.get(0));
    }
}
