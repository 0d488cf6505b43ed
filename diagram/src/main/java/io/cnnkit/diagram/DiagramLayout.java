package io.cnnkit.diagram;

import io.cnnkit.diagram.DiagramModel.Cluster;
import io.cnnkit.diagram.DiagramModel.Edge;
import io.cnnkit.diagram.DiagramModel.Node;
import io.cnnkit.diagram.Drawing.Anchor;
import io.cnnkit.diagram.Drawing.Arrow;
import io.cnnkit.diagram.Drawing.Box;
import io.cnnkit.diagram.Drawing.Point;
import io.cnnkit.diagram.Drawing.Shape;
import io.cnnkit.diagram.Drawing.Text;
import java.awt.font.LineMetrics;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.eclipse.elk.alg.layered.options.LayeredOptions;
import org.eclipse.elk.alg.layered.options.NodePlacementStrategy;
import org.eclipse.elk.alg.layered.options.OrderingStrategy;
import org.eclipse.elk.core.RecursiveGraphLayoutEngine;
import org.eclipse.elk.core.math.ElkPadding;
import org.eclipse.elk.core.options.CoreOptions;
import org.eclipse.elk.core.options.Direction;
import org.eclipse.elk.core.options.EdgeLabelPlacement;
import org.eclipse.elk.core.options.EdgeRouting;
import org.eclipse.elk.core.options.HierarchyHandling;
import org.eclipse.elk.core.util.BasicProgressMonitor;
import org.eclipse.elk.graph.ElkBendPoint;
import org.eclipse.elk.graph.ElkEdge;
import org.eclipse.elk.graph.ElkEdgeSection;
import org.eclipse.elk.graph.ElkLabel;
import org.eclipse.elk.graph.ElkNode;
import org.eclipse.elk.graph.util.ElkGraphUtil;

/**
 * Lays a {@link DiagramModel} out with ELK's layered algorithm (Eclipse Layout Kernel, the same
 * Sugiyama family as Graphviz dot) in this JVM. Modules are compound nodes laid out together with
 * the rest ({@code INCLUDE_CHILDREN}); the model order of nodes is kept within each layer, so
 * parallel branches stand left to right (or top to bottom) as the source writes them. Every text is
 * measured with {@link DiagramFont}, the font that draws it.
 */
final class DiagramLayout {

    static final double NODE_FONT = 11;
    static final double EDGE_FONT = 9;
    static final double CLUSTER_FONT = 11;
    static final double TITLE_FONT = 15;
    static final double LEGEND_FONT = 10;
    private static final double MARGIN = 12;
    private static final double PAD_X = 9;
    private static final double PAD_Y = 5;
    private static final double CLUSTER_PAD = 10;
    private static final double EDGE_LABEL_GAP = 3;

    private final DiagramModel model;
    private final DiagramOptions options;
    private final Palette palette;
    private final ElkNode root = ElkGraphUtil.createGraph();
    private final Map<String, ElkNode> clusterNodes = new HashMap<>();
    private final Map<String, Cluster> clusters = new HashMap<>();
    private final Map<String, ElkNode> nodeElements = new HashMap<>();
    private final Map<String, Integer> levels = new HashMap<>();
    private final Map<ElkEdge, Edge> edgeElements = new LinkedHashMap<>();

    private DiagramLayout(DiagramModel model, DiagramOptions options) {
        this.model = model;
        this.options = options;
        this.palette = new Palette(model, options);
        model.clusters().forEach(c -> clusters.put(c.path(), c));
    }

    static Drawing layout(DiagramModel model, DiagramOptions options) {
        return new DiagramLayout(model, options).run();
    }

    private Drawing run() {
        List<Text> texts = new ArrayList<>();
        List<Box> legend = new ArrayList<>();
        double headerWidth = header(texts, legend);
        double top = texts.isEmpty() ? MARGIN
                : legend.isEmpty() ? texts.get(texts.size() - 1).y() + 12
                : legend.get(0).y() + legend.get(0).h() + 12;
        buildGraph();
        new RecursiveGraphLayoutEngine().layout(root, new BasicProgressMonitor());

        List<Box> clusterBoxes = new ArrayList<>();
        for (Cluster cluster : model.clusters()) {
            clusterBoxes.add(clusterBox(cluster, clusterNodes.get(cluster.path()), MARGIN, top));
        }
        List<Box> nodeBoxes = new ArrayList<>();
        for (Node node : model.nodes()) {
            nodeBoxes.add(nodeBox(node, nodeElements.get(node.id()), MARGIN, top));
        }
        List<Arrow> arrows = new ArrayList<>();
        for (ElkEdge edge : edgeElements.keySet()) {
            arrows.add(arrow(edge, MARGIN, top));
        }
        double width = Math.max(headerWidth, root.getWidth() + 2 * MARGIN);
        return new Drawing(Math.ceil(width), Math.ceil(top + root.getHeight() + MARGIN), texts, legend, clusterBoxes,
                nodeBoxes, arrows);
    }

    /** The title, and below it on lines of their own the heat legend's caption and cells; returns the width. */
    private double header(List<Text> texts, List<Box> legend) {
        double y = MARGIN + baseline(TITLE_FONT);
        texts.add(new Text(model.title(), MARGIN, y, TITLE_FONT, true, Palette.INK, Anchor.START));
        double width = DiagramFont.width(model.title(), TITLE_FONT, true);
        if (palette.scale().isEmpty()) {
            return width + 2 * MARGIN;
        }
        List<String> bounds = palette.scale().get().lowerBounds();
        String caption = options.heat().orElseThrow().title() + " per node"
                + (bounds.isEmpty() ? ": all zero" : ", logarithmic colour scale; each colour from");
        y += DiagramFont.lineHeight(TITLE_FONT) + 2;
        texts.add(new Text(caption, MARGIN, y, LEGEND_FONT, false, Palette.AUX_TEXT, Anchor.START));
        width = Math.max(width, DiagramFont.width(caption, LEGEND_FONT, false));
        double cellWidth = bounds.stream().mapToDouble(b -> DiagramFont.width(b, LEGEND_FONT, false)).max().orElse(0) + 12;
        double cellHeight = DiagramFont.lineHeight(LEGEND_FONT) + 6;
        double cellTop = y + DiagramFont.lineHeight(LEGEND_FONT) - baseline(LEGEND_FONT) + 4;
        for (int b = 0; b < bounds.size(); b++) {
            double x = MARGIN + b * cellWidth;
            String ink = HeatScale.isDark(b) ? Palette.WHITE : Palette.INK;
            legend.add(new Box("", "legend-cell", Shape.RECT, x, cellTop, cellWidth, cellHeight, HeatScale.COLOURS.get(b),
                    Palette.INK, 0.8, false, List.of(new Text(bounds.get(b), x + cellWidth / 2,
                    cellTop + 3 + baseline(LEGEND_FONT), LEGEND_FONT, false, ink, Anchor.MIDDLE)), ""));
        }
        return Math.max(width, bounds.size() * cellWidth) + 2 * MARGIN;
    }

    private void buildGraph() {
        root.setProperty(CoreOptions.ALGORITHM, "org.eclipse.elk.layered");
        root.setProperty(CoreOptions.HIERARCHY_HANDLING, HierarchyHandling.INCLUDE_CHILDREN);
        root.setProperty(CoreOptions.DIRECTION, options.rankDir() == DiagramOptions.RankDir.LR ? Direction.RIGHT : Direction.DOWN);
        root.setProperty(CoreOptions.EDGE_ROUTING, EdgeRouting.ORTHOGONAL);
        root.setProperty(CoreOptions.PADDING, new ElkPadding(0));
        root.setProperty(LayeredOptions.CONSIDER_MODEL_ORDER_STRATEGY, OrderingStrategy.NODES_AND_EDGES);
        root.setProperty(LayeredOptions.CROSSING_MINIMIZATION_FORCE_NODE_MODEL_ORDER, true);
        // network-simplex placement keeps the main path straight where Brandes-Koepf lets it drift sideways
        root.setProperty(LayeredOptions.NODE_PLACEMENT_STRATEGY, NodePlacementStrategy.NETWORK_SIMPLEX);
        root.setProperty(LayeredOptions.SPACING_NODE_NODE, 16.0);
        root.setProperty(LayeredOptions.SPACING_NODE_NODE_BETWEEN_LAYERS, 18.0);
        root.setProperty(LayeredOptions.SPACING_EDGE_NODE_BETWEEN_LAYERS, 8.0);
        root.setProperty(LayeredOptions.SPACING_EDGE_LABEL, EDGE_LABEL_GAP);
        root.setProperty(LayeredOptions.EDGE_LABELS_PLACEMENT, EdgeLabelPlacement.CENTER);
        // nodes in schedule order; each cluster is created when its first node is met, so that the
        // children of every compound node are in source order too
        for (Node node : model.nodes()) {
            ElkNode parent = node.cluster().map(this::clusterNode).orElse(root);
            ElkNode element = ElkGraphUtil.createNode(parent);
            double[] size = nodeSize(node);
            element.setDimensions(size[0], size[1]);
            nodeElements.put(node.id(), element);
        }
        Set<String> labelled = new HashSet<>();
        for (Edge edge : model.edges()) {
            ElkEdge element = ElkGraphUtil.createSimpleEdge(nodeElements.get(edge.from()), nodeElements.get(edge.to()));
            ElkGraphUtil.updateContainment(element);
            edgeElements.put(element, edge);
            // every edge out of a node carries the same tensor: its shape is written once, on the first
            if (!edge.label().isEmpty() && labelled.add(edge.from())) {
                ElkLabel label = ElkGraphUtil.createLabel(edge.label(), element);
                label.setDimensions(DiagramFont.width(edge.label(), EDGE_FONT, false) + 2, DiagramFont.lineHeight(EDGE_FONT));
            }
        }
    }

    private ElkNode clusterNode(String path) {
        ElkNode existing = clusterNodes.get(path);
        if (existing != null) {
            return existing;
        }
        Cluster cluster = clusters.get(path);
        ElkNode parent = cluster.parent().map(this::clusterNode).orElse(root);
        ElkNode element = ElkGraphUtil.createNode(parent);
        double labelHeight = DiagramFont.lineHeight(CLUSTER_FONT);
        element.setProperty(CoreOptions.PADDING, new ElkPadding(labelHeight + CLUSTER_PAD, CLUSTER_PAD, CLUSTER_PAD, CLUSTER_PAD));
        clusterNodes.put(path, element);
        levels.put(path, cluster.parent().map(p -> levels.get(p) + 1).orElse(1));
        return element;
    }

    private static List<String> lines(Node node) {
        List<String> lines = new ArrayList<>();
        lines.add(node.title());
        lines.addAll(node.details());
        return lines;
    }

    private static Shape shape(Node node) {
        return switch (node.kind()) {
            case MERGE, OUTPUT -> Shape.OVAL;
            case MODULE -> Shape.BOX3D;
            default -> Shape.ROUNDED;
        };
    }

    /** Width and height: the text's lines plus padding; an oval's text must fit inside its curve. */
    private static double[] nodeSize(Node node) {
        List<String> lines = lines(node);
        double text = lines.stream().mapToDouble(l -> DiagramFont.width(l, NODE_FONT, false)).max().orElse(0);
        double height = lines.size() * DiagramFont.lineHeight(NODE_FONT) + 2 * PAD_Y;
        return switch (shape(node)) {
            case OVAL -> new double[] {text * 1.25 + 2 * PAD_X + 6, height + 6};
            case BOX3D -> new double[] {text + 2 * PAD_X + Drawing.BOX3D_DEPTH, height + Drawing.BOX3D_DEPTH};
            default -> new double[] {text + 2 * PAD_X, height};
        };
    }

    private static double baseline(double size) {
        LineMetrics m = DiagramFont.font(size, false).getLineMetrics("Xg", DiagramFont.CONTEXT);
        return (DiagramFont.lineHeight(size) - m.getAscent() - m.getDescent()) / 2 + m.getAscent();
    }

    /** The top-left corner of an element in drawing coordinates: ELK positions are relative to the parent. */
    private static Point origin(ElkNode element, double dx, double dy) {
        double x = dx;
        double y = dy;
        for (ElkNode n = element; n != null && n.getParent() != null; n = n.getParent()) {
            x += n.getX();
            y += n.getY();
        }
        return new Point(x, y);
    }

    private Box clusterBox(Cluster cluster, ElkNode element, double dx, double dy) {
        Point o = origin(element, dx, dy);
        String stroke = cluster.aux() ? Palette.AUX_INK : "#adb5bd";
        Text label = new Text(fitted(cluster.label(), element.getWidth() - 2 * CLUSTER_PAD), o.x() + CLUSTER_PAD,
                o.y() + 4 + baseline(CLUSTER_FONT), CLUSTER_FONT,
                false, cluster.aux() ? Palette.AUX_TEXT : Palette.INK, Anchor.START);
        return new Box("c-" + cluster.path(), "cluster", Shape.ROUNDED, o.x(), o.y(), element.getWidth(),
                element.getHeight(), Palette.clusterFill(levels.get(cluster.path())), stroke, 1, cluster.aux(),
                List.of(label), cluster.label());
    }

    /**
     * A cluster's title within its width: ELK sizes a compound node by its contents alone, so a title
     * wider than them first loses its kind, then ends in an ellipsis (the tooltip has it whole).
     */
    private static String fitted(String title, double width) {
        if (DiagramFont.width(title, CLUSTER_FONT, false) <= width) {
            return title;
        }
        String name = title.contains("  (") ? title.substring(0, title.indexOf("  (")) : title;
        for (int end = name.length(); end > 0; end--) {
            String candidate = end == name.length() ? name : name.substring(0, end) + "\u2026";
            if (DiagramFont.width(candidate, CLUSTER_FONT, false) <= width) {
                return candidate;
            }
        }
        return "";
    }

    private Box nodeBox(Node node, ElkNode element, double dx, double dy) {
        Point o = origin(element, dx, dy);
        Shape shape = shape(node);
        double w = element.getWidth();
        double h = element.getHeight();
        double textTop = o.y() + (shape == Shape.BOX3D ? Drawing.BOX3D_DEPTH : 0);
        double textCentre = o.x() + (shape == Shape.BOX3D ? (w - Drawing.BOX3D_DEPTH) / 2 : w / 2);
        List<String> lines = lines(node);
        double block = lines.size() * DiagramFont.lineHeight(NODE_FONT);
        double first = textTop + ((h - (shape == Shape.BOX3D ? Drawing.BOX3D_DEPTH : 0)) - block) / 2;
        String ink = palette.text(node).orElse(Palette.INK);
        List<Text> texts = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            texts.add(new Text(lines.get(i), textCentre, first + i * DiagramFont.lineHeight(NODE_FONT) + baseline(NODE_FONT),
                    NODE_FONT, node.kind() == NodeKind.OUTPUT, ink, Anchor.MIDDLE));
        }
        double stroke = node.kind() == NodeKind.OUTPUT ? 2 : node.kind() == NodeKind.MERGE ? 1.6 : 1;
        String tooltip = node.kind() == NodeKind.OUTPUT ? "output " + node.title() : node.id();
        return new Box("n-" + node.id(), "node", shape, o.x(), o.y(), w, h, palette.fill(node),
                node.aux() ? Palette.AUX_INK : Palette.INK, stroke, node.aux(), texts, tooltip);
    }

    private Arrow arrow(ElkEdge edge, double dx, double dy) {
        ElkNode container = edge.getContainingNode();
        Point o = container == root ? new Point(dx, dy) : origin(container, dx, dy);
        List<Point> points = new ArrayList<>();
        ElkEdgeSection section = edge.getSections().get(0);
        points.add(new Point(o.x() + section.getStartX(), o.y() + section.getStartY()));
        for (ElkBendPoint b : section.getBendPoints()) {
            points.add(new Point(o.x() + b.getX(), o.y() + b.getY()));
        }
        points.add(new Point(o.x() + section.getEndX(), o.y() + section.getEndY()));
        Optional<Text> label = edge.getLabels().stream().findFirst().map(l -> new Text(l.getText(),
                o.x() + l.getX() + 1, o.y() + l.getY() + baseline(EDGE_FONT), EDGE_FONT, false, "#495057", Anchor.START));
        Edge source = edgeElements.get(edge);
        return new Arrow(source.from(), source.to(), points, source.aux() ? Palette.AUX_INK : Palette.INK, source.aux(),
                label);
    }
}
