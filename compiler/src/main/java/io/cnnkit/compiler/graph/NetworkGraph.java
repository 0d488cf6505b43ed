package io.cnnkit.compiler.graph;

import io.cnnkit.compiler.SourceLocation;
import io.cnnkit.compiler.op.Op;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.io.StringWriter;
import java.util.LinkedHashMap;
import org.jgrapht.graph.DirectedAcyclicGraph;
import org.jgrapht.nio.Attribute;
import org.jgrapht.nio.DefaultAttribute;
import org.jgrapht.nio.dot.DOTExporter;
import org.jgrapht.traverse.TopologicalOrderIterator;

/**
 * The elaborated network: a directed acyclic graph of {@link Layer}s. Inputs of a layer keep the
 * order in which they were written ({@code concat(b1, b2)}); {@link #layers()} is a topological
 * order in which declaration order breaks ties, so it is the same on every run.
 *
 * <p>JGraphT is an implementation detail of this class; nothing outside sees its types.
 */
public final class NetworkGraph {
    private final String name;
    private final List<Layer> layers;          // topological order
    private final List<Layer> byId;
    private final List<List<Layer>> predecessors; // by id, in input order
    private final List<List<Layer>> successors;   // by id, in id order
    private final Map<String, Layer> byName;
    private final List<Layer> inputs;
    private final List<Output> outputs;
    private final Map<Integer, List<ValueRef>> inputRefs;
    private final java.util.Set<Integer> valueEnds;
    private final DirectedAcyclicGraph<Integer, Edge> dag;

    private NetworkGraph(String name, List<Layer> byId, List<List<Integer>> inputIds, List<Output> outputs,
                         Map<Integer, List<ValueRef>> inputRefs, java.util.Set<Integer> valueEnds) {
        this.name = name;
        this.inputRefs = Map.copyOf(inputRefs);
        this.valueEnds = java.util.Set.copyOf(valueEnds);
        this.byId = List.copyOf(byId);
        DirectedAcyclicGraph<Integer, Edge> dag = new DirectedAcyclicGraph<>(null, null, false, true);
        for (Layer layer : byId) {
            dag.addVertex(layer.id());
        }
        List<List<Layer>> preds = new ArrayList<>(byId.size());
        List<List<Layer>> succs = new ArrayList<>(byId.size());
        for (int i = 0; i < byId.size(); i++) {
            succs.add(new ArrayList<>());
        }
        for (Layer layer : byId) {
            List<Layer> in = new ArrayList<>();
            List<Integer> ids = inputIds.get(layer.id());
            for (int slot = 0; slot < ids.size(); slot++) {
                int from = ids.get(slot);
                // Throws IllegalArgumentException on a cycle; the elaborator can never build one.
                dag.addEdge(from, layer.id(), new Edge(slot));
                in.add(byId.get(from));
                succs.get(from).add(layer);
            }
            preds.add(List.copyOf(in));
        }
        this.predecessors = List.copyOf(preds);
        List<List<Layer>> frozen = new ArrayList<>(succs.size());
        for (List<Layer> s : succs) {
            frozen.add(List.copyOf(new java.util.LinkedHashSet<>(s)));
        }
        this.successors = List.copyOf(frozen);
        List<Layer> order = new ArrayList<>(byId.size());
        Iterator<Integer> it = new TopologicalOrderIterator<>(dag, Integer::compare);
        while (it.hasNext()) {
            order.add(byId.get(it.next()));
        }
        this.layers = Collections.unmodifiableList(order);
        Map<String, Layer> names = new HashMap<>();
        List<Layer> ins = new ArrayList<>();
        for (Layer layer : byId) {
            if (names.put(layer.name(), layer) != null) {
                throw new IllegalArgumentException("duplicate layer name " + layer.name());
            }
            if (layer.op() instanceof Op.Input) {
                ins.add(layer);
            }
        }
        this.byName = Map.copyOf(names);
        this.inputs = List.copyOf(ins);
        this.outputs = List.copyOf(outputs);
        this.dag = dag;
    }

    /** The graph in Graphviz DOT: one node per layer (name, operator, arguments), edges in input order. */
    public String toDot() {
        DOTExporter<Integer, Edge> exporter = new DOTExporter<>(id -> "n" + id);
        exporter.setGraphIdProvider(() -> "\"" + name.replace("\"", "\\\"") + "\"");
        exporter.setVertexAttributeProvider(id -> {
            Layer layer = byId.get(id);
            Map<String, Attribute> attributes = new LinkedHashMap<>();
            attributes.put("label", DefaultAttribute.createAttribute(layer.name() + "\n" + layer.op()));
            attributes.put("shape", DefaultAttribute.createAttribute("box"));
            return attributes;
        });
        // Number the inputs only where order matters: layers with several inputs.
        exporter.setEdgeAttributeProvider(edge -> predecessors.get(dag.getEdgeTarget(edge)).size() < 2 ? Map.of()
                : Map.of("label", DefaultAttribute.createAttribute(Integer.toString(edge.slot))));
        StringWriter out = new StringWriter();
        exporter.exportGraph(dag, out);
        return out.toString();
    }

    /** Marks an edge with the input slot it feeds; distinct objects so parallel edges are allowed. */
    private static final class Edge {
        final int slot;

        Edge(int slot) {
            this.slot = slot;
        }
    }

    public String name() {
        return name;
    }

    /** All layers in a deterministic topological order. */
    public List<Layer> layers() {
        return layers;
    }

    public int size() {
        return byId.size();
    }

    /** The layer with this dense id (ids follow declaration order). */
    public Layer layer(int id) {
        return byId.get(id);
    }

    public Optional<Layer> layer(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /** The layers feeding {@code layer}, in the order its inputs were written. */
    public List<Layer> inputsOf(Layer layer) {
        return predecessors.get(layer.id());
    }

    /**
     * How the inputs of a merge were written, one per input in order ({@code add(a, b)} gives
     * {@code a} and {@code b} with their definitions); empty for other layers and built graphs.
     */
    public List<ValueRef> inputRefsOf(Layer layer) {
        return inputRefs.getOrDefault(layer.id(), List.of());
    }

    /** True when a named value of the source ends at {@code layer} (its compiler warns if it is unused). */
    public boolean endsValue(Layer layer) {
        return valueEnds.contains(layer.id());
    }

    /** The distinct layers consuming {@code layer}'s output, in declaration order. */
    public List<Layer> consumersOf(Layer layer) {
        return successors.get(layer.id());
    }

    public List<Layer> inputs() {
        return inputs;
    }

    /** Declared outputs, auxiliary ones included, in declaration order. */
    public List<Output> outputs() {
        return outputs;
    }

    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** Builds a graph layer by layer; each layer may only consume layers added before it. */
    public static final class Builder {
        private final String name;
        private final List<Layer> layers = new ArrayList<>();
        private final List<List<Integer>> inputs = new ArrayList<>();
        private final List<Output> outputs = new ArrayList<>();
        private final Map<Integer, List<ValueRef>> inputRefs = new HashMap<>();
        private final java.util.Set<Integer> valueEnds = new java.util.HashSet<>();

        private Builder(String name) {
            this.name = name;
        }

        public Layer add(String layerName, Op op, List<Layer> from, List<Scope> scopes,
                         SourceLocation site, SourceLocation definition, Optional<Shape> assertedShape) {
            Layer layer = new Layer(layers.size(), layerName, op, scopes, site, definition, assertedShape);
            List<Integer> ids = new ArrayList<>(from.size());
            for (Layer f : from) {
                if (f.id() >= layers.size() || !layers.get(f.id()).name().equals(f.name())) {
                    throw new IllegalArgumentException(layerName + " consumes a layer of another graph");
                }
                ids.add(f.id());
            }
            layers.add(layer);
            inputs.add(List.copyOf(ids));
            return layer;
        }

        /** Records how the inputs of {@code layer} (a merge) were written, one per input. */
        public void inputRefs(Layer layer, List<ValueRef> refs) {
            if (refs.size() != inputs.get(layer.id()).size()) {
                throw new IllegalArgumentException(layer.name() + " has " + inputs.get(layer.id()).size()
                        + " inputs, not " + refs.size());
            }
            inputRefs.put(layer.id(), List.copyOf(refs));
        }

        /** Marks {@code layer} as the end of a named value. */
        public void valueEnd(Layer layer) {
            valueEnds.add(layer.id());
        }

        /** Shorthand for programmatic graphs: no scopes, no source, no assertion. */
        public Layer add(String layerName, Op op, Layer... from) {
            return add(layerName, op, List.of(from), List.of(), SourceLocation.NONE, SourceLocation.NONE,
                    Optional.empty());
        }

        /** Records an inline shape assertion on an already added layer. */
        public Layer assertShape(Layer layer, Shape expected) {
            Layer current = layers.get(layer.id());
            Layer asserted = new Layer(current.id(), current.name(), current.op(), current.scopes(), current.site(),
                    current.definition(), Optional.of(expected));
            layers.set(layer.id(), asserted);
            return asserted;
        }

        public Builder output(String outputName, Layer layer, boolean aux, SourceLocation site) {
            outputs.add(new Output(outputName, layer, aux, site));  // re-pointed to the final record in build()
            return this;
        }

        public Builder output(String outputName, Layer layer) {
            return output(outputName, layer, false, SourceLocation.NONE);
        }

        public int size() {
            return layers.size();
        }

        public NetworkGraph build() {
            List<Output> resolved = new ArrayList<>(outputs.size());
            for (Output o : outputs) {
                resolved.add(new Output(o.name(), layers.get(o.layer().id()), o.aux(), o.site()));
            }
            return new NetworkGraph(name, layers, inputs, resolved, inputRefs, valueEnds);
        }
    }
}
