package io.cnnkit.analyzer;

import io.cnnkit.compiler.Diagnostic;
import io.cnnkit.compiler.Severity;
import io.cnnkit.compiler.SourceLocation;
import io.cnnkit.compiler.graph.Layer;
import io.cnnkit.compiler.graph.NetworkGraph;
import io.cnnkit.compiler.graph.Output;
import io.cnnkit.compiler.graph.Scope;
import io.cnnkit.compiler.graph.Shape;
import io.cnnkit.compiler.graph.ValueRef;
import io.cnnkit.compiler.op.Op;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Walks a {@link NetworkGraph} in schedule order and applies each layer's {@link OpRule}. An error
 * in a layer is reported at the layer's call site and the layer's consumers are skipped silently,
 * so that one mistake gives one error.
 */
public final class Analyzer {

    /** The largest tensor, in elements for the whole batch, that the analyzer accepts: 2^40. */
    public static final long MAX_TENSOR_ELEMENTS = 1L << 40;
    /**
     * The largest tensor, in elements, that run, export and training can hold: one Java array
     * ({@code Tensor.MAX_ELEMENTS} in the exec module). Larger ones are analysed with a warning.
     */
    public static final long MAX_RUNNABLE_ELEMENTS = Integer.MAX_VALUE - 8;

    private Analyzer() {
    }

    public static Analysis analyze(NetworkGraph graph, int batch) {
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be at least 1, got " + batch);
        }
        boolean[] inference = reachingOutputs(graph, o -> !o.aux());
        boolean[] used = reachingOutputs(graph, o -> true);
        LayerStats[] stats = new LayerStats[graph.size()];
        boolean[] failed = new boolean[graph.size()];
        List<Diagnostic> diagnostics = new ArrayList<>();
        Diagnostic unrunnable = null;
        for (Layer layer : graph.layers()) {
            List<Shape> in = new ArrayList<>();
            List<ReceptiveField> fields = new ArrayList<>();
            boolean upstreamFailed = false;
            for (Layer from : graph.inputsOf(layer)) {
                upstreamFailed |= failed[from.id()];
                if (!failed[from.id()]) {
                    in.add(stats[from.id()].outputShape());
                    fields.add(stats[from.id()].receptiveField());
                }
            }
            if (upstreamFailed) {
                failed[layer.id()] = true;
                stats[layer.id()] = LayerStats.unanalysed(layer, in, inference[layer.id()]);
                continue;
            }
            Findings findings = new Findings();
            try {
                stats[layer.id()] = analyzeLayer(OpRules.ruleFor(layer.op()), layer, in, fields, batch,
                        inference[layer.id()], findings);
                checkAssertion(layer, stats[layer.id()].outputShape());
            } catch (InvalidLayerException e) {
                failed[layer.id()] = true;
                diagnostics.add(invalid(graph, layer, in, e));
            } catch (ArithmeticException e) {
                failed[layer.id()] = true;
                diagnostics.add(Diagnostic.error("size-overflow", layer.site(), layer.kind() + " '" + layer.name()
                        + "': its sizes overflow 64-bit arithmetic (" + (in.isEmpty() ? "" : "inputs " + in + ", ")
                        + "batch " + batch + "); expected smaller dimensions"));
            }
            if (stats[layer.id()] == null) {
                stats[layer.id()] = LayerStats.unanalysed(layer, in, inference[layer.id()]);
            } else if (unrunnable == null) {
                unrunnable = unrunnable(stats[layer.id()], batch);
            }
            for (Findings.Warning w : findings.warnings()) {
                diagnostics.add(Diagnostic.warning(w.code(), layer.site(), w.message()));
            }
            // a value's last layer is left to the compiler, which names the unused value itself
            if (!used[layer.id()] && graph.consumersOf(layer).isEmpty() && !graph.endsValue(layer)) {
                diagnostics.add(Diagnostic.warning("unused-layer", layer.site(),
                        "layer '" + layer.name() + "' reaches no output"));
            }
        }
        long[] elements = new long[graph.size()];
        for (LayerStats s : stats) {
            if (s.analysed()) {
                elements[s.layer().id()] = s.activationBytes() / Analysis.BYTES_PER_ELEMENT;
            }
        }
        try {
            MemoryPlan plan = MemoryPlan.plan(graph, elements);
            Summary summary = summarize(graph, stats, inference, used);
            // what the reports derive from the sums must fit as well
            plan.arenaBytes();
            summary.inference().parameterBytes();
            summary.training().parameterBytes();
            summary.scopes().values().forEach(scope -> scope.totals().parameterBytes());
            // one warning says why the network cannot run; a network with errors cannot anyway
            if (unrunnable != null && diagnostics.stream().noneMatch(Diagnostic::isError)) {
                diagnostics.add(unrunnable);
            }
            return new Analysis(graph, batch, diagnostics, stats, plan, summary.inference(), summary.training(),
                    summary.scopes());
        } catch (ArithmeticException e) {
            SourceLocation site = graph.outputs().isEmpty() ? SourceLocation.NONE : graph.outputs().get(0).site();
            diagnostics.add(Diagnostic.error("size-overflow", site, "the network's totals overflow 64-bit"
                    + " arithmetic at batch " + batch));
            return new Analysis(graph, batch, diagnostics, stats, MemoryPlan.plan(graph, new long[graph.size()]),
                    Totals.ZERO, Totals.ZERO, Map.of());
        }
    }

    private record Summary(Totals inference, Totals training, Map<String, ScopeStats> scopes) {
    }

    /** Inference and training totals and per-scope subtotals over the analysed layers. */
    private static Summary summarize(NetworkGraph graph, LayerStats[] stats, boolean[] inference, boolean[] used) {
        Totals inferenceTotals = Totals.ZERO;
        Totals trainingTotals = Totals.ZERO;
        Map<String, ScopeStats> scopes = new LinkedHashMap<>();
        for (Layer layer : graph.layers()) {
            LayerStats s = stats[layer.id()];
            if (!s.analysed()) {
                continue;
            }
            if (inference[layer.id()]) {
                inferenceTotals = inferenceTotals.plus(s);
            }
            if (used[layer.id()]) {
                trainingTotals = trainingTotals.plus(s);
            }
            List<Scope> path = layer.scopes();
            for (int level = 0; level < path.size(); level++) {
                Scope scope = path.get(level);
                ScopeStats before = scopes.get(scope.path());
                Totals sum = (before == null ? Totals.ZERO : before.totals()).plus(s);
                scopes.put(scope.path(), new ScopeStats(scope, level + 1, sum, layer));
            }
        }
        return new Summary(inferenceTotals, trainingTotals, scopes);
    }

    private static <O extends Op> LayerStats analyzeLayer(OpRule<O> rule, Layer layer, List<Shape> in,
                                                          List<ReceptiveField> fields, int batch, boolean inference,
                                                          Findings findings) throws InvalidLayerException {
        Shape out = ShapeInference.outputShape(rule, layer.op(), in, findings);
        O op = rule.opType().cast(layer.op());
        checkSize(layer, out, batch);
        long elements = Math.multiplyExact(out.elements(), (long) batch);
        return new LayerStats(layer, in, out, rule.params(op, in, out),
                Math.multiplyExact(rule.macs(op, in, out), (long) batch),
                Math.multiplyExact(rule.flops(op, in, out), (long) batch),
                rule.receptiveField(op, in, fields, findings),
                Math.multiplyExact(elements, (long) Analysis.BYTES_PER_ELEMENT), inference);
    }

    private static void checkSize(Layer layer, Shape out, int batch) throws InvalidLayerException {
        if (out.dims().stream().anyMatch(d -> d <= 0)) {
            throw new InvalidLayerException("empty-output", layer.kind() + " output " + out
                    + " has a dimension below 1");
        }
        long elements = Math.multiplyExact(out.elements(), (long) batch);
        if (elements > MAX_TENSOR_ELEMENTS) {
            throw new InvalidLayerException("tensor-too-large", layer.kind() + " output " + out + " has "
                    + elements + " elements at batch " + batch + ", more than the bound of 2^40 = "
                    + MAX_TENSOR_ELEMENTS);
        }
    }

    /**
     * The warning for the first tensor of {@code s} that one Java array cannot hold, or null: the
     * analysis stands, but run and export refuse it.
     */
    private static Diagnostic unrunnable(LayerStats s, int batch) {
        String bound = String.format(Locale.ROOT, ", more than the %,d one tensor can hold;"
                + " it is analysed, but run and export refuse it", MAX_RUNNABLE_ELEMENTS);
        Layer layer = s.layer();
        long elements = s.activationBytes() / Analysis.BYTES_PER_ELEMENT;
        if (elements > MAX_RUNNABLE_ELEMENTS) {
            return Diagnostic.warning("too-large-to-run", layer.site(), String.format(Locale.ROOT, "%s '%s': its"
                    + " output %s has %,d elements at batch %d", layer.kind(), layer.name(), s.outputShape(), elements,
                    batch) + bound);
        }
        for (ParamSpec p : s.params()) {
            if (p.elements() > MAX_RUNNABLE_ELEMENTS) {
                return Diagnostic.warning("too-large-to-run", layer.site(), String.format(Locale.ROOT,
                        "%s.%s %s has %,d elements", layer.name(), p.name(), p.shape(), p.elements()) + bound);
            }
        }
        return null;
    }

    private static void checkAssertion(Layer layer, Shape out) throws InvalidLayerException {
        if (layer.assertedShape().isPresent() && !layer.assertedShape().get().equals(out)) {
            throw new InvalidLayerException("shape-assertion", layer.kind() + " output is " + out
                    + " but the assertion says " + layer.assertedShape().get());
        }
    }

    /**
     * The error for a layer its rule refused, at the layer's call site. The inputs that disagree are
     * named as written ({@code 'b1' is 64x28x28}), or by position in built graphs, each with a note
     * at its definition; a layer written inside a module gets a note there too.
     */
    private static Diagnostic invalid(NetworkGraph graph, Layer layer, List<Shape> in, InvalidLayerException e) {
        List<ValueRef> refs = graph.inputRefsOf(layer);
        StringBuilder message = new StringBuilder(e.getMessage());
        List<Diagnostic.Related> related = new ArrayList<>();
        String separator = ": ";
        for (int slot : e.inputs()) {
            String name = refs.isEmpty() ? "input " + (slot + 1) : "'" + refs.get(slot).name() + "'";
            message.append(separator).append(name).append(" is ").append(in.get(slot));
            separator = ", ";
            if (!refs.isEmpty()) {
                related.add(new Diagnostic.Related(refs.get(slot).definition(), name + " is "
                        + (refs.get(slot).name().equals("in") ? "the module's input here" : "defined here")
                        + ", " + in.get(slot)));
            }
        }
        if (!layer.definition().equals(layer.site()) && layer.definition().line() > 0) {
            related.add(new Diagnostic.Related(layer.definition(), "the " + layer.kind() + " is written here, in "
                    + layer.scopes().stream().filter(Scope::isModule).reduce((a, b) -> b)
                    .map(s -> "module '" + s.kind() + "'").orElse("a module")));
        }
        List<Diagnostic.Fix> fixes = new ArrayList<>();
        if (e.code().equals("dense-needs-vector") && layer.definition().line() > 0) {
            fixes.add(new Diagnostic.Fix("insert 'flatten ->' before the dense layer", layer.definition().start(),
                    "flatten -> "));
        }
        return new Diagnostic(Severity.ERROR, e.code(), layer.site(), message.toString(), related, fixes);
    }

    /** Marks every layer from which one of the selected outputs can be reached. */
    private static boolean[] reachingOutputs(NetworkGraph graph, Predicate<Output> selected) {
        boolean[] reaches = new boolean[graph.size()];
        for (Output o : graph.outputs()) {
            if (selected.test(o)) {
                reaches[o.layer().id()] = true;
            }
        }
        List<Layer> order = graph.layers();
        for (int i = order.size() - 1; i >= 0; i--) {
            Layer layer = order.get(i);
            for (Layer consumer : graph.consumersOf(layer)) {
                reaches[layer.id()] |= reaches[consumer.id()];
            }
        }
        return reaches;
    }
}
