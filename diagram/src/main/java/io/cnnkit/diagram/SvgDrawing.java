package io.cnnkit.diagram;

import io.cnnkit.diagram.Drawing.Anchor;
import io.cnnkit.diagram.Drawing.Arrow;
import io.cnnkit.diagram.Drawing.Box;
import io.cnnkit.diagram.Drawing.Point;
import io.cnnkit.diagram.Drawing.Text;
import java.util.List;
import java.util.Locale;

/**
 * Writes a {@link Drawing} as SVG. Clusters are {@code <g class="cluster" id="c-SCOPE">}, nodes
 * {@code <g class="node" id="n-NAME">} and edges {@code <g class="edge">} with {@code data-from}
 * and {@code data-to}, each with a {@code <title>} tooltip, so that the HTML report can find them.
 */
final class SvgDrawing {

    private final StringBuilder out = new StringBuilder(64 * 1024);

    private SvgDrawing() {
    }

    static String write(Drawing drawing, String title) {
        return new SvgDrawing().document(drawing, title);
    }

    private String document(Drawing d, String title) {
        out.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
                .append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(n(d.width())).append("\" height=\"")
                .append(n(d.height())).append("\" viewBox=\"0 0 ").append(n(d.width())).append(' ').append(n(d.height()))
                .append("\" font-family=\"").append(esc(DiagramFont.CSS_FAMILY)).append("\">\n<title>").append(esc(title))
                .append("</title>\n<rect class=\"background\" width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n");
        d.texts().forEach(this::text);
        if (!d.legend().isEmpty()) {
            out.append("<g class=\"legend\">\n");
            d.legend().forEach(this::box);
            out.append("</g>\n");
        }
        out.append("<g class=\"clusters\">\n");
        d.clusters().forEach(this::box);
        out.append("</g>\n<g class=\"edges\">\n");
        d.edges().forEach(this::arrow);
        out.append("</g>\n<g class=\"nodes\">\n");
        d.nodes().forEach(this::box);
        return out.append("</g>\n</svg>\n").toString();
    }

    private void box(Box b) {
        out.append("<g class=\"").append(b.cssClass()).append('"');
        if (!b.id().isEmpty()) {
            out.append(" id=\"").append(esc(b.id())).append('"');
        }
        out.append('>');
        if (!b.tooltip().isEmpty()) {
            out.append("<title>").append(esc(b.tooltip())).append("</title>");
        }
        String paint = " fill=\"" + b.fill() + "\" stroke=\"" + b.stroke() + "\" stroke-width=\"" + n(b.strokeWidth())
                + "\"" + (b.dashed() ? " stroke-dasharray=\"5 3\"" : "");
        switch (b.shape()) {
            case OVAL -> out.append("<ellipse cx=\"").append(n(b.x() + b.w() / 2)).append("\" cy=\"").append(n(b.y() + b.h() / 2))
                    .append("\" rx=\"").append(n(b.w() / 2)).append("\" ry=\"").append(n(b.h() / 2)).append('"')
                    .append(paint).append("/>");
            case BOX3D -> {
                double k = Drawing.BOX3D_DEPTH;
                double x = b.x();
                double y = b.y() + k;
                double w = b.w() - k;
                double h = b.h() - k;
                out.append("<path d=\"M").append(n(x)).append(',').append(n(y)).append("h").append(n(w)).append("v")
                        .append(n(h)).append("h").append(n(-w)).append("z M").append(n(x)).append(',').append(n(y))
                        .append("l").append(n(k)).append(',').append(n(-k)).append("h").append(n(w)).append("v")
                        .append(n(h)).append("l").append(n(-k)).append(',').append(n(k)).append(" M").append(n(x + w))
                        .append(',').append(n(y)).append("l").append(n(k)).append(',').append(n(-k)).append('"')
                        .append(paint).append(" stroke-linejoin=\"round\"/>");
            }
            default -> out.append("<rect x=\"").append(n(b.x())).append("\" y=\"").append(n(b.y())).append("\" width=\"")
                    .append(n(b.w())).append("\" height=\"").append(n(b.h())).append('"')
                    .append(b.shape() == Drawing.Shape.ROUNDED ? " rx=\"" + n(Drawing.corner(b)) + "\"" : "")
                    .append(paint).append("/>");
        }
        b.texts().forEach(this::text);
        out.append("</g>\n");
    }

    private void arrow(Arrow a) {
        out.append("<g class=\"edge\" data-from=\"").append(esc(a.from())).append("\" data-to=\"").append(esc(a.to()))
                .append("\"><path d=\"");
        List<Point> line = Drawing.shaft(a.points());
        for (int i = 0; i < line.size(); i++) {
            out.append(i == 0 ? 'M' : 'L').append(n(line.get(i).x())).append(',').append(n(line.get(i).y()));
        }
        out.append("\" fill=\"none\" stroke=\"").append(a.colour()).append('"')
                .append(a.dashed() ? " stroke-dasharray=\"5 3\"" : "").append("/><path d=\"");
        List<Point> head = Drawing.arrowhead(a.points());
        for (int i = 0; i < head.size(); i++) {
            out.append(i == 0 ? 'M' : 'L').append(n(head.get(i).x())).append(',').append(n(head.get(i).y()));
        }
        out.append("z\" fill=\"").append(a.colour()).append("\"/>");
        a.label().ifPresent(this::text);
        out.append("</g>\n");
    }

    private void text(Text t) {
        out.append("<text x=\"").append(n(t.x())).append("\" y=\"").append(n(t.y())).append("\" font-size=\"")
                .append(n(t.size())).append('"').append(t.anchor() == Anchor.MIDDLE ? " text-anchor=\"middle\"" : "")
                .append(t.bold() ? " font-weight=\"bold\"" : "").append(" fill=\"").append(t.colour()).append("\">")
                .append(esc(t.text())).append("</text>");
    }

    /** Two decimals at most, no trailing zeros: the SVG stays small and deterministic. */
    private static String n(double v) {
        String s = String.format(Locale.ROOT, "%.2f", v);
        s = s.contains(".") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
        return s.equals("-0") ? "0" : s;
    }

    private static String esc(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
