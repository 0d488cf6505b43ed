package io.cnnkit.analyzer;

import io.cnnkit.compiler.graph.Shape;
import io.cnnkit.compiler.op.Op;
import java.util.List;

/**
 * {@code batchnorm} in inference (PyTorch BatchNorm2d/1d in eval mode, ONNX BatchNormalization)
 * over the channel axis {@code C} (the first dimension). Parameters: {@code weight [C]},
 * {@code bias [C]} (trainable) and the buffers {@code running_mean [C]}, {@code running_var [C]}.
 * FLOPs: 2 per element (the statistics fold into one scale and one shift).
 */
final class BatchNormRule implements OpRule<Op.BatchNorm> {

    @Override
    public Class<Op.BatchNorm> opType() {
        return Op.BatchNorm.class;
    }

    @Override
    public Shape outputShape(Op.BatchNorm op, List<Shape> in, Findings findings) {
        return in.get(0);
    }

    @Override
    public List<ParamSpec> params(Op.BatchNorm op, List<Shape> in, Shape out) {
        long c = in.get(0).channels();
        return List.of(ParamSpec.trainable("weight", c), ParamSpec.trainable("bias", c),
                ParamSpec.buffer("running_mean", c), ParamSpec.buffer("running_var", c));
    }

    @Override
    public long flops(Op.BatchNorm op, List<Shape> in, Shape out) {
        return Math.multiplyExact(2, out.elements());
    }
}
