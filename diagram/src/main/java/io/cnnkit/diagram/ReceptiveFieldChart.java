package io.cnnkit.diagram;

import io.cnnkit.analyzer.Analysis;
import io.cnnkit.analyzer.LayerStats;
import io.cnnkit.analyzer.ReceptiveField;
import io.cnnkit.analyzer.report.Units;
import io.cnnkit.compiler.graph.Layer;
import io.cnnkit.compiler.graph.Shape;
import io.cnnkit.compiler.op.Op;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The receptive-field growth of a network as an inline SVG line chart: the larger side of each
 * layer's field against its position in the schedule, with the input size for scale. Layers whose
 * field is global (after flatten, dense, global pooling) are left out: their field is the whole input.
 */
final class ReceptiveFieldChart {

    private static final int WIDTH = 640;
    private static final int HEIGHT = 250;
    private static final int LEFT = 56;
    private static final int RIGHT = 12;
    private static final int TOP = 12;
    private static final int BOTTOM = 40;

    private record Point(int index, long size, LayerStats stats) {
    }

    private ReceptiveFieldChart() {
    }

    static String svg(Analysis analysis) {
        List<Point> points = new ArrayList<>();
        List<LayerStats> layers = analysis.layers();
        for (int i = 0; i < layers.size(); i++) {
            ReceptiveField rf = layers.get(i).receptiveField();
            if (rf != null && !rf.global()) {
                points.add(new Point(i, Math.max(rf.sizeH(), rf.sizeW()), layers.get(i)));
            }
        }
        long inputSize = analysis.graph().inputs().stream().map(Layer::op)
                .filter(op -> op instanceof Op.Input in && in.shape().isMap())
                .mapToLong(op -> {
                    Shape s = ((Op.Input) op).shape();
                    return Math.max(s.height(), s.width());
                }).max().orElse(0);
        long top = Math.max(inputSize, points.stream().mapToLong(Point::size).max().orElse(1));
        long yStep = niceStep(top, 5);
        long yMax = Math.max(yStep, (top + yStep - 1) / yStep * yStep);
        int xMax = Math.max(1, layers.size() - 1);
        long xStep = niceStep(xMax, 8);

        StringBuilder out = new StringBuilder();
        out.append("<svg class=\"rf-chart\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(HEIGHT)
                .append("\" role=\"img\" aria-label=\"receptive field size per layer\" xmlns=\"http://www.w3.org/2000/svg\">\n");
        for (long y = 0; y <= yMax; y += yStep) {
            double py = y(y, yMax);
            out.append(String.format(Locale.ROOT, "<line class=\"grid\" x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\"/>"
                    + "<text class=\"tick\" x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%d</text>%n",
                    LEFT, WIDTH - RIGHT, py, py, LEFT - 6, py + 4, y));
        }
        for (long x = 0; x <= xMax; x += xStep) {
            double px = x(x, xMax);
            out.append(String.format(Locale.ROOT, "<text class=\"tick\" x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%d</text>%n",
                    px, HEIGHT - BOTTOM + 16, x + 1));
        }
        out.append(String.format(Locale.ROOT, "<line class=\"axis\" x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\"/>%n",
                LEFT, WIDTH - RIGHT, HEIGHT - BOTTOM, HEIGHT - BOTTOM));
        out.append(String.format(Locale.ROOT, "<text class=\"label\" x=\"%d\" y=\"%d\" text-anchor=\"middle\">"
                + "layer (# in the table, schedule order)</text>%n", (LEFT + WIDTH - RIGHT) / 2, HEIGHT - 6));
        out.append(String.format(Locale.ROOT, "<text class=\"label\" transform=\"translate(14 %d) rotate(-90)\""
                + " text-anchor=\"middle\">receptive field (pixels)</text>%n", (TOP + HEIGHT - BOTTOM) / 2));
        if (inputSize > 0) {
            double py = y(inputSize, yMax);
            out.append(String.format(Locale.ROOT, "<line class=\"input-size\" x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\"/>"
                    + "<text class=\"input-label\" x=\"%d\" y=\"%.1f\" text-anchor=\"end\">input %d</text>%n",
                    LEFT, WIDTH - RIGHT, py, py, WIDTH - RIGHT - 4, py - 4, inputSize));
        }
        StringBuilder line = new StringBuilder();
        for (Point p : points) {
            if (p.stats().inference()) {
                line.append(String.format(Locale.ROOT, "%.1f,%.1f ", x(p.index(), xMax), y(p.size(), yMax)));
            }
        }
        out.append("<polyline class=\"rf-line\" points=\"").append(line.toString().strip()).append("\"/>\n");
        for (Point p : points) {
            String name = p.stats().layer().name();
            out.append(String.format(Locale.ROOT, "<circle class=\"pt%s\" cx=\"%.1f\" cy=\"%.1f\" r=\"2.6\" data-layer=\"%s\">"
                    + "<title>%s: %s</title></circle>%n", p.stats().inference() ? "" : " aux", x(p.index(), xMax),
                    y(p.size(), yMax), HtmlReport.escape(name), HtmlReport.escape(name),
                    HtmlReport.escape(Units.field(p.stats().receptiveField()))));
        }
        return out.append("</svg>\n").toString();
    }

    private static double x(long index, long max) {
        return LEFT + (WIDTH - LEFT - RIGHT) * (double) index / max;
    }

    private static double y(long value, long max) {
        return HEIGHT - BOTTOM - (HEIGHT - BOTTOM - TOP) * (double) value / max;
    }

    /** A step of 1, 2 or 5 times a power of ten that divides {@code range} into at most about {@code ticks} parts. */
    static long niceStep(long range, int ticks) {
        long raw = Math.max(1, (range + ticks - 1) / ticks);
        long power = 1;
        while (power * 10 <= raw) {
            power *= 10;
        }
        for (long m : new long[] {1, 2, 5, 10}) {
            if (m * power >= raw) {
                return m * power;
            }
        }
        return 10 * power;
    }
}
