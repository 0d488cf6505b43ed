package io.cnnkit.analyzer;

import io.cnnkit.compiler.op.Op;
import io.cnnkit.compiler.op.OpVisitor;

/** Picks the {@link OpRule} of an operator through {@link OpVisitor}: a new operator needs a rule to compile. */
public final class OpRules {

    private static final InputRule INPUT = new InputRule();
    private static final ConvRule CONV = new ConvRule();
    private static final MaxPoolRule MAX_POOL = new MaxPoolRule();
    private static final AvgPoolRule AVG_POOL = new AvgPoolRule();
    private static final DenseRule DENSE = new DenseRule();
    private static final FlattenRule FLATTEN = new FlattenRule();
    private static final BatchNormRule BATCH_NORM = new BatchNormRule();
    private static final ZeroPadRule ZERO_PAD = new ZeroPadRule();
    private static final ConcatRule CONCAT = new ConcatRule();
    private static final AddRule ADD = new AddRule();
    private static final MulRule MUL = new MulRule();
    private static final ChannelSliceRule SLICE = new ChannelSliceRule();
    private static final ChannelShuffleRule SHUFFLE = new ChannelShuffleRule();
    private static final LayerNormRule LAYER_NORM = new LayerNormRule();
    private static final ScaleRule SCALE = new ScaleRule();
    private static final LinearRule LINEAR = new LinearRule();

    private OpRules() {
    }

    /** The rule for {@code op}. */
    public static OpRule<?> ruleFor(Op op) {
        return op.accept(RULES);
    }

    private static final OpVisitor<OpRule<?>> RULES = new OpVisitor<>() {
        @Override public OpRule<?> input(Op.Input op) { return INPUT; }
        @Override public OpRule<?> conv(Op.Conv op) { return CONV; }
        @Override public OpRule<?> maxPool(Op.MaxPool op) { return MAX_POOL; }
        @Override public OpRule<?> avgPool(Op.AvgPool op) { return AVG_POOL; }
        @Override public OpRule<?> globalAvgPool(Op.GlobalAvgPool op) { return GlobalPoolRule.AVG; }
        @Override public OpRule<?> globalMaxPool(Op.GlobalMaxPool op) { return GlobalPoolRule.MAX; }
        @Override public OpRule<?> adaptiveAvgPool(Op.AdaptiveAvgPool op) { return AdaptivePoolRule.AVG; }
        @Override public OpRule<?> adaptiveMaxPool(Op.AdaptiveMaxPool op) { return AdaptivePoolRule.MAX; }
        @Override public OpRule<?> dense(Op.Dense op) { return DENSE; }
        @Override public OpRule<?> flatten(Op.Flatten op) { return FLATTEN; }
        @Override public OpRule<?> relu(Op.Relu op) { return ElementwiseRule.RELU; }
        @Override public OpRule<?> relu6(Op.Relu6 op) { return ElementwiseRule.RELU6; }
        @Override public OpRule<?> leakyRelu(Op.LeakyRelu op) { return ElementwiseRule.LEAKY_RELU; }
        @Override public OpRule<?> tanh(Op.Tanh op) { return ElementwiseRule.TANH; }
        @Override public OpRule<?> sigmoid(Op.Sigmoid op) { return ElementwiseRule.SIGMOID; }
        @Override public OpRule<?> silu(Op.Silu op) { return ElementwiseRule.SILU; }
        @Override public OpRule<?> hardSigmoid(Op.HardSigmoid op) { return ElementwiseRule.HARD_SIGMOID; }
        @Override public OpRule<?> hardSwish(Op.HardSwish op) { return ElementwiseRule.HARD_SWISH; }
        @Override public OpRule<?> gelu(Op.Gelu op) { return ElementwiseRule.GELU; }
        @Override public OpRule<?> softmax(Op.Softmax op) { return ElementwiseRule.SOFTMAX; }
        @Override public OpRule<?> lrn(Op.Lrn op) { return ElementwiseRule.LRN; }
        @Override public OpRule<?> batchNorm(Op.BatchNorm op) { return BATCH_NORM; }
        @Override public OpRule<?> layerNorm(Op.LayerNorm op) { return LAYER_NORM; }
        @Override public OpRule<?> scale(Op.Scale op) { return SCALE; }
        @Override public OpRule<?> linear(Op.Linear op) { return LINEAR; }
        @Override public OpRule<?> dropout(Op.Dropout op) { return ElementwiseRule.DROPOUT; }
        @Override public OpRule<?> stochasticDepth(Op.StochasticDepth op) { return ElementwiseRule.STOCHASTIC_DEPTH; }
        @Override public OpRule<?> channelSlice(Op.ChannelSlice op) { return SLICE; }
        @Override public OpRule<?> channelShuffle(Op.ChannelShuffle op) { return SHUFFLE; }
        @Override public OpRule<?> zeroPad(Op.ZeroPad op) { return ZERO_PAD; }
        @Override public OpRule<?> concat(Op.Concat op) { return CONCAT; }
        @Override public OpRule<?> mul(Op.Mul op) { return MUL; }
        @Override public OpRule<?> add(Op.Add op) { return ADD; }
    };
}
