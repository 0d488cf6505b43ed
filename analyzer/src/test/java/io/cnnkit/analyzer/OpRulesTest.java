package io.cnnkit.analyzer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cnnkit.compiler.graph.Shape;
import io.cnnkit.compiler.op.Op;
import io.cnnkit.compiler.op.Padding;
import io.cnnkit.compiler.op.Size2;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class OpRulesTest {

    /** One sample instance per operator record. */
    private static final List<Op> SAMPLES = List.of(new Op.Input(Shape.of(3)),
            new Op.Conv(1, Size2.square(1), Size2.square(1), Padding.ZERO, Size2.square(1), 1, true),
            new Op.MaxPool(Size2.square(2), Size2.square(2), Padding.ZERO, Size2.square(1), false),
            new Op.AvgPool(Size2.square(2), Size2.square(2), Padding.ZERO, false, true), new Op.GlobalAvgPool(),
            new Op.GlobalMaxPool(), new Op.AdaptiveAvgPool(Size2.square(1)), new Op.AdaptiveMaxPool(Size2.square(1)),
            new Op.StochasticDepth(0.1, true), new Op.ChannelSlice(0, 1), new Op.ChannelShuffle(1), new Op.Dense(1, true), new Op.Flatten(), new Op.Relu(), new Op.Relu6(),
            new Op.LeakyRelu(0.01), new Op.Tanh(), new Op.Sigmoid(), new Op.Silu(), new Op.HardSigmoid(),
            new Op.HardSwish(), new Op.Gelu(false), new Op.Softmax(), new Op.Lrn(5, 1e-4, 0.75, 1),
            new Op.BatchNorm(1e-5), new Op.LayerNorm(1e-6), new Op.Scale(), new Op.Linear(2, true), new Op.Dropout(0.5), new Op.ZeroPad(Padding.ZERO), new Op.Concat(), new Op.Mul(),
            new Op.Add());

    @Test
    void everyOperatorHasItsOwnRule() {
        Map<Class<?>, Op> byClass = SAMPLES.stream().collect(Collectors.toMap(Object::getClass, Function.identity()));
        assertEquals(Stream.of(Op.class.getPermittedSubclasses()).collect(Collectors.toSet()), byClass.keySet());
        for (Op op : SAMPLES) {
            assertEquals(op.getClass(), OpRules.ruleFor(op).opType());
        }
    }
}
