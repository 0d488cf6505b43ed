package io.cnnkit.bench;

import java.util.Arrays;

/** Wall-clock times of repeated runs, in nanoseconds, with the order statistics a benchmark reports. */
public record Timings(long[] nanos) {
    public Timings {
        if (nanos.length == 0) {
            throw new IllegalArgumentException("no runs");
        }
        nanos = nanos.clone();
        Arrays.sort(nanos);
    }

    public double medianMillis() {
        int n = nanos.length;
        double median = n % 2 == 1 ? nanos[n / 2] : (nanos[n / 2 - 1] + nanos[n / 2]) / 2.0;
        return median / 1e6;
    }

    public double minMillis() {
        return nanos[0] / 1e6;
    }

    public double maxMillis() {
        return nanos[nanos.length - 1] / 1e6;
    }

    /** The {@code q}-quantile (nearest rank), e.g. 0.9 for the 90th percentile. */
    public double quantileMillis(double q) {
        int rank = (int) Math.ceil(q * nanos.length) - 1;
        return nanos[Math.max(0, Math.min(nanos.length - 1, rank))] / 1e6;
    }

    /** GFLOP/s for {@code macs} multiply-accumulates (2 FLOPs each) done in {@code millis}. */
    public static double gflops(long macs, double millis) {
        return millis <= 0 ? 0 : 2.0 * macs / (millis * 1e6);
    }
}
