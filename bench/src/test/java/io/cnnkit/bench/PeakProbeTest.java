package io.cnnkit.bench;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PeakProbeTest {
    @Test
    void probeReportsAPositiveRate() {
        double gflops = PeakProbe.gflops(1, 20);
        assertTrue(gflops > 0 && Double.isFinite(gflops), "GFLOP/s " + gflops);
    }

    @Test
    void probeRejectsNonsense() {
        assertThrows(IllegalArgumentException.class, () -> PeakProbe.gflops(0, 10));
    }
}
