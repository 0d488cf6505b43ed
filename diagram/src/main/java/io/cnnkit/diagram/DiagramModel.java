package io.cnnkit.diagram;

import io.cnnkit.analyzer.Analysis;
import io.cnnkit.analyzer.LayerStats;
import io.cnnkit.analyzer.ScopeStats;
import io.cnnkit.analyzer.Totals;
import io.cnnkit.analyzer.report.Units;
import io.cnnkit.compiler.graph.Layer;
import io.cnnkit.compiler.graph.Output;
import io.cnnkit.compiler.graph.Scope;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What a diagram shows, independent of Graphviz: nodes (layers, collapsed scopes, outputs), the
 * clusters of expanded scopes that hold them, and the edges between visible nodes labelled with
 * the tensor shapes they carry.
 *
 * @param title the network's name
 */
public record DiagramModel(String title, List<Cluster> clusters, List<Node> nodes, List<Edge> edges) {

    /** An expanded module instance, repetition or group. {@code parent} is the enclosing cluster. */
    public record Cluster(String path, String label, Optional<String> parent, boolean aux) {
    }

    /**
     * A node. {@code id} is the layer name, the scope path of a collapsed scope, or
     * {@code out:NAME} for a network output; {@code cluster} is the innermost expanded scope.
     */
    public record Node(String id, NodeKind kind, String title, List<String> details, Optional<String> cluster,
                       boolean aux, Cost cost) {
        public Node {
            details = List.copyOf(details);
        }
    }

    /** What a node costs, for the heat map: MACs, trainable parameters, activation bytes, a gradient norm (0: none). */
    public record Cost(long macs, long params, long memory, double grad) {
        public static final Cost NONE = new Cost(0, 0, 0);

        public Cost(long macs, long params, long memory) {
            this(macs, params, memory, 0);
        }

        public double of(DiagramOptions.Heat heat) {
            return switch (heat) {
                case MACS -> macs;
                case PARAMS -> params;
                case MEMORY -> memory;
                case GRAD -> grad;
            };
        }
    }

    /**
     * The same diagram with gradient norms for the {@code GRAD} heat map: a layer's own from
     * {@code byLayer}, a collapsed module's the root of the summed squares of its layers'.
     */
    public DiagramModel withGradients(Map<String, Double> byLayer) {
        List<Node> graded = new ArrayList<>();
        for (Node n : nodes) {
            double squares = 0;
            for (Map.Entry<String, Double> e : byLayer.entrySet()) {
                if (e.getKey().equals(n.id()) || n.kind() == NodeKind.MODULE && e.getKey().startsWith(n.id() + ".")) {
                    squares += e.getValue() * e.getValue();
                }
            }
            Cost c = n.cost();
            graded.add(new Node(n.id(), n.kind(), n.title(), n.details(), n.cluster(), n.aux(),
                    new Cost(c.macs(), c.params(), c.memory(), Math.sqrt(squares))));
        }
        return new DiagramModel(title, clusters, graded, edges);
    }

    /** A data flow between two visible nodes; {@code label} is the tensor shape, or empty. */
    public record Edge(String from, String to, String label, boolean aux) {
    }

    public DiagramModel {
        clusters = List.copyOf(clusters);
        nodes = List.copyOf(nodes);
        edges = List.copyOf(edges);
    }

    /** The diagram of an analysed network. */
    public static DiagramModel of(Analysis analysis, DiagramOptions options) {
        Map<String, Cluster> clusters = new LinkedHashMap<>();
        Map<String, Node> nodes = new LinkedHashMap<>();
        Map<Integer, String> visible = new LinkedHashMap<>();
        for (LayerStats s : analysis.layers()) {
            Layer layer = s.layer();
            List<Scope> scopes = layer.scopes();
            int expanded = Math.min(options.depth(), scopes.size());
            for (int level = 0; level < expanded; level++) {
                Scope scope = scopes.get(level);
                Optional<String> parent = level == 0 ? Optional.empty() : Optional.of(scopes.get(level - 1).path());
                // nested clusters are titled by their own part of the path: the enclosing cluster shows the rest
                String own = level == 0 ? scope.path() : scope.path().substring(scopes.get(level - 1).path().length() + 1);
                String name = DIGITS.matcher(own).matches() && level > 0
                        ? scopes.get(level - 1).path().substring(scopes.get(level - 1).path().lastIndexOf('.') + 1) + "." + own
                        : own;
                clusters.putIfAbsent(scope.path(), new Cluster(scope.path(), name + "  (" + scope.kind() + ")",
                        parent, !s.inference()));
            }
            Optional<String> cluster = expanded == 0 ? Optional.empty() : Optional.of(scopes.get(expanded - 1).path());
            if (scopes.size() > options.depth()) {
                Scope scope = scopes.get(options.depth());
                nodes.computeIfAbsent(scope.path(), path -> collapsed(analysis, scope, cluster));
                visible.put(layer.id(), scope.path());
            } else {
                nodes.put(layer.name(), layerNode(s, cluster));
                visible.put(layer.id(), layer.name());
            }
        }
        Map<String, Edge> edges = new LinkedHashMap<>();
        for (LayerStats s : analysis.layers()) {
            String to = visible.get(s.layer().id());
            for (Layer input : analysis.graph().inputsOf(s.layer())) {
                String from = visible.get(input.id());
                if (!from.equals(to)) {
                    edges.putIfAbsent(from + "\n" + to, new Edge(from, to,
                            shapeLabel(analysis.stats(input), options), !s.inference()));
                }
            }
        }
        for (Output output : analysis.graph().outputs()) {
            String id = "out:" + output.name();
            nodes.put(id, new Node(id, NodeKind.OUTPUT, output.name() + (output.aux() ? " (auxiliary)" : ""),
                    List.of(), Optional.empty(), output.aux(), Cost.NONE));
            String from = visible.get(output.layer().id());
            edges.put(from + "\n" + id, new Edge(from, id, shapeLabel(analysis.stats(output.layer()), options),
                    output.aux()));
        }
        return new DiagramModel(analysis.graph().name(), new ArrayList<>(clusters.values()),
                new ArrayList<>(nodes.values()), new ArrayList<>(edges.values()));
    }

    /**
     * The depth to draw at when none is asked for: every layer while the diagram has at most
     * {@code maxNodes} nodes ({@link Integer#MAX_VALUE}), else the deepest depth that stays within it
     * (0 when even that is too many), so that deep networks stay legible at 100%.
     */
    public static int fittingDepth(Analysis analysis, DiagramOptions options, int maxNodes) {
        int deepest = fullDepth(analysis);
        for (int depth = deepest; depth > 0; depth--) {
            if (of(analysis, options.withDepth(depth)).nodes().size() <= maxNodes) {
                return depth == deepest ? Integer.MAX_VALUE : depth;
            }
        }
        return deepest == 0 ? Integer.MAX_VALUE : 0;
    }

    /** How deep scopes nest in the network: the depth at which every layer is drawn. */
    public static int fullDepth(Analysis analysis) {
        return analysis.layers().stream().mapToInt(s -> s.layer().scopes().size()).max().orElse(0);
    }

    private static String shapeLabel(LayerStats source, DiagramOptions options) {
        return options.shapes() ? Units.shape(source.outputShape()) : "";
    }

    private static Node layerNode(LayerStats s, Optional<String> cluster) {
        Layer layer = s.layer();
        String summary = OpSummary.of(layer.op());
        String title = isGeneratedName(layer) ? summary : layer.simpleName() + ": " + summary;
        return new Node(layer.name(), NodeKind.of(layer.op()), title, List.of(Units.shape(s.outputShape())), cluster,
                !s.inference(), new Cost(s.macs(), s.parameters(), s.activationBytes()));
    }

    private static Node collapsed(Analysis analysis, Scope scope, Optional<String> cluster) {
        Optional<ScopeStats> sub = analysis.scope(scope.path());
        Totals totals = sub.map(ScopeStats::totals).orElse(Totals.ZERO);
        LayerStats last = sub.map(st -> analysis.stats(st.last())).orElse(null);
        String shape = last == null ? "?" : Units.shape(last.outputShape());
        return new Node(scope.path(), NodeKind.MODULE, scope.path(),
                List.of(scope.kind() + " \u2192 " + shape,
                        Units.decimal(totals.parameters()) + " params, " + Units.decimal(totals.macs()) + " MACs"),
                cluster, last != null && !last.inference(),
                new Cost(totals.macs(), totals.parameters(), totals.activationBytes()));
    }

    private static final Pattern DIGITS = Pattern.compile("\\d+");

    /**
     * Names the compiler made up ({@code relu_2}, a group's {@code 0}), or that repeat the operator
     * ({@code maxpool}), say nothing the summary does not.
     */
    private static boolean isGeneratedName(Layer layer) {
        String simple = layer.simpleName();
        String prefix = layer.kind() + "_";
        return simple.equals(layer.kind()) || DIGITS.matcher(simple).matches()
                || simple.startsWith(prefix) && DIGITS.matcher(simple.substring(prefix.length())).matches();
    }
}
