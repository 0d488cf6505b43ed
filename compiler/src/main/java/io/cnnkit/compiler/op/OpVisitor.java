package io.cnnkit.compiler.op;

/**
 * One method per {@link Op} record: the typed dispatch every stage uses (analysis, kernels, ONNX
 * export and import, the .cnn writer, diagram labels). There are no defaults, so a new operator
 * fails to compile in every stage until the stage handles it.
 *
 * @param <R> what the stage makes of an operator
 */
public interface OpVisitor<R> {

    R input(Op.Input op);

    R conv(Op.Conv op);

    R maxPool(Op.MaxPool op);

    R avgPool(Op.AvgPool op);

    R globalAvgPool(Op.GlobalAvgPool op);

    R globalMaxPool(Op.GlobalMaxPool op);

    R adaptiveAvgPool(Op.AdaptiveAvgPool op);

    R adaptiveMaxPool(Op.AdaptiveMaxPool op);

    R dense(Op.Dense op);

    R flatten(Op.Flatten op);

    R relu(Op.Relu op);

    R relu6(Op.Relu6 op);

    R leakyRelu(Op.LeakyRelu op);

    R tanh(Op.Tanh op);

    R sigmoid(Op.Sigmoid op);

    R silu(Op.Silu op);

    R hardSigmoid(Op.HardSigmoid op);

    R hardSwish(Op.HardSwish op);

    R gelu(Op.Gelu op);

    R softmax(Op.Softmax op);

    R lrn(Op.Lrn op);

    R batchNorm(Op.BatchNorm op);

    R layerNorm(Op.LayerNorm op);

    R scale(Op.Scale op);

    R linear(Op.Linear op);

    R dropout(Op.Dropout op);

    R stochasticDepth(Op.StochasticDepth op);

    R channelSlice(Op.ChannelSlice op);

    R channelShuffle(Op.ChannelShuffle op);

    R zeroPad(Op.ZeroPad op);

    R concat(Op.Concat op);

    R mul(Op.Mul op);

    R add(Op.Add op);
}
