package io.cnnkit.analyzer;

import io.cnnkit.compiler.graph.Shape;
import io.cnnkit.compiler.op.Op;
import java.util.List;

/**
 * Everything the analyzer knows about one operator: how many inputs it takes, which input shapes
 * it accepts, its output shape, its parameters, its MACs and FLOPs, and how it transforms the
 * receptive field. Shapes are per sample; counts are per sample (the analyzer multiplies by the
 * batch). All arithmetic is exact ({@link ArithmeticException} on overflow).
 *
 * <p>Rules are stateless; {@link OpRules#ruleFor(Op)} picks the one for an operator.
 */
public interface OpRule<O extends Op> {

    Class<O> opType();

    default int minInputs() {
        return 1;
    }

    default int maxInputs() {
        return 1;
    }

    /** Validates the inputs and returns the output shape; an error ends in the exception. */
    Shape outputShape(O op, List<Shape> in, Findings findings) throws InvalidLayerException;

    /** Parameter tensors, named as in a PyTorch {@code state_dict}. */
    default List<ParamSpec> params(O op, List<Shape> in, Shape out) {
        return List.of();
    }

    /** Multiply-accumulates, bias excluded; non-zero only for conv and dense. */
    default long macs(O op, List<Shape> in, Shape out) {
        return 0;
    }

    /** Floating-point operations under the rule documented on each operator (docs/counting.md). */
    long flops(O op, List<Shape> in, Shape out);

    /** The output's receptive field from the inputs'; identity by default (element-wise operators). */
    default ReceptiveField receptiveField(O op, List<Shape> in, List<ReceptiveField> fields, Findings findings) {
        return fields.get(0);
    }
}
