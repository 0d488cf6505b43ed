package io.cnnkit.analyzer;

import io.cnnkit.compiler.graph.Shape;
import io.cnnkit.compiler.op.Op;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * Operators that keep the shape and the receptive field and have no parameters; they differ only
 * in their FLOPs per element, documented on each instance (a transcendental function such as
 * {@code exp}, {@code tanh} or {@code pow} counts as one FLOP).
 */
final class ElementwiseRule<O extends Op> implements OpRule<O> {

    /** {@code relu}: 1 (a comparison). */
    static final ElementwiseRule<Op.Relu> RELU = new ElementwiseRule<>(Op.Relu.class, op -> 1);
    /** {@code relu6}: 2 (comparisons with 0 and 6). */
    static final ElementwiseRule<Op.Relu6> RELU6 = new ElementwiseRule<>(Op.Relu6.class, op -> 2);
    /** {@code leakyrelu}: 2 (a comparison and a multiply). */
    static final ElementwiseRule<Op.LeakyRelu> LEAKY_RELU = new ElementwiseRule<>(Op.LeakyRelu.class, op -> 2);
    /** {@code tanh}: 1. */
    static final ElementwiseRule<Op.Tanh> TANH = new ElementwiseRule<>(Op.Tanh.class, op -> 1);
    /** {@code sigmoid}: 3 ({@code 1 / (1 + exp(-x))}: exp, add, divide). */
    static final ElementwiseRule<Op.Sigmoid> SIGMOID = new ElementwiseRule<>(Op.Sigmoid.class, op -> 3);
    /** {@code silu}: 4 ({@code x / (1 + exp(-x))}: exp, add, divide, and the product with x). */
    static final ElementwiseRule<Op.Silu> SILU = new ElementwiseRule<>(Op.Silu.class, op -> 4);
    /** {@code hardsigmoid}: 4 (add 3, clamp at 0 and 6, divide by 6). */
    static final ElementwiseRule<Op.HardSigmoid> HARD_SIGMOID = new ElementwiseRule<>(Op.HardSigmoid.class, op -> 4);
    /** {@code hardswish}: 5 (hardsigmoid's 4 and the product with x). */
    static final ElementwiseRule<Op.HardSwish> HARD_SWISH = new ElementwiseRule<>(Op.HardSwish.class, op -> 5);
    /**
     * {@code gelu}: exact 5 ({@code 0.5·x·(1 + erf(x/√2))}: a divide, erf, an add, two multiplies);
     * tanh 9 ({@code x³} as two multiplies, a multiply and an add inside, a multiply by √(2/π), tanh,
     * an add and two multiplies outside).
     */
    static final ElementwiseRule<Op.Gelu> GELU = new ElementwiseRule<>(Op.Gelu.class, op -> op.tanh() ? 9 : 5);
    /**
     * {@code softmax} over channels: 3 (exp, add into the sum, divide); the max subtraction an
     * implementation does for stability is not counted.
     */
    static final ElementwiseRule<Op.Softmax> SOFTMAX = new ElementwiseRule<>(Op.Softmax.class, op -> 3);
    /**
     * {@code lrn} of window {@code n}: {@code 2n + 3} ({@code n} squares and {@code n − 1} adds for the
     * window sum, a multiply and an add for {@code k + α/n·sum}, {@code pow}, a divide); windows cut
     * by the channel edges are counted as full.
     */
    static final ElementwiseRule<Op.Lrn> LRN = new ElementwiseRule<>(Op.Lrn.class, op -> 2L * op.size() + 3);
    /** {@code stochastic_depth}: 0 (identity at inference). */
    static final ElementwiseRule<Op.StochasticDepth> STOCHASTIC_DEPTH =
            new ElementwiseRule<>(Op.StochasticDepth.class, op -> 0);
    /** {@code dropout}: 0 (identity at inference). */
    static final ElementwiseRule<Op.Dropout> DROPOUT = new ElementwiseRule<>(Op.Dropout.class, op -> 0);

    private final Class<O> type;
    private final ToLongFunction<O> flopsPerElement;

    private ElementwiseRule(Class<O> type, ToLongFunction<O> flopsPerElement) {
        this.type = type;
        this.flopsPerElement = flopsPerElement;
    }

    @Override
    public Class<O> opType() {
        return type;
    }

    @Override
    public Shape outputShape(O op, List<Shape> in, Findings findings) {
        return in.get(0);
    }

    @Override
    public long flops(O op, List<Shape> in, Shape out) {
        return Math.multiplyExact(out.elements(), flopsPerElement.applyAsLong(op));
    }
}
