package io.cnnkit.analyzer;

import io.cnnkit.compiler.graph.Shape;
import io.cnnkit.compiler.op.Op;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The output shape of one operator, by its {@link OpRule}: the one place where shapes are computed.
 * The analyzer uses it for every layer; kernels and importers that work outside a compiled network
 * use {@link #batched} instead of arithmetic of their own.
 */
public final class ShapeInference {

    private ShapeInference() {
    }

    /** The per-sample output shape; an input that does not fit is an {@link InvalidLayerException}. */
    public static Shape outputShape(Op op, List<Shape> in) throws InvalidLayerException {
        return outputShape(OpRules.ruleFor(op), op, in, new Findings());
    }

    static <O extends Op> Shape outputShape(OpRule<O> rule, Op op, List<Shape> in, Findings findings)
            throws InvalidLayerException {
        checkArity(rule, op.kind(), in.size());
        return rule.outputShape(rule.opType().cast(op), in, findings);
    }

    /**
     * The output shape for batch-first inputs ({@code [N, C, H, W]} or {@code [N, F]}), batch first;
     * inputs that do not fit, or of different batch sizes, get an {@link IllegalArgumentException}
     * with the analyzer's message.
     */
    public static int[] batched(Op op, List<int[]> in) {
        if (in.isEmpty()) {
            throw new IllegalArgumentException(op.kind() + " needs an input");
        }
        int batch = in.get(0)[0];
        List<Shape> perSample = new ArrayList<>();
        for (int[] s : in) {
            if (s.length < 2 || s[0] != batch) {
                throw new IllegalArgumentException(op.kind() + " needs batch-first inputs of one batch size, got "
                        + Arrays.toString(s));
            }
            perSample.add(Shape.of(Arrays.stream(s, 1, s.length).asLongStream().toArray()));
        }
        try {
            Shape out = outputShape(op, perSample);
            int[] dims = new int[out.rank() + 1];
            dims[0] = batch;
            for (int i = 0; i < out.rank(); i++) {
                dims[i + 1] = Math.toIntExact(out.dim(i));
            }
            return dims;
        } catch (InvalidLayerException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException(op.kind() + " sizes overflow for inputs " + perSample, e);
        }
    }

    static void checkArity(OpRule<?> rule, String kind, int inputs) throws InvalidLayerException {
        if (inputs < rule.minInputs() || inputs > rule.maxInputs()) {
            String expected = rule.minInputs() == rule.maxInputs() ? Integer.toString(rule.minInputs())
                    : "at least " + rule.minInputs();
            throw new InvalidLayerException("arity", kind + " takes " + expected + " input"
                    + (expected.equals("1") ? "" : "s") + " but gets " + inputs);
        }
    }
}
