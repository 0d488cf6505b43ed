package io.cnnkit.compiler.op;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cnnkit.compiler.CnnCompiler;
import io.cnnkit.compiler.Compilation;
import io.cnnkit.compiler.graph.Layer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The way back from an operator to its arguments ({@link Operators#arguments}) states the same
 * operator: written out and compiled again, every call gives back an equal {@link Op}.
 */
class OperatorsTest {
    static final List<String> CALLS = List.of("conv(4, 3)",
            "conv(5, (3, 2), stride=(2, 1), pad=(1, 0, 2, 1), dilation=(1, 2), groups=1, bias=false)",
            "conv(6, 3, pad=same, stride=2, groups=3)", "conv(6, 5, pad=(2, 1))", "maxpool(3)",
            "maxpool(3, stride=2, pad=1, dilation=2, ceil=true)", "maxpool((2, 3), stride=1, pad=same)",
            "avgpool(3, stride=2, pad=1, ceil=true, count_pad=false)", "avgpool(2, stride=(1, 2))",
            "globalavgpool", "globalmaxpool",
            "adaptiveavgpool(7)", "adaptiveavgpool((2, 3))", "adaptivemaxpool(1)", "stochastic_depth(0.1)",
            "stochastic_depth(0.2, mode=\"batch\")", "slice(0, 3)", "slice(2, 5)", "channel_shuffle(2)", "channel_shuffle(3)", "flatten", "flatten -> dense(7)", "flatten -> dense(3, bias=false)", "relu",
            "relu6", "leakyrelu", "leakyrelu(0.2)", "tanh", "sigmoid", "silu", "hardsigmoid",
            "hardswish", "gelu", "gelu(approximate=\"tanh\")", "gelu(approximate=\"none\")", "softmax", "lrn", "lrn(4, alpha=0.001)",
            "lrn(size=3, alpha=0.01, beta=0.5, k=2.0)", "batchnorm", "batchnorm(eps=0.001)", "layernorm",
            "layernorm(eps=0.000001)", "scale", "linear(8)", "linear(3, bias=false)", "dropout",
            "dropout(0.3)", "zeropad(1)", "zeropad((1, 2))", "zeropad((1, 2, 0, 3))");

    @Test
    void everyUnaryOperatorRoundTrips() {
        Set<String> seen = new TreeSet<>();
        for (String call : CALLS) {
            Op op = last(call);
            seen.add(op.kind());
            assertEquals(op, last(call.contains("->") ? "flatten -> " + written(op) : written(op)), call);
        }
        Set<String> unary = Operators.all().stream().filter(s -> s.arity() == Operators.Arity.UNARY)
                .map(Operators.Spec::name).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(unary, seen, "every unary operator needs a call in CALLS");
    }

    @Test
    void everyParameterIsDocumentedAndRequiredOnesComeFirst() {
        for (Operators.Spec spec : Operators.all()) {
            assertFalse(spec.doc().isBlank(), spec.name());
            List<Boolean> required = new ArrayList<>();
            for (Operators.Param p : spec.params()) {
                assertFalse(p.doc().isBlank(), spec.name() + "." + p.name());
                required.add(p.required());
            }
            assertTrue(required.indexOf(false) < 0 || !required.subList(required.indexOf(false), required.size())
                    .contains(true), spec.name() + ": required parameters must lead");
        }
    }

    /** Every operator record but the network input has exactly one declaration. */
    @Test
    void everyOperatorRecordIsDeclared() {
        Set<Class<?>> declared = new java.util.HashSet<>();
        for (Operators.Spec spec : Operators.all()) {
            java.util.Map<String, ArgValue> required = new java.util.HashMap<>();
            spec.params().stream().filter(Operators.Param::required)
                    .forEach(p -> required.put(p.name(), new ArgValue.IntValue(1)));
            Op op = spec.build().apply(new Arguments(required));
            assertEquals(spec.name(), op.kind());
            assertTrue(declared.add(op.getClass()), spec.name() + " builds another operator's record");
        }
        Set<Class<?>> records = new java.util.HashSet<>(List.of(Op.class.getPermittedSubclasses()));
        records.remove(Op.Input.class);
        assertEquals(records, declared);
    }

    private static String written(Op op) {
        List<String> args = Operators.arguments(op).stream()
                .map(a -> a.positional() ? text(a.value()) : a.name() + "=" + text(a.value())).toList();
        return args.isEmpty() ? op.kind() : op.kind() + "(" + String.join(", ", args) + ")";
    }

    /** Numbers in plain decimal: the language has no exponent notation. */
    private static String text(ArgValue v) {
        return v instanceof ArgValue.FloatValue f ? java.math.BigDecimal.valueOf(f.value()).toPlainString() : v.toString();
    }

    private static Op last(String chain) {
        Compilation c = CnnCompiler.compileString("t.cnn", "network T\ninput x: 6x12x12\noutput y = x -> " + chain + "\n");
        assertFalse(c.hasErrors(), () -> chain + ": " + c.diagnostics());
        List<Layer> layers = c.graph().orElseThrow().layers();
        return layers.get(layers.size() - 1).op();
    }
}
