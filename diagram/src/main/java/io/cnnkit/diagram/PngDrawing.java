package io.cnnkit.diagram;

import io.cnnkit.diagram.Drawing.Anchor;
import io.cnnkit.diagram.Drawing.Arrow;
import io.cnnkit.diagram.Drawing.Box;
import io.cnnkit.diagram.Drawing.Point;
import io.cnnkit.diagram.Drawing.Text;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Stroke;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.geom.RoundRectangle2D;
import java.awt.image.BufferedImage;
import java.util.List;

/**
 * Paints a {@link Drawing} with Java 2D, headless, by the same geometry as {@link SvgDrawing} and with
 * the {@link DiagramFont} that measured every text, at {@code scale} pixels per drawing unit.
 */
final class PngDrawing {

    private final Graphics2D g;

    private PngDrawing(Graphics2D g) {
        this.g = g;
    }

    static BufferedImage paint(Drawing drawing, double scale) {
        int width = (int) Math.ceil(drawing.width() * scale);
        int height = (int) Math.ceil(drawing.height() * scale);
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_FRACTIONALMETRICS, RenderingHints.VALUE_FRACTIONALMETRICS_ON);
            g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            g.scale(scale, scale);
            PngDrawing painter = new PngDrawing(g);
            drawing.texts().forEach(painter::text);
            drawing.legend().forEach(painter::box);
            drawing.clusters().forEach(painter::box);
            drawing.edges().forEach(painter::arrow);
            drawing.nodes().forEach(painter::box);
        } finally {
            g.dispose();
        }
        return image;
    }

    private void box(Box b) {
        java.awt.Shape outline = switch (b.shape()) {
            case OVAL -> new Ellipse2D.Double(b.x(), b.y(), b.w(), b.h());
            case ROUNDED -> new RoundRectangle2D.Double(b.x(), b.y(), b.w(), b.h(), 2 * Drawing.corner(b), 2 * Drawing.corner(b));
            case RECT -> new Rectangle2D.Double(b.x(), b.y(), b.w(), b.h());
            case BOX3D -> box3d(b);
        };
        g.setColor(colour(b.fill()));
        g.fill(outline);
        g.setColor(colour(b.stroke()));
        g.setStroke(stroke(b.strokeWidth(), b.dashed()));
        g.draw(outline);
        b.texts().forEach(this::text);
    }

    private static java.awt.Shape box3d(Box b) {
        double k = Drawing.BOX3D_DEPTH;
        double x = b.x();
        double y = b.y() + k;
        double w = b.w() - k;
        double h = b.h() - k;
        Path2D.Double p = new Path2D.Double();
        p.moveTo(x, y);
        p.lineTo(x + k, y - k);
        p.lineTo(x + w + k, y - k);
        p.lineTo(x + w + k, y + h - k);
        p.lineTo(x + w, y + h);
        p.lineTo(x, y + h);
        p.closePath();
        p.moveTo(x, y);
        p.lineTo(x + w, y);
        p.lineTo(x + w, y + h);
        p.moveTo(x + w, y);
        p.lineTo(x + w + k, y - k);
        return p;
    }

    private void arrow(Arrow a) {
        g.setColor(colour(a.colour()));
        g.setStroke(stroke(1, a.dashed()));
        g.draw(path(Drawing.shaft(a.points()), false));
        g.fill(path(Drawing.arrowhead(a.points()), true));
        a.label().ifPresent(this::text);
    }

    private static Path2D path(List<Point> points, boolean closed) {
        Path2D.Double p = new Path2D.Double();
        p.moveTo(points.get(0).x(), points.get(0).y());
        for (int i = 1; i < points.size(); i++) {
            p.lineTo(points.get(i).x(), points.get(i).y());
        }
        if (closed) {
            p.closePath();
        }
        return p;
    }

    private void text(Text t) {
        g.setFont(DiagramFont.font(t.size(), t.bold()));
        g.setColor(colour(t.colour()));
        double x = t.anchor() == Anchor.MIDDLE ? t.x() - DiagramFont.width(t.text(), t.size(), t.bold()) / 2 : t.x();
        g.drawString(t.text(), (float) x, (float) t.y());
    }

    private static Stroke stroke(double width, boolean dashed) {
        return dashed ? new BasicStroke((float) width, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10, new float[] {5, 3}, 0)
                : new BasicStroke((float) width, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND);
    }

    private static Color colour(String hex) {
        return new Color(Integer.parseInt(hex.substring(1), 16));
    }
}
