package io.cnnkit.diagram;

import io.cnnkit.analyzer.report.Units;
import java.util.ArrayList;
import java.util.List;

/**
 * Nine colours from light yellow to dark red (ColorBrewer's YlOrRd) over a logarithmic scale from
 * the smallest to the largest positive cost: costs in a network span many orders of magnitude.
 * A zero cost is white.
 */
final class HeatScale {

    static final List<String> COLOURS = List.of("#ffffcc", "#ffeda0", "#fed976", "#feb24c", "#fd8d3c", "#fc4e2a",
            "#e31a1c", "#bd0026", "#800026");
    static final String ZERO = "#ffffff";
    /** From this bucket on the fill is dark enough to need white text. */
    private static final int DARK = 6;

    private final double logMin;
    private final double logMax;
    private final boolean empty;

    private final boolean counts;

    /** @param counts whole numbers (MACs, bytes), shown as {@code 1.20 M}; else small reals shown as {@code 3.1e-04} */
    HeatScale(List<Double> costs, boolean counts) {
        this.counts = counts;
        double min = costs.stream().filter(c -> c > 0).mapToDouble(Double::doubleValue).min().orElse(0);
        double max = costs.stream().mapToDouble(Double::doubleValue).max().orElse(0);
        empty = max <= 0;
        logMin = empty ? 0 : Math.log(min);
        logMax = empty ? 0 : Math.log(max);
    }

    /** The bucket of a cost, or -1 for zero. */
    int bucket(double cost) {
        if (cost <= 0 || empty) {
            return -1;
        }
        if (logMax == logMin) {
            return COLOURS.size() - 1;
        }
        int b = (int) Math.floor(COLOURS.size() * (Math.log(cost) - logMin) / (logMax - logMin));
        return Math.min(b, COLOURS.size() - 1);
    }

    String fill(double cost) {
        int b = bucket(cost);
        return b < 0 ? ZERO : COLOURS.get(b);
    }

    boolean dark(double cost) {
        return isDark(bucket(cost));
    }

    static boolean isDark(int bucket) {
        return bucket >= DARK;
    }

    /** The smallest cost in each bucket, rounded for display ({@code 1.20 M}); empty when all costs are zero. */
    List<String> lowerBounds() {
        List<String> bounds = new ArrayList<>();
        if (empty) {
            return bounds;
        }
        for (int b = 0; b < COLOURS.size(); b++) {
            double log = logMax == logMin ? logMax : logMin + b * (logMax - logMin) / COLOURS.size();
            bounds.add(counts ? Units.decimal(Math.round(Math.exp(log)))
                    : String.format(java.util.Locale.ROOT, "%.1e", Math.exp(log)));
        }
        return bounds;
    }
}
