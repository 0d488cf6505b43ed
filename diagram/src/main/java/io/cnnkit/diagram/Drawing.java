package io.cnnkit.diagram;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A laid-out diagram in absolute coordinates (units of one CSS pixel at 100%), ready to be written
 * as SVG or drawn as PNG by the same rules: what {@link DiagramLayout} decided, with nothing left
 * for a renderer to measure.
 */
record Drawing(double width, double height, List<Text> texts, List<Box> legend, List<Box> clusters,
               List<Box> nodes, List<Arrow> edges) {

    Drawing {
        texts = List.copyOf(texts);
        legend = List.copyOf(legend);
        clusters = List.copyOf(clusters);
        nodes = List.copyOf(nodes);
        edges = List.copyOf(edges);
    }

    /** How far a collapsed module's 3-D box reaches up and right. */
    static final double BOX3D_DEPTH = 4;
    private static final double ARROW_LENGTH = 7;
    private static final double ARROW_HALF_WIDTH = 3.2;

    enum Shape { ROUNDED, RECT, OVAL, BOX3D }

    enum Anchor { START, MIDDLE }

    /** One line of text; {@code y} is its baseline. */
    record Text(String text, double x, double y, double size, boolean bold, String colour, Anchor anchor) {
    }

    record Point(double x, double y) {
    }

    /**
     * A node, a cluster or a legend cell. {@code id} is the SVG element id (empty for none),
     * {@code tooltip} the SVG title.
     */
    record Box(String id, String cssClass, Shape shape, double x, double y, double w, double h, String fill,
               String stroke, double strokeWidth, boolean dashed, List<Text> texts, String tooltip) {
        Box {
            texts = List.copyOf(texts);
        }
    }

    /** An edge as a polyline ending in an arrowhead at its last point, with an optional label. */
    record Arrow(String from, String to, List<Point> points, String colour, boolean dashed, Optional<Text> label) {
        Arrow {
            points = List.copyOf(points);
        }
    }

    /** The corner radius of a rounded box: clusters rounder than nodes. */
    static double corner(Box box) {
        return box.cssClass().equals("cluster") ? 6 : 4;
    }

    /** An arrow's line, stopped where its head begins so that the line's end does not show through the tip. */
    static List<Point> shaft(List<Point> points) {
        List<Point> line = new ArrayList<>(points);
        Point end = line.get(line.size() - 1);
        Point before = line.get(line.size() - 2);
        double length = Math.hypot(end.x() - before.x(), end.y() - before.y());
        if (length > ARROW_LENGTH) {
            double f = (length - ARROW_LENGTH) / length;
            line.set(line.size() - 1, new Point(before.x() + (end.x() - before.x()) * f, before.y() + (end.y() - before.y()) * f));
        }
        return line;
    }

    /** The triangle at an arrow's last point, along its last segment. */
    static List<Point> arrowhead(List<Point> points) {
        Point end = points.get(points.size() - 1);
        Point before = points.get(points.size() - 2);
        double length = Math.max(1e-9, Math.hypot(end.x() - before.x(), end.y() - before.y()));
        double ux = (end.x() - before.x()) / length;
        double uy = (end.y() - before.y()) / length;
        double bx = end.x() - ux * ARROW_LENGTH;
        double by = end.y() - uy * ARROW_LENGTH;
        return List.of(end, new Point(bx - uy * ARROW_HALF_WIDTH, by + ux * ARROW_HALF_WIDTH),
                new Point(bx + uy * ARROW_HALF_WIDTH, by - ux * ARROW_HALF_WIDTH));
    }
}
