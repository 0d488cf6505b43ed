package io.cnnkit.exec.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
