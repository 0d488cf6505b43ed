package io.cnnkit.diagram;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cnnkit.analyzer.Analysis;
import io.cnnkit.diagram.DiagramModel.Node;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class DiagramModelTest {

    private static Analysis googlenet;
    private static Analysis resnet152;

    @BeforeAll
    static void analyse() {
        googlenet = Fixtures.analyze(Fixtures.resource("googlenet.cnn"));
        resnet152 = Fixtures.analyze(Fixtures.example("resnet152.cnn"));
    }

    private static Map<String, Node> nodes(DiagramModel model) {
        return model.nodes().stream().collect(Collectors.toMap(Node::id, Function.identity()));
    }

    @Test
    void operatorSummariesAsInThePaperTable() {
        // GoogLeNet's Table 1: convolution 7x7/2 with 64 filters, max pool 3x3/2 (ceil mode in torchvision)
        Map<String, Node> nodes = nodes(DiagramModel.of(googlenet, DiagramOptions.DEFAULT));
        assertEquals("conv1: conv 7x7/2, 64", nodes.get("conv1").title());
        assertEquals(List.of("64x112x112"), nodes.get("conv1").details());
        assertEquals("maxpool 3x3/2 ceil", nodes.get("maxpool_1").title());
        assertEquals(List.of("64x56x56"), nodes.get("maxpool_1").details());
        assertEquals("lrn 5", nodes.get("lrn_1").title());
        assertEquals("dropout 0.4", nodes.get("dropout_1").title());
        assertEquals("conv 3x3, 128", nodes.get("inception3a.conv_3").title());
        assertEquals(NodeKind.MERGE, nodes.get("inception3a.concat_1").kind());
    }

    @Test
    void everyLayerIsANodeWhenFullyExpanded() {
        DiagramModel model = DiagramModel.of(googlenet, DiagramOptions.DEFAULT);
        Map<String, Node> nodes = nodes(model);
        googlenet.layers().forEach(s -> assertTrue(nodes.containsKey(s.layer().name()), s.layer().name()));
        assertEquals(googlenet.layers().size() + googlenet.graph().outputs().size(), model.nodes().size());
        assertEquals(9, model.nodes().stream().filter(n -> n.title().equals("concat")).count(), "nine inception modules");
    }

    @Test
    void edgesCarryThePublishedShapes() {
        DiagramModel model = DiagramModel.of(googlenet, DiagramOptions.DEFAULT.withDepth(0));
        // Table 1: inception (3a) outputs 28x28x256, (3b) 28x28x480, (5b) 7x7x1024
        assertTrue(model.edges().contains(new DiagramModel.Edge("inception3a", "inception3b", "256x28x28", false)));
        assertTrue(model.edges().contains(new DiagramModel.Edge("inception3b", "maxpool_3", "480x28x28", false)));
        assertTrue(model.edges().contains(new DiagramModel.Edge("inception5b", "avgpool_1", "1024x7x7", false)));
        DiagramModel bare = DiagramModel.of(googlenet, DiagramOptions.DEFAULT.withShapes(false));
        assertTrue(bare.edges().stream().allMatch(e -> e.label().isEmpty()));
    }

    @Test
    void auxiliaryHeadsAreMarked() {
        DiagramModel model = DiagramModel.of(googlenet, DiagramOptions.DEFAULT);
        for (Node n : model.nodes()) {
            boolean inAuxHead = n.id().startsWith("aux1.") || n.id().startsWith("aux2.") || n.id().startsWith("out:aux");
            assertEquals(inAuxHead, n.aux(), n.id());
        }
        assertTrue(model.edges().stream().filter(e -> e.to().startsWith("aux1.")).allMatch(DiagramModel.Edge::aux));
        assertFalse(model.edges().stream().filter(e -> e.to().equals("inception4b.conv_1")).anyMatch(DiagramModel.Edge::aux));
        assertTrue(model.clusters().stream().filter(c -> c.path().startsWith("aux")).allMatch(DiagramModel.Cluster::aux));
    }

    @Test
    void depthOneShowsTheStagesOfResNet152AsClustersOfBlocks() {
        DiagramModel model = DiagramModel.of(resnet152, DiagramOptions.DEFAULT.withDepth(1));
        assertEquals(List.of("layer1", "layer2", "layer3", "layer4"),
                model.clusters().stream().map(DiagramModel.Cluster::path).toList());
        // He et al. 2015, Table 1: 3, 8, 36 and 3 bottleneck blocks
        Map<String, Long> blocksPerStage = model.nodes().stream().filter(n -> n.kind() == NodeKind.MODULE)
                .collect(Collectors.groupingBy(n -> n.cluster().orElseThrow(), Collectors.counting()));
        assertEquals(Map.of("layer1", 3L, "layer2", 8L, "layer3", 36L, "layer4", 3L), blocksPerStage);
        assertEquals("layer3.0", nodes(model).get("layer3.0").title());
        assertEquals("bottleneck \u2192 1024x14x14", nodes(model).get("layer3.0").details().get(0));
        // subtotals add up to torchvision's resnet152 parameter count and its 11.51 GMACs
        assertEquals(60_192_808L, model.nodes().stream().mapToLong(n -> n.cost().params()).sum());
        assertEquals(11.51, model.nodes().stream().mapToLong(n -> n.cost().macs()).sum() / 1e9, 0.005);
    }

    @Test
    void depthZeroCollapsesEveryStage() {
        DiagramModel model = DiagramModel.of(resnet152, DiagramOptions.DEFAULT.withDepth(0));
        assertTrue(model.clusters().isEmpty());
        assertEquals(List.of("layer1", "layer2", "layer3", "layer4"), model.nodes().stream()
                .filter(n -> n.kind() == NodeKind.MODULE).map(Node::id).toList());
        assertEquals(60_192_808L, model.nodes().stream().mapToLong(n -> n.cost().params()).sum());
        // edges between collapsed stages: ResNet's stage outputs 256x56x56, 512x28x28, 1024x14x14
        assertTrue(model.edges().contains(new DiagramModel.Edge("layer1", "layer2", "256x56x56", false)));
        assertTrue(model.edges().contains(new DiagramModel.Edge("layer2", "layer3", "512x28x28", false)));
        assertTrue(model.edges().contains(new DiagramModel.Edge("layer3", "layer4", "1024x14x14", false)));
    }

    @Test
    void heatMapHasALegendAndDarkerNodesCostMore() {
        DiagramOptions options = DiagramOptions.DEFAULT.withDepth(0).withHeat(DiagramOptions.Heat.MACS);
        String dot = Fixtures.dot(resnet152, options);
        assertTrue(dot.contains("MACs per node, logarithmic colour scale"), dot);
        HeatScale scale = new HeatScale(List.of(1e3, 1e6, 1e9), true);
        assertEquals(-1, scale.bucket(0));
        assertEquals(0, scale.bucket(1_000));
        assertEquals(4, scale.bucket(1_000_000));
        assertEquals(8, scale.bucket(1_000_000_000));
        assertEquals(HeatScale.ZERO, scale.fill(0));
    }
}
