package io.cnnkit.analyzer;

import io.cnnkit.compiler.Diagnostic;
import io.cnnkit.compiler.graph.Layer;
import io.cnnkit.compiler.graph.NetworkGraph;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The result of {@link Analyzer#analyze}: per-layer figures, totals, per-scope subtotals, the
 * memory plan and every diagnostic. Immutable.
 */
public final class Analysis {
    /** float32 */
    public static final int BYTES_PER_ELEMENT = 4;

    private final NetworkGraph graph;
    private final int batch;
    private final List<Diagnostic> diagnostics;
    private final List<LayerStats> layers;
    private final LayerStats[] byId;
    private final MemoryPlan memoryPlan;
    private final Totals inferenceTotals;
    private final Totals trainingTotals;
    private final Map<String, ScopeStats> scopes;

    Analysis(NetworkGraph graph, int batch, List<Diagnostic> diagnostics, LayerStats[] byId, MemoryPlan memoryPlan,
             Totals inferenceTotals, Totals trainingTotals, Map<String, ScopeStats> scopes) {
        this.graph = graph;
        this.batch = batch;
        this.diagnostics = List.copyOf(diagnostics);
        this.byId = byId.clone();
        this.layers = graph.layers().stream().map(l -> byId[l.id()]).toList();
        this.memoryPlan = memoryPlan;
        this.inferenceTotals = inferenceTotals;
        this.trainingTotals = trainingTotals;
        this.scopes = Collections.unmodifiableMap(new LinkedHashMap<>(scopes));
    }

    public NetworkGraph graph() {
        return graph;
    }

    public int batch() {
        return batch;
    }

    /** Errors and warnings, in schedule order of the layers they concern. */
    public List<Diagnostic> diagnostics() {
        return diagnostics;
    }

    public boolean hasErrors() {
        return diagnostics.stream().anyMatch(Diagnostic::isError);
    }

    /** One entry per layer, in schedule order ({@code graph.layers()}). */
    public List<LayerStats> layers() {
        return layers;
    }

    public LayerStats stats(Layer layer) {
        return byId[layer.id()];
    }

    /** The stats of the layer with this name. */
    public Optional<LayerStats> stats(String layerName) {
        return graph.layer(layerName).map(this::stats);
    }

    public MemoryPlan memoryPlan() {
        return memoryPlan;
    }

    /** Layers that feed a main output: what runs at inference; auxiliary heads excluded. */
    public Totals inferenceTotals() {
        return inferenceTotals;
    }

    /** Layers that feed any output, auxiliary heads included. */
    public Totals trainingTotals() {
        return trainingTotals;
    }

    /** Whether some layers feed only auxiliary outputs. */
    public boolean hasAuxiliaryLayers() {
        return trainingTotals.layers() > inferenceTotals.layers();
    }

    /** Subtotals per scope (module instance, repetition copy, group), in order of first layer. */
    public List<ScopeStats> scopes() {
        return List.copyOf(scopes.values());
    }

    public Optional<ScopeStats> scope(String path) {
        return Optional.ofNullable(scopes.get(path));
    }

    /** Peak activation memory: the arena of the memory plan, in bytes. */
    public long peakActivationBytes() {
        return memoryPlan.arenaBytes();
    }
}
