package io.cnnkit.analyzer.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cnnkit.analyzer.Analysis;
import io.cnnkit.analyzer.LayerStats;
import io.cnnkit.analyzer.MemoryPlan;
import io.cnnkit.analyzer.ParamSpec;
import io.cnnkit.analyzer.ReceptiveField;
import io.cnnkit.analyzer.ScopeStats;
import io.cnnkit.analyzer.Totals;
import io.cnnkit.compiler.graph.Layer;
import io.cnnkit.compiler.graph.Output;
import io.cnnkit.compiler.graph.Scope;
import java.io.UncheckedIOException;
import java.util.List;

/** The whole analysis as JSON; the schema is documented in {@code docs/report-schema.md}. */
public final class JsonReport {
    /** Bumped on any change that could break a reader; adding fields does not bump it. */
    public static final int SCHEMA_VERSION = 1;

    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private JsonReport() {
    }

    public static String render(Analysis analysis) {
        return write(toTree(analysis));
    }

    static ObjectNode newObject() {
        return MAPPER.createObjectNode();
    }

    /** Indented JSON text with a final newline. */
    static String write(ObjectNode tree) {
        try {
            return MAPPER.writeValueAsString(tree) + "\n";
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static ObjectNode toTree(Analysis analysis) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("schemaVersion", SCHEMA_VERSION);
        root.put("network", analysis.graph().name());
        root.put("batch", analysis.batch());
        ObjectNode convention = root.putObject("convention");
        convention.put("flopsPerMac", 2);
        convention.put("bytesPerElement", Analysis.BYTES_PER_ELEMENT);
        convention.put("text", Units.CONVENTION);
        ArrayNode inputs = root.putArray("inputs");
        analysis.graph().inputs().forEach(l -> inputs.add(l.name()));
        ArrayNode outputs = root.putArray("outputs");
        for (Output o : analysis.graph().outputs()) {
            outputs.addObject().put("name", o.name()).put("layer", o.layer().name()).put("aux", o.aux());
        }
        ArrayNode layers = root.putArray("layers");
        for (LayerStats s : analysis.layers()) {
            layer(layers.addObject(), analysis, s);
        }
        ArrayNode scopes = root.putArray("scopes");
        for (ScopeStats s : analysis.scopes()) {
            ObjectNode node = scopes.addObject();
            node.put("path", s.scope().path()).put("kind", s.scope().kind()).put("level", s.level())
                    .put("lastLayer", s.last().name());
            totals(node, s.totals());
        }
        ObjectNode totals = root.putObject("totals");
        totals(totals.putObject("inference"), analysis.inferenceTotals());
        totals(totals.putObject("training"), analysis.trainingTotals());
        MemoryPlan plan = analysis.memoryPlan();
        root.putObject("memory").put("arenaElements", plan.arenaElements()).put("arenaBytes", plan.arenaBytes())
                .put("peakLiveElements", plan.peakLiveElements());
        ArrayNode diagnostics = root.putArray("diagnostics");
        DiagnosticJson.addAll(diagnostics, analysis.diagnostics());
        return root;
    }

    private static void layer(ObjectNode node, Analysis analysis, LayerStats s) {
        Layer layer = s.layer();
        node.put("name", layer.name()).put("type", layer.kind());
        ArrayNode scopes = node.putArray("scopes");
        layer.scopes().stream().map(Scope::path).forEach(scopes::add);
        ArrayNode inputs = node.putArray("inputs");
        analysis.graph().inputsOf(layer).forEach(l -> inputs.add(l.name()));
        ArrayNode inputShapes = node.putArray("inputShapes");
        s.inputShapes().forEach(shape -> dims(inputShapes.addArray(), shape.dims()));
        node.put("analysed", s.analysed()).put("inference", s.inference());
        if (s.analysed()) {
            dims(node.putArray("outputShape"), s.outputShape().dims());
        } else {
            node.putNull("outputShape");
        }
        ArrayNode params = node.putArray("params");
        for (ParamSpec p : s.params()) {
            ObjectNode param = params.addObject().put("name", p.name());
            dims(param.putArray("shape"), p.shape());
            param.put("trainable", p.trainable());
        }
        node.put("parameters", s.parameters()).put("buffers", s.buffers()).put("macs", s.macs())
                .put("flops", s.flops()).put("activationBytes", s.activationBytes());
        ReceptiveField rf = s.receptiveField();
        if (rf == null) {
            node.putNull("receptiveField");
        } else {
            ObjectNode field = node.putObject("receptiveField").put("global", rf.global());
            if (!rf.global()) {
                field.putArray("size").add(rf.sizeH()).add(rf.sizeW());
                field.putArray("stride").add(rf.strideH()).add(rf.strideW());
                field.putArray("offset").add(rf.offsetH()).add(rf.offsetW());
            }
        }
        MemoryPlan plan = analysis.memoryPlan();
        if (plan.elements(layer) > 0) {
            node.putObject("memory").put("offset", plan.offset(layer)).put("elements", plan.elements(layer))
                    .put("buffer", plan.bufferOwner(layer).name())
                    .put("aliasOf", plan.aliasOf(layer).map(Layer::name).orElse(null))
                    .put("firstStep", plan.firstStep(layer)).put("lastStep", plan.lastStep(layer));
        } else {
            node.putNull("memory");
        }
    }

    static void totals(ObjectNode node, Totals t) {
        node.put("layers", t.layers()).put("parameters", t.parameters()).put("buffers", t.buffers())
                .put("parameterBytes", t.parameterBytes()).put("macs", t.macs()).put("flops", t.flops())
                .put("activationBytes", t.activationBytes());
    }

    static void dims(ArrayNode array, List<Long> dims) {
        dims.forEach(array::add);
    }
}
