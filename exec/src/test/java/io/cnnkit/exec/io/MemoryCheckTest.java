package io.cnnkit.exec.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.cnnkit.analyzer.Analysis;
import io.cnnkit.analyzer.Analyzer;
import io.cnnkit.compiler.CnnCompiler;
import java.util.List;
import org.junit.jupiter.api.Test;

class MemoryCheckTest {
    @Test
    void aTensorBeyondOneArrayIsNamed() {
        List<ParamRequirement> dense = List.of(new ParamRequirement("fc.weight", new int[] {1000, 16_777_216}));
        WeightsException e = assertThrows(WeightsException.class, () -> MemoryCheck.check(dense, 0, Long.MAX_VALUE));
        assertEquals("fc.weight has 16,777,216,000 elements, more than the 2,147,483,639 one tensor can hold;"
                + " expected a smaller layer", e.getMessage());
    }

    private static Analysis analyze(String body, int batch) {
        return Analyzer.analyze(CnnCompiler.compileString("big.cnn", "network B\n" + body).graph().orElseThrow(), batch);
    }

    /** The analyzer only warns about these (it counts in 64 bits); run and export refuse them, located. */
    @Test
    void activationsAndWeightsBeyondOneArrayAreNamedWithTheirPlace() {
        Analysis conv = analyze("input x: 3x1000x1000\noutput y = x -> c1: conv(64, 3)\n", 1);
        MemoryCheck.checkActivations(conv);
        Analysis batched = analyze("input x: 3x1000x1000\noutput y = x -> c1: conv(64, 3)\n", 40);
        assertEquals("big.cnn:3:21: conv 'c1': its output 64x998x998 at batch 40 has 2,549,770,240 elements, more than"
                + " the 2,147,483,639 one tensor can hold; expected a smaller input or layer, or a smaller batch",
                assertThrows(WeightsException.class, () -> MemoryCheck.checkActivations(batched)).getMessage());
        Analysis input = analyze("input x: 3x100000x100000\noutput y = x -> c1: conv(64, 3)\n", 1);
        assertEquals("big.cnn:2:7: input 'x': its output 3x100000x100000 at batch 1 has 30,000,000,000 elements, more"
                + " than the 2,147,483,639 one tensor can hold; expected a smaller input or layer",
                assertThrows(WeightsException.class, () -> MemoryCheck.checkActivations(input)).getMessage());
        // a dimension past Java's int: named, not an ArithmeticException from the conversion
        Analysis dense = analyze("input x: 3x100000x100000\noutput y = x -> flatten -> fc: dense(10)\n", 1);
        assertEquals("big.cnn:3:32: fc.weight [10, 30000000000] has 300,000,000,000 elements, more than the"
                + " 2,147,483,639 one tensor can hold; expected a smaller layer",
                assertThrows(WeightsException.class, () -> ParamRequirement.of(dense)).getMessage());
    }

    @Test
    void weightsAndActivationsBeyondTheHeapSayHowMuchIsNeeded() {
        List<ParamRequirement> convs = List.of(new ParamRequirement("c.weight", new int[] {384, 384, 3, 3}));
        long weights = 4L * 384 * 384 * 9;
        MemoryCheck.check(convs, 1_000_000, 2 * weights);
        WeightsException e = assertThrows(WeightsException.class,
                () -> MemoryCheck.check(convs, 3_000_000, weights + 3_000_000));
        assertEquals("the weights (5.3 MB) and activations (3.0 MB) need 8.3 MB, more than the 8.3 MB this JVM may"
                + " use; give it more (JAVA_TOOL_OPTIONS=-Xmx1g) or use a smaller network", e.getMessage());
    }
}
