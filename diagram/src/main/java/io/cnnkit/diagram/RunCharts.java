package io.cnnkit.diagram;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * The training section of a report as inline SVG: loss, accuracy and learning-rate curves against
 * the step for one run or several overlaid (solid the first, dashed the next), and for one run
 * a strip of per-layer gradient norms over time (rows: layers in network order; columns: sampled
 * steps; colour: logarithmic, as the diagram's heat map).
 */
public final class RunCharts {
    private static final String[] TRAIN = {"#1c7ed6", "#2b8a3e", "#862e9c"};
    private static final String[] VAL = {"#e8590c", "#c92a2a", "#5f3dc4"};
    private static final int WIDTH = 560, HEIGHT = 250, LEFT = 62, RIGHT = 14, TOP = 30, BOTTOM = 40;

    /** One line: x and y of equal length; NaN values are left out. */
    record Series(String label, String colour, boolean dashed, double[] x, double[] y) {
    }

    private RunCharts() {
    }

    /** The section: the curves of every run, and for a single run its gradient strip. */
    public static String section(List<RunLog> runs) {
        StringBuilder out = new StringBuilder("<section class=\"card run-card\" id=\"training\"><h2>Training run")
                .append(runs.size() > 1 ? "s" : "").append("</h2>\n<p class=\"note\">")
                .append(HtmlReport.escape(String.join(" \u00b7 ", runs.stream().map(RunCharts::describe).toList())))
                .append("</p>\n<div class=\"run-charts\">\n");
        List<Series> loss = new ArrayList<>(), accuracy = new ArrayList<>(), lr = new ArrayList<>();
        for (int r = 0; r < runs.size(); r++) {
            RunLog run = runs.get(r);
            String who = runs.size() > 1 ? run.name() + " " : "";
            boolean dashed = r > 0;
            String train = TRAIN[r % TRAIN.length], val = VAL[r % VAL.length];
            if (!run.samples().isEmpty()) {
                loss.add(new Series(who + "train loss (sampled steps)", train + "80", dashed,
                        run.samples().stream().mapToDouble(RunLog.Sample::step).toArray(),
                        run.samples().stream().mapToDouble(RunLog.Sample::loss).toArray()));
            }
            loss.add(epochs(run, who + "train loss (epoch)", train, dashed, RunLog.Epoch::trainLoss));
            loss.add(epochs(run, who + "validation loss", val, dashed, RunLog.Epoch::valLoss));
            accuracy.add(epochs(run, who + "train top-1", train, dashed, e -> 100 * e.trainTop1()));
            accuracy.add(epochs(run, who + "validation top-1", val, dashed, e -> 100 * e.valTop1()));
            boolean sampledRates = run.samples().stream().anyMatch(s -> Double.isFinite(s.lr()));
            lr.add(sampledRates
                    ? new Series(who + "learning rate (sampled steps)", train, dashed,
                            run.samples().stream().mapToDouble(RunLog.Sample::step).toArray(),
                            run.samples().stream().mapToDouble(RunLog.Sample::lr).toArray())
                    : epochs(run, who + "learning rate (per epoch)", train, dashed, RunLog.Epoch::lr));
        }
        out.append(chart("chart-loss", "Loss", loss)).append(chart("chart-accuracy", "Accuracy (%)", accuracy))
                .append(chart("chart-lr", "Learning rate", lr));
        out.append("</div>\n");
        if (runs.size() == 1) {
            out.append(gradientStrip(runs.get(0)));
        }
        return out.append("</section>\n").toString();
    }

    private static String describe(RunLog run) {
        return run.name() + ": " + count(run.epochs().size(), "epoch") + ", "
                + count(run.samples().size(), "statistics sample")
                + (run.epochs().isEmpty() ? "" : ", " + run.epochs().get(run.epochs().size() - 1).step() + " steps");
    }

    private static String count(int n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }

    private static Series epochs(RunLog run, String label, String colour, boolean dashed,
                                 ToDoubleFunction<RunLog.Epoch> value) {
        return new Series(label, colour, dashed, run.epochs().stream().mapToDouble(RunLog.Epoch::step).toArray(),
                run.epochs().stream().mapToDouble(value).toArray());
    }

    /** A line chart with linear axes over the finite points of every series; a note when there are none. */
    static String chart(String id, String title, List<Series> all) {
        List<Series> series = all.stream().filter(s -> finite(s) > 0).toList();
        StringBuilder svg = new StringBuilder();
        int height = series.isEmpty() ? 50 : HEIGHT + 18 * series.size();
        svg.append(String.format(Locale.ROOT, "<figure class=\"run-chart\" id=\"%s\"><svg xmlns=\"http://www.w3.org/2000/svg\""
                + " width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"%s\">", id, WIDTH,
                height, WIDTH, height, HtmlReport.escape(title)));
        svg.append(text(LEFT, 18, title, "start", "600", 13));
        if (series.isEmpty()) {
            svg.append(text(LEFT, 40, "not in this run (no epoch has ended)", "start", "400", 12));
            return svg.append("</svg></figure>\n").toString();
        }
        double x0 = Double.POSITIVE_INFINITY, x1 = Double.NEGATIVE_INFINITY;
        double y0 = Double.POSITIVE_INFINITY, y1 = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            for (int i = 0; i < s.x().length; i++) {
                if (Double.isFinite(s.y()[i])) {
                    x0 = Math.min(x0, s.x()[i]);
                    x1 = Math.max(x1, s.x()[i]);
                    y0 = Math.min(y0, s.y()[i]);
                    y1 = Math.max(y1, s.y()[i]);
                }
            }
        }
        // every chart's step axis starts at 0, so the charts line up and a single epoch is not a lone dot
        x0 = Math.min(0, x0);
        if (x1 == x0) {
            x1 = x0 + 1;
        }
        if (y1 == y0) {
            double pad = y0 == 0 ? 1 : Math.abs(y0) * 0.1;
            y0 -= pad;
            y1 += pad;
        }
        double[] yTicks = ticks(y0, y1), xTicks = ticks(x0, x1);
        y0 = Math.min(y0, yTicks[0]);
        y1 = Math.max(y1, yTicks[yTicks.length - 1]);
        double plotW = WIDTH - LEFT - RIGHT, plotH = HEIGHT - TOP - BOTTOM;
        final double fx0 = x0, fx1 = x1, fy0 = y0, fy1 = y1;
        java.util.function.DoubleUnaryOperator px = x -> LEFT + (x - fx0) / (fx1 - fx0) * plotW;
        java.util.function.DoubleUnaryOperator py = y -> TOP + (1 - (y - fy0) / (fy1 - fy0)) * plotH;
        for (double t : yTicks) {
            double y = py.applyAsDouble(t);
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#e9ecef\"/>",
                    LEFT, y, LEFT + plotW, y));
            svg.append(text(LEFT - 6, y + 4, label(t), "end", "400", 11));
        }
        for (double t : xTicks) {
            if (t < x0 || t > x1) {
                continue;
            }
            double x = px.applyAsDouble(t);
            svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#adb5bd\"/>",
                    x, TOP + (int) plotH, x, TOP + plotH + 4));
            svg.append(text(x, TOP + plotH + 17, label(t), "middle", "400", 11));
        }
        svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%.1f\" fill=\"none\""
                + " stroke=\"#adb5bd\"/>", LEFT, TOP, plotW, plotH));
        svg.append(text(LEFT + plotW / 2, HEIGHT - 6, "step", "middle", "400", 11));
        for (int k = 0; k < series.size(); k++) {
            Series s = series.get(k);
            StringBuilder points = new StringBuilder();
            StringBuilder dots = new StringBuilder();
            for (int i = 0; i < s.x().length; i++) {
                if (!Double.isFinite(s.y()[i])) {
                    continue;
                }
                double x = px.applyAsDouble(s.x()[i]), y = py.applyAsDouble(s.y()[i]);
                points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
                if (finite(s) <= 60) {
                    dots.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.6\" fill=\"%s\"/>",
                            x, y, s.colour()));
                }
            }
            svg.append("<g class=\"series\" data-label=\"").append(HtmlReport.escape(s.label())).append("\">")
                    .append(String.format(Locale.ROOT, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.8\"%s"
                            + " points=\"%s\"/>", s.colour(), s.dashed() ? " stroke-dasharray=\"6 4\"" : "",
                            points.toString().strip()))
                    .append(dots).append("</g>");
            double ly = HEIGHT + 4 + 18 * k;
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"%s\""
                    + " stroke-width=\"2.5\"%s/>", LEFT, ly, LEFT + 26, ly, s.colour(),
                    s.dashed() ? " stroke-dasharray=\"6 4\"" : ""));
            svg.append(text(LEFT + 32, ly + 4, s.label(), "start", "400", 11));
        }
        return svg.append("</svg></figure>\n").toString();
    }

    /** Rows of layers, columns of sampled steps, coloured by log gradient norm over the whole run. */
    static String gradientStrip(RunLog run) {
        List<String> layers = run.gradLayers();
        StringBuilder out = new StringBuilder("<h3>Gradient norm per layer over time</h3>\n");
        if (layers.isEmpty()) {
            return out.append("<p class=\"note\">No per-layer statistics in this run: train with --metrics"
                    + " (and --stats-every K, 10 by default).</p>\n").toString();
        }
        List<Double> all = new ArrayList<>();
        run.samples().forEach(s -> all.addAll(s.gradNorms().values()));
        HeatScale scale = new HeatScale(all, false);
        int cols = run.samples().size();
        int labelW = 8 + 7 * layers.stream().mapToInt(String::length).max().orElse(4);
        double cell = Math.max(2, Math.min(40, 760.0 / cols)), rowH = layers.size() > 60 ? 6 : 12;
        double width = labelW + cols * cell + 20, height = 24 + layers.size() * rowH + 28;
        StringBuilder svg = new StringBuilder(String.format(Locale.ROOT, "<figure class=\"grad-strip\" id=\"grad-strip\">"
                + "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\""
                + " role=\"img\" aria-label=\"gradient norm per layer over time\">", width, height, width, height));
        for (int r = 0; r < layers.size(); r++) {
            double y = 10 + r * rowH;
            if (rowH >= 10 || r % 5 == 0) {
                svg.append(text(labelW - 6, y + rowH - 2, layers.get(r), "end", "400", rowH >= 10 ? 10 : 8));
            }
            for (int c = 0; c < cols; c++) {
                Double v = run.samples().get(c).gradNorms().get(layers.get(r));
                String fill = v == null ? "#f1f3f5" : scale.fill(v);
                svg.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\""
                        + " fill=\"%s\"><title>%s, step %d: %s</title></rect>", labelW + c * cell, y, cell, rowH, fill,
                        HtmlReport.escape(layers.get(r)), run.samples().get(c).step(),
                        v == null ? "none" : String.format(Locale.ROOT, "%.3e", v)));
            }
        }
        double axisY = 10 + layers.size() * rowH + 14;
        int every = Math.max(1, cols / 8);
        for (int c = 0; c < cols; c += every) {
            svg.append(text(labelW + c * cell + cell / 2, axisY, Long.toString(run.samples().get(c).step()), "middle",
                    "400", 10));
        }
        svg.append(text(labelW + cols * cell / 2, axisY + 13, "step", "middle", "400", 10));
        out.append(svg).append("</svg></figure>\n<div class=\"legend strip-legend\">gradient L2 norm of each layer's weight,"
                + " logarithmic; each colour from");
        List<String> bounds = scale.lowerBounds();
        for (int b = 0; b < bounds.size(); b++) {
            out.append(" <span><i style=\"background:").append(HeatScale.COLOURS.get(b)).append("\"></i>")
                    .append(bounds.get(b)).append("</span>");
        }
        return out.append("</div>\n").toString();
    }

    private static int finite(Series s) {
        int n = 0;
        for (double v : s.y()) {
            n += Double.isFinite(v) ? 1 : 0;
        }
        return n;
    }

    /** About five round ticks covering [lo, hi]. */
    static double[] ticks(double lo, double hi) {
        double raw = (hi - lo) / 5, magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
        double step = raw / magnitude < 1.5 ? magnitude : raw / magnitude < 3 ? 2 * magnitude
                : raw / magnitude < 7 ? 5 * magnitude : 10 * magnitude;
        double first = Math.floor(lo / step) * step;
        List<Double> ticks = new ArrayList<>();
        for (double t = first; t <= hi + step * 1e-9; t += step) {
            ticks.add(Math.abs(t) < step * 1e-9 ? 0 : t);
        }
        if (ticks.get(ticks.size() - 1) < hi) {
            ticks.add(ticks.get(ticks.size() - 1) + step);
        }
        return ticks.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static String label(double v) {
        if (v == 0) {
            return "0";
        }
        double a = Math.abs(v);
        return a >= 1e5 || a < 1e-3 ? String.format(Locale.ROOT, "%.1e", v)
                : new java.math.BigDecimal(String.format(Locale.ROOT, "%.4g", v)).stripTrailingZeros().toPlainString();
    }

    private static String text(double x, double y, String s, String anchor, String weight, int size) {
        return String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" font-weight=\"%s\""
                + " font-size=\"%d\" fill=\"#343a40\">%s</text>", x, y, anchor, weight, size, HtmlReport.escape(s));
    }
}
