package io.cnnkit.analyzer.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import io.cnnkit.analyzer.Analysis;
import io.cnnkit.analyzer.Analyzer;
import io.cnnkit.analyzer.Nets;
import io.cnnkit.compiler.graph.Layer;
import io.cnnkit.compiler.graph.NetworkGraph;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReportsTest {
    private static final Analysis VGG = Analyzer.analyze(Nets.vgg16(), 1);
    private static final Analysis LENET = Analyzer.analyze(Nets.lenet5(), 1);
    private static final Analysis RESIDUAL = Analyzer.analyze(Nets.residualWithAux(), 2);

    @Test
    void jsonRoundTrip() throws Exception {
        JsonNode root = new ObjectMapper().readTree(JsonReport.render(VGG));
        assertEquals(1, root.get("schemaVersion").asInt());
        assertEquals("VGG16", root.get("network").asText());
        assertEquals(1, root.get("batch").asInt());
        assertEquals(2, root.at("/convention/flopsPerMac").asInt());
        assertEquals(VGG.graph().size(), root.get("layers").size());
        assertEquals(138_357_544L, root.at("/totals/inference/parameters").asLong());
        assertEquals(15_470_264_320L, root.at("/totals/inference/macs").asLong());
        assertEquals(VGG.peakActivationBytes(), root.at("/memory/arenaBytes").asLong());
        JsonNode pool5 = layer(root, "pool5");
        assertEquals(List.of(212L, 212L), longs(pool5.at("/receptiveField/size")));
        assertEquals(List.of(32L, 32L), longs(pool5.at("/receptiveField/stride")));
        assertEquals(List.of(90L, 90L), longs(pool5.at("/receptiveField/offset")));
        assertEquals(List.of(512L, 7L, 7L), longs(pool5.get("outputShape")));
        assertTrue(layer(root, "fc6").at("/receptiveField/global").asBoolean());
        JsonNode conv = layer(root, "conv1_1");
        assertEquals("weight", conv.at("/params/0/name").asText());
        assertEquals(List.of(64L, 3L, 3L, 3L), longs(conv.at("/params/0/shape")));
        assertEquals(List.of("image"), List.of(conv.at("/inputs/0").asText()));
        assertEquals("conv1_1", layer(root, "conv1_1.relu").at("/memory/aliasOf").asText());
    }

    @Test
    void jsonOfAFailedAnalysisKeepsTheDiagnostics() throws Exception {
        NetworkGraph.Builder b = NetworkGraph.builder("bad");
        Layer x = b.add("image", Nets.input(3, 8, 8));
        Layer d = b.add("fc", Nets.dense(10), x);
        JsonNode root = new ObjectMapper().readTree(JsonReport.render(Analyzer.analyze(b.output("y", d).build(), 1)));
        JsonNode fc = layer(root, "fc");
        assertFalse(fc.get("analysed").asBoolean());
        assertTrue(fc.get("outputShape").isNull());
        assertTrue(fc.get("memory").isNull());
        assertEquals("error", root.at("/diagnostics/0/severity").asText());
        assertEquals("dense-needs-vector", root.at("/diagnostics/0/code").asText());
    }

    @Test
    void jsonSubtotalsAndAuxiliaryTotals() throws Exception {
        JsonNode root = new ObjectMapper().readTree(JsonReport.render(RESIDUAL));
        JsonNode inference = root.at("/totals/inference");
        JsonNode training = root.at("/totals/training");
        // the aux head: dense 8 -> 10 = 90 parameters
        assertEquals(90, training.get("parameters").asLong() - inference.get("parameters").asLong());
        JsonNode stage = root.get("scopes").get(0);
        assertEquals("layer1", stage.get("path").asText());
        assertEquals("repeat", stage.get("kind").asText());
        // per block: two convs 8*8*9+8 = 584 each, batchnorm 16 trainable + 16 buffers
        assertEquals(2 * (2 * 584 + 16), stage.get("parameters").asLong());
        assertEquals(2 * 16, stage.get("buffers").asLong());
    }

    private static JsonNode layer(JsonNode root, String name) {
        for (JsonNode layer : root.get("layers")) {
            if (layer.get("name").asText().equals(name)) {
                return layer;
            }
        }
        throw new AssertionError("no layer " + name);
    }

    private static List<Long> longs(JsonNode array) {
        List<Long> values = new java.util.ArrayList<>();
        array.forEach(v -> values.add(v.asLong()));
        return values;
    }

    @Test
    void textReportStatesTheConventionAndTheFigures() {
        String text = TextReport.render(LENET);
        assertTrue(text.contains("1 MAC = 1 multiply + 1 accumulate = 2 FLOPs"), text);
        assertTrue(text.contains("MB = 10^6") && text.contains("MiB = 2^20"), text);
        // FLOPs: 2 * 117,600 MACs + 6x28x28 bias adds; memory 4 * 4,704 bytes
        String conv1 = text.lines().filter(l -> l.startsWith("conv1 ")).findFirst().orElseThrow();
        assertEquals(List.of("conv1", "conv", "6x28x28", "156", "117,600", "239,904", "5/1", "18.82", "kB"),
                List.of(conv1.trim().split("\\s+")));
        assertTrue(text.contains("61,706"), text);
        assertTrue(text.contains("416,520"), text);
    }

    @Test
    void depthCollapsesScopesIntoSubtotals() {
        List<ReportRow> top = ReportRow.of(RESIDUAL, 0);
        assertEquals(List.of("image", "layer1", "aux.pool", "aux.flatten", "aux.fc", "pool", "flatten", "fc"),
                top.stream().map(ReportRow::path).toList());
        ReportRow stage = top.get(1);
        assertEquals(ReportRow.Kind.SCOPE, stage.kind());
        assertEquals(2 * (2 * 584 + 16), stage.parameters());
        assertEquals(RESIDUAL.scope("layer1").orElseThrow().totals().macs(), stage.macs());
        assertTrue(top.get(4).aux());

        List<ReportRow> one = ReportRow.of(RESIDUAL, 1);
        assertEquals(List.of(ReportRow.Kind.LAYER, ReportRow.Kind.HEADER, ReportRow.Kind.SCOPE),
                one.subList(0, 3).stream().map(ReportRow::kind).toList());
        assertEquals("0", one.get(2).label());
        assertEquals(1, one.get(2).level());

        List<ReportRow> all = ReportRow.of(RESIDUAL, Integer.MAX_VALUE);
        assertEquals(RESIDUAL.graph().size() + 3, all.size(), "every layer plus three scope headers");
        assertEquals("conv1", all.get(3).label());
    }

    @Test
    void auxiliaryHeadsAreReportedApart() {
        String text = TextReport.render(RESIDUAL, 1);
        assertTrue(text.contains("Inference (auxiliary heads excluded)"), text);
        assertTrue(text.contains("aux.fc *"), text);
        assertTrue(RESIDUAL.hasAuxiliaryLayers());
    }

    @Test
    void csvHasOneRowPerLayerOrCollapsedScope() throws Exception {
        String csv = CsvReport.render(RESIDUAL, 0);
        MappingIterator<Map<String, String>> rows = new CsvMapper().readerFor(Map.class)
                .with(CsvSchema.emptySchema().withHeader()).readValues(csv);
        List<Map<String, String>> all = rows.readAll();
        assertEquals(8, all.size());
        assertEquals("scope", all.get(1).get("kind"));
        assertEquals("layer1", all.get(1).get("path"));
        assertEquals(Long.toString(2 * (2 * 584 + 16)), all.get(1).get("parameters"));
        assertEquals("true", all.get(4).get("aux"));
        assertEquals("true", all.get(7).get("rf_global"));
        assertEquals("", all.get(7).get("rf_size_h"));
    }

    @Test
    void markdownIsAPipeTable() {
        String md = MarkdownReport.render(LENET, 3);
        assertTrue(md.contains("| Layer | Type | Output shape | Params | MACs | FLOPs | RF | Memory |"), md);
        assertTrue(md.contains("| fc3 | dense | 10 | 850 | 840 | 1,690 | global | 40 B |"), md);
    }

    @Test
    void comparisonOfNaiveAndBottleneckInception() {
        Comparison c = Comparison.of(Analyzer.analyze(Nets.inception(false), 1),
                Analyzer.analyze(Nets.inception(true), 1));
        Comparison.Module inception = c.modules().stream().filter(m -> m.path().equals("inception")).findFirst()
                .orElseThrow();
        assertEquals(854_196_224L, inception.first().macs());
        assertEquals(271_351_808L, inception.second().macs());
        assertEquals("672x28x28", inception.firstOutput().toString());
        assertEquals("480x28x28", inception.secondOutput().toString());
        String text = c.renderText();
        String row = text.lines().filter(l -> l.startsWith("inception ")).findFirst().orElseThrow();
        // short units, each side's own output, within 120 columns
        assertEquals(List.of("inception", "inception", "1.09", "M", "346.72", "k", "-743.23",
                "k", "854.20", "M", "271.35", "M", "-582.84", "M", "672x28x28/480x28x28"), List.of(row.trim().split("\\s+")));
        assertTrue(text.lines().allMatch(l -> l.length() <= 120), text);
    }

    @Test
    void comparisonAsJson() throws Exception {
        Comparison c = Comparison.of(Analyzer.analyze(Nets.inception(false), 1),
                Analyzer.analyze(Nets.inception(true), 2));
        JsonNode root = new ObjectMapper().readTree(c.renderJson());
        assertEquals(1, root.get("schemaVersion").asInt());
        assertEquals("InceptionNaive", root.at("/first/network").asText());
        assertEquals(2, root.at("/second/batch").asInt());
        assertEquals(2 * 271_351_808L, root.at("/second/totals/macs").asLong());
        JsonNode inception = root.get("modules").get(1);
        assertEquals("inception", inception.get("path").asText());
        assertEquals(854_196_224L, inception.at("/first/macs").asLong());
        assertEquals(List.of(480L, 28L, 28L), longs(inception.at("/second/outputShape")));
    }

    @Test
    void comparisonKeepsModulesFoundOnOneSideOnly() {
        Comparison c = Comparison.of(LENET, VGG);
        Comparison.Module conv1 = c.modules().stream().filter(m -> m.path().equals("conv1")).findFirst().orElseThrow();
        assertEquals(156, conv1.first().parameters());
        assertEquals(null, conv1.second());
        Comparison.Module fc6 = c.modules().stream().filter(m -> m.path().equals("fc6")).findFirst().orElseThrow();
        assertEquals(null, fc6.first());
        assertEquals(102_764_544L, fc6.second().parameters());
        String row = c.renderText().lines().filter(l -> l.startsWith("fc6 ")).findFirst().orElseThrow();
        assertEquals(List.of("fc6", "dense", "-", "102.76", "M", "+102.76", "M", "-", "102.76", "M", "+102.76", "M",
                "-/4096"), List.of(row.trim().split("\\s+")));
    }
}
