package io.cnnkit.diagram;

import io.cnnkit.diagram.DiagramModel.Cluster;
import io.cnnkit.diagram.DiagramModel.Edge;
import io.cnnkit.diagram.DiagramModel.Node;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Writes a {@link DiagramModel} as Graphviz DOT, deterministically, so that the text can be
 * compared exactly and rendered by any Graphviz. Every node and cluster carries an {@code id}
 * ({@code n-LAYER}, {@code c-SCOPE}) that Graphviz copies into the SVG, so that the HTML report
 * can link nodes to table rows.
 */
public final class DotWriter {

    private static final String FONT = "Helvetica";
    private static final String INK = Palette.INK;
    private static final String AUX_INK = Palette.AUX_INK;
    private static final int MAX_INDENT = 32;

    private final DiagramModel model;
    private final DiagramOptions options;
    private final Palette palette;
    private final Optional<HeatScale> heat;
    private final StringBuilder out = new StringBuilder();

    private DotWriter(DiagramModel model, DiagramOptions options) {
        this.model = model;
        this.options = options;
        this.palette = new Palette(model, options);
        this.heat = palette.scale();
    }

    public static String write(DiagramModel model, DiagramOptions options) {
        return new DotWriter(model, options).write();
    }

    private String write() {
        out.append("digraph ").append(quote(model.title())).append(" {\n");
        out.append("  graph [rankdir=").append(options.rankDir()).append(", fontname=").append(quote(FONT))
                .append(", fontsize=12, nodesep=0.25, ranksep=0.3, labelloc=t, label=").append(graphLabel());
        out.append("];\n");
        out.append("  node [shape=box, style=\"rounded,filled\", fontname=").append(quote(FONT))
                .append(", fontsize=10, color=").append(quote(INK)).append(", margin=\"0.14,0.05\", height=0.3];\n");
        out.append("  edge [fontname=").append(quote(FONT)).append(", fontsize=8, color=").append(quote(INK))
                .append(", fontcolor=\"#495057\", arrowsize=0.6];\n");
        Map<Optional<String>, List<Node>> byCluster = new LinkedHashMap<>();
        for (Node node : model.nodes()) {
            byCluster.computeIfAbsent(node.cluster(), c -> new ArrayList<>()).add(node);
        }
        Map<Optional<String>, List<Cluster>> children = new LinkedHashMap<>();
        for (Cluster cluster : model.clusters()) {
            children.computeIfAbsent(cluster.parent(), p -> new ArrayList<>()).add(cluster);
        }
        writeContents(byCluster, children);
        for (Edge edge : model.edges()) {
            out.append("  ").append(quote(edge.from())).append(" -> ").append(quote(edge.to()));
            List<String> attributes = new ArrayList<>();
            if (!edge.label().isEmpty()) {
                attributes.add("label=" + quote(" " + edge.label()));
            }
            if (edge.aux()) {
                attributes.add("style=dashed");
                attributes.add("color=" + quote(AUX_INK));
            }
            if (!attributes.isEmpty()) {
                out.append(" [").append(String.join(", ", attributes)).append(']');
            }
            out.append(";\n");
        }
        return out.append("}\n").toString();
    }

    /** A cluster being written: its path (empty for the top level), nesting level and children left. */
    private record Frame(Optional<String> cluster, int level, Iterator<Cluster> children) {
    }

    /**
     * Writes clusters depth-first with an explicit stack: modules nested thousands deep must not
     * overflow the thread's stack. Indentation stops growing at {@link #MAX_INDENT} levels, so
     * that deep nesting does not make the text quadratic in size.
     */
    private void writeContents(Map<Optional<String>, List<Node>> byCluster, Map<Optional<String>, List<Cluster>> children) {
        Deque<Frame> stack = new ArrayDeque<>();
        stack.push(new Frame(Optional.empty(), 1, children.getOrDefault(Optional.empty(), List.of()).iterator()));
        while (!stack.isEmpty()) {
            Frame frame = stack.peek();
            String indent = indent(frame.level());
            if (frame.children().hasNext()) {
                Cluster child = frame.children().next();
                out.append(indent).append("subgraph ").append(quote("cluster_" + child.path())).append(" {\n");
                out.append(indent).append("  graph [id=").append(quote("c-" + child.path())).append(", label=")
                        .append(quote(child.label())).append(", labeljust=l, fontsize=10, style=")
                        .append(quote(child.aux() ? "rounded,filled,dashed" : "rounded,filled")).append(", fillcolor=")
                        .append(quote(Palette.clusterFill(frame.level()))).append(", color=")
                        .append(quote(child.aux() ? AUX_INK : "#adb5bd")).append("];\n");
                Optional<String> path = Optional.of(child.path());
                stack.push(new Frame(path, frame.level() + 1, children.getOrDefault(path, List.of()).iterator()));
                continue;
            }
            for (Node node : byCluster.getOrDefault(frame.cluster(), List.of())) {
                out.append(indent).append(quote(node.id())).append(" [").append(String.join(", ", attributes(node)))
                        .append("];\n");
            }
            stack.pop();
            if (frame.cluster().isPresent()) {
                out.append(indent(frame.level() - 1)).append("}\n");
            }
        }
    }

    private static String indent(int level) {
        return "  ".repeat(Math.min(level, MAX_INDENT));
    }

    private List<String> attributes(Node node) {
        List<String> a = new ArrayList<>();
        a.add("id=" + quote("n-" + node.id()));
        List<String> lines = new ArrayList<>();
        lines.add(node.title());
        lines.addAll(node.details());
        a.add("label=" + quote(lines));
        a.add("tooltip=" + quote(node.kind() == NodeKind.OUTPUT ? "output " + node.title() : node.id()));
        switch (node.kind()) {
            case MERGE -> {
                a.add("shape=oval");
                a.add("penwidth=1.6");
            }
            case MODULE -> a.add("shape=box3d");
            case OUTPUT -> a.add("shape=oval");
            default -> { }
        }
        List<String> style = new ArrayList<>(List.of(node.kind() == NodeKind.OUTPUT ? "bold"
                : node.kind() == NodeKind.MERGE || node.kind() == NodeKind.MODULE ? "filled" : "rounded,filled"));
        if (node.aux()) {
            style.add("dashed");
        }
        if (!style.equals(List.of("rounded,filled"))) {
            a.add("style=" + quote(String.join(",", style)));
        }
        if (node.kind() != NodeKind.OUTPUT) {
            a.add("fillcolor=" + quote(palette.fill(node)));
        }
        palette.text(node).filter(c -> heat.isPresent()).ifPresent(c -> a.add("fontcolor=" + quote(c)));
        if (node.aux()) {
            a.add("color=" + quote(AUX_INK));
            palette.text(node).filter(c -> heat.isEmpty()).ifPresent(c -> a.add("fontcolor=" + quote(c)));
        }
        return a;
    }

    /** The network's name, or with a heat map an HTML table: the cost's name over the colour scale. */
    private String graphLabel() {
        if (heat.isEmpty()) {
            return quote(model.title());
        }
        DiagramOptions.Heat h = options.heat().orElseThrow();
        List<String> bounds = heat.get().lowerBounds();
        StringBuilder label = new StringBuilder("<<table border=\"0\" cellborder=\"1\" cellspacing=\"0\" cellpadding=\"4\">");
        label.append("<tr><td colspan=\"").append(Math.max(1, bounds.size())).append("\" border=\"0\"><b>")
                .append(html(model.title())).append("</b>:&#160;").append(html(h.title()))
                .append(bounds.isEmpty() ? " (all zero)" : " per node, logarithmic colour scale, from").append("</td></tr>");
        if (!bounds.isEmpty()) {
            label.append("<tr>");
            for (int b = 0; b < bounds.size(); b++) {
                label.append("<td bgcolor=\"").append(HeatScale.COLOURS.get(b)).append('"')
                        .append(HeatScale.isDark(b) ? "><font color=\"#ffffff\">" : ">").append(html(bounds.get(b)))
                        .append(HeatScale.isDark(b) ? "</font>" : "").append("</td>");
            }
            label.append("</tr>");
        }
        return label.append("</table>>").toString();
    }

    private static String html(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    /** A DOT string of several lines, each centred. */
    private static String quote(List<String> lines) {
        return '"' + String.join("\\n", lines.stream().map(DotWriter::escape).toList()) + '"';
    }

    static String quote(String text) {
        return '"' + escape(text) + '"';
    }

    private static String escape(String text) {
        return text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
