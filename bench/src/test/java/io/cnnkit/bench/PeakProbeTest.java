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
    void probeRunsInAFreshJvmPerThreadCount() {
        double[] rates = PeakProbe.inFreshJvm(2, 20, 256).orElseThrow();
        assertTrue(rates.length == 2 && rates[0] > 0 && rates[1] > 0, java.util.Arrays.toString(rates));
    }

    @Test
    void probeRejectsNonsense() {
        assertThrows(IllegalArgumentException.class, () -> PeakProbe.gflops(0, 10));
    }
}
