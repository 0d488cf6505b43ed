package io.cnnkit.analyzer;

import io.cnnkit.compiler.op.Op;

/** Picks the {@link OpRule} of an operator; the one switch over the operators. */
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

    private OpRules() {
    }

    /**
     * The rule for {@code op}. Java 17 has no pattern switch over the sealed {@link Op}, so this
     * switches on the record class; a test checks that every permitted record has a rule.
     */
    public static OpRule<?> ruleFor(Op op) {
        return switch (op.getClass().getSimpleName()) {
            case "Input" -> INPUT;
            case "Conv" -> CONV;
            case "MaxPool" -> MAX_POOL;
            case "AvgPool" -> AVG_POOL;
            case "GlobalAvgPool" -> GlobalPoolRule.AVG;
            case "GlobalMaxPool" -> GlobalPoolRule.MAX;
            case "Dense" -> DENSE;
            case "Flatten" -> FLATTEN;
            case "Relu" -> ElementwiseRule.RELU;
            case "Relu6" -> ElementwiseRule.RELU6;
            case "LeakyRelu" -> ElementwiseRule.LEAKY_RELU;
            case "Tanh" -> ElementwiseRule.TANH;
            case "Sigmoid" -> ElementwiseRule.SIGMOID;
            case "Softmax" -> ElementwiseRule.SOFTMAX;
            case "Lrn" -> ElementwiseRule.LRN;
            case "BatchNorm" -> BATCH_NORM;
            case "Dropout" -> ElementwiseRule.DROPOUT;
            case "ZeroPad" -> ZERO_PAD;
            case "Concat" -> CONCAT;
            case "Add" -> ADD;
            default -> throw new IllegalArgumentException("no analyzer rule for " + op.getClass().getName());
        };
    }
}
