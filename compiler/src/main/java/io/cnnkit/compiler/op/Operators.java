package io.cnnkit.compiler.op;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The built-in operators of the language: each one's parameters (in positional order), which of
 * them are required, and how checked arguments become an {@link Op}. This is the only place that
 * knows an operator's argument list and defaults.
 */
public final class Operators {

    /** How an operator takes its inputs: from the chain, or as value arguments. */
    public enum Arity { UNARY, MERGE }

    public record Spec(String name, Arity arity, List<String> parameters, int required,
                       Function<Arguments, Op> build) {
        public Spec {
            parameters = List.copyOf(parameters);
        }

        /** {@code conv(filters, kernel, stride, ...)} for messages and docs. */
        public String signature() {
            return arity == Arity.MERGE ? name + "(a, b, ...)"
                    : parameters.isEmpty() ? name : name + "(" + String.join(", ", parameters) + ")";
        }
    }

    private static final Map<String, Spec> SPECS = new LinkedHashMap<>();

    private static void unary(String name, List<String> parameters, int required, Function<Arguments, Op> build) {
        SPECS.put(name, new Spec(name, Arity.UNARY, parameters, required, build));
    }

    static {
        unary("conv", List.of("filters", "kernel", "stride", "pad", "dilation", "groups", "bias"), 2,
                a -> new Op.Conv(a.positive("filters"), a.size2("kernel"), a.size2("stride", Size2.square(1)),
                        a.padding("pad", true), a.size2("dilation", Size2.square(1)), a.positive("groups", 1),
                        a.bool("bias", true)));
        unary("maxpool", List.of("kernel", "stride", "pad", "dilation", "ceil"), 1, a -> {
            Size2 kernel = a.size2("kernel");
            return new Op.MaxPool(kernel, a.size2("stride", kernel), a.padding("pad", true),
                    a.size2("dilation", Size2.square(1)), a.bool("ceil", false));
        });
        unary("avgpool", List.of("kernel", "stride", "pad", "ceil", "count_pad"), 1, a -> {
            Size2 kernel = a.size2("kernel");
            return new Op.AvgPool(kernel, a.size2("stride", kernel), a.padding("pad", true), a.bool("ceil", false),
                    a.bool("count_pad", true));
        });
        unary("globalavgpool", List.of(), 0, a -> new Op.GlobalAvgPool());
        unary("globalmaxpool", List.of(), 0, a -> new Op.GlobalMaxPool());
        unary("dense", List.of("units", "bias"), 1, a -> new Op.Dense(a.positive("units"), a.bool("bias", true)));
        unary("flatten", List.of(), 0, a -> new Op.Flatten());
        unary("relu", List.of(), 0, a -> new Op.Relu());
        unary("relu6", List.of(), 0, a -> new Op.Relu6());
        unary("leakyrelu", List.of("alpha"), 0,
                a -> new Op.LeakyRelu(a.number("alpha", 0.01, 0, Double.MAX_VALUE, false)));
        unary("tanh", List.of(), 0, a -> new Op.Tanh());
        unary("sigmoid", List.of(), 0, a -> new Op.Sigmoid());
        unary("softmax", List.of(), 0, a -> new Op.Softmax());
        unary("lrn", List.of("size", "alpha", "beta", "k"), 0, a -> new Op.Lrn(a.positive("size", 5),
                a.number("alpha", 1e-4, 0, Double.MAX_VALUE, false), a.number("beta", 0.75, 0, Double.MAX_VALUE, false),
                a.number("k", 1.0, 0, Double.MAX_VALUE, false)));
        unary("batchnorm", List.of("eps"), 0,
                a -> new Op.BatchNorm(a.number("eps", 1e-5, Double.MIN_VALUE, 1, false)));
        unary("dropout", List.of("p"), 0, a -> new Op.Dropout(a.number("p", 0.5, 0, 1, true)));
        unary("zeropad", List.of("pad"), 1, a -> new Op.ZeroPad(a.explicitPadding("pad")));
        SPECS.put("concat", new Spec("concat", Arity.MERGE, List.of(), 0, a -> new Op.Concat()));
        SPECS.put("add", new Spec("add", Arity.MERGE, List.of(), 0, a -> new Op.Add()));
    }

    private Operators() {
    }

    public static Optional<Spec> lookup(String name) {
        return Optional.ofNullable(SPECS.get(name));
    }

    /** Every operator, in documentation order. */
    public static List<Spec> all() {
        return List.copyOf(SPECS.values());
    }
}
