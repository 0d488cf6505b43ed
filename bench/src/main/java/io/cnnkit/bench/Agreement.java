package io.cnnkit.bench;

import io.cnnkit.exec.Tensor;
import java.util.Arrays;
import java.util.Map;

/** How closely two runtimes' outputs agree: max |a - b| / max |b| over every output. */
public final class Agreement {
    /** The largest relative difference the two runtimes may show (float32 summation order only). */
    public static final double TOLERANCE = 1e-4;

    private Agreement() {
    }

    /** The worst relative difference of {@code ours} against {@code reference}; infinite if names or shapes differ. */
    public static double maxRelativeError(Map<String, Tensor> ours, Map<String, Tensor> reference) {
        if (!ours.keySet().equals(reference.keySet())) {
            return Double.POSITIVE_INFINITY;
        }
        double worst = 0;
        for (Map.Entry<String, Tensor> e : reference.entrySet()) {
            Tensor want = e.getValue();
            Tensor got = ours.get(e.getKey());
            if (!Arrays.equals(want.shape(), got.shape())) {
                return Double.POSITIVE_INFINITY;
            }
            double diff = 0;
            double scale = 0;
            for (int i = 0; i < want.size(); i++) {
                diff = Math.max(diff, Math.abs((double) got.get(i) - want.get(i)));
                scale = Math.max(scale, Math.abs((double) want.get(i)));
            }
            worst = Math.max(worst, scale == 0 ? diff : diff / scale);
        }
        return worst;
    }
}
