package io.cnnkit.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cnnkit.exec.Tensor;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TimingsAndAgreementTest {
    @Test
    void orderStatisticsOfUnsortedRuns() {
        Timings t = new Timings(new long[] {4_000_000, 1_000_000, 3_000_000, 2_000_000});
        assertEquals(2.5, t.medianMillis(), 1e-12);
        assertEquals(1.0, t.minMillis(), 1e-12);
        assertEquals(4.0, t.quantileMillis(0.9), 1e-12);
        assertEquals(3.0, new Timings(new long[] {5_000_000, 1_000_000, 3_000_000}).medianMillis(), 1e-12);
        assertEquals(200.0, Timings.gflops(1_000_000_000, 10), 1e-9); // 2 GFLOP in 10 ms
    }

    @Test
    void relativeDifferenceIsScaledByTheReferenceMaximum() {
        Map<String, Tensor> reference = Map.of("y", Tensor.of(new float[] {2, -4}, 1, 2));
        assertEquals(0.25, Agreement.maxRelativeError(Map.of("y", Tensor.of(new float[] {3, -4}, 1, 2)), reference),
                1e-12);
        assertEquals(Double.POSITIVE_INFINITY,
                Agreement.maxRelativeError(Map.of("y", Tensor.of(new float[] {2, -4}, 2, 1)), reference));
        assertEquals(Double.POSITIVE_INFINITY,
                Agreement.maxRelativeError(Map.of("z", Tensor.of(new float[] {2, -4}, 1, 2)), reference));
    }
}
