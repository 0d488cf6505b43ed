package io.cnnkit.analyzer;

import static io.cnnkit.analyzer.Nets.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cnnkit.compiler.graph.Layer;
import io.cnnkit.compiler.graph.NetworkGraph;
import io.cnnkit.compiler.graph.Shape;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Figures from the literature and from torchvision, not from this code. */
class PublishedFiguresTest {

    private static LayerStats stats(Analysis a, String name) {
        return a.stats(name).orElseThrow();
    }

    @Test
    void alexNetConv1AndFirstPool() {
        // Krizhevsky et al. 2012 with the 227x227 input that makes the arithmetic work
        NetworkGraph.Builder b = NetworkGraph.builder("AlexNetStem");
        Layer x = b.add("image", input(3, 227, 227));
        Layer conv1 = b.add("conv1", conv(96, 11, 4, 0), x);
        Layer pool1 = b.add("pool1", maxpool(3, 2), conv1);
        Analysis a = Analyzer.analyze(b.output("y", pool1).build(), 1);

        assertTrue(a.diagnostics().isEmpty(), a.diagnostics().toString());
        LayerStats c = a.stats(conv1);
        assertEquals(Shape.chw(96, 55, 55), c.outputShape());
        assertEquals(List.of(ParamSpec.trainable("weight", 96, 3, 11, 11), ParamSpec.trainable("bias", 96)),
                c.params());
        assertEquals(34_848, c.params().get(0).elements());
        assertEquals(96, c.params().get(1).elements());
        LayerStats p = a.stats(pool1);
        assertEquals(Shape.chw(96, 27, 27), p.outputShape());
        assertEquals(0, p.parameters());
    }

    private static Analysis stackedConvs(int count) {
        NetworkGraph.Builder b = NetworkGraph.builder("stack");
        Layer x = b.add("image", input(3, 32, 32));
        for (int i = 1; i <= count; i++) {
            x = b.add("conv" + i, conv(8, 3), x);
        }
        return Analyzer.analyze(b.output("y", x).build(), 1);
    }

    @Test
    void stackedThreeByThreeConvolutionsSeeFiveThenSeven() {
        // Simonyan & Zisserman 2014, section 2.3
        ReceptiveField two = stats(stackedConvs(2), "conv2").receptiveField();
        assertEquals(5, two.sizeH());
        assertEquals(5, two.sizeW());
        ReceptiveField three = stats(stackedConvs(3), "conv3").receptiveField();
        assertEquals(new ReceptiveField(7, 7, 1, 1, 0, 0, false), three);
    }

    @Test
    void oneByOneBottleneckCutsFiveByFiveCost() {
        NetworkGraph.Builder b = NetworkGraph.builder("direct");
        Layer x = b.add("x", input(128, 28, 28));
        Layer direct = b.add("conv5x5", conv(64, 5, 1, 2), x);
        Analysis a = Analyzer.analyze(b.output("y", direct).build(), 1);
        assertEquals(Shape.chw(64, 28, 28), a.stats(direct).outputShape());
        assertEquals(160_563_200L, a.stats(direct).macs());

        NetworkGraph.Builder c = NetworkGraph.builder("bottleneck");
        Layer y = c.add("x", input(128, 28, 28));
        Layer reduce = c.add("reduce", conv(32, 1), y);
        Layer conv = c.add("conv5x5", conv(64, 5, 1, 2), reduce);
        Analysis d = Analyzer.analyze(c.output("y", conv).build(), 1);
        assertEquals(3_211_264L, d.stats(reduce).macs());
        assertEquals(40_140_800L, d.stats(conv).macs());
        assertEquals(3_211_264L + 40_140_800L, d.inferenceTotals().macs());
    }

    @Test
    void naiveInceptionVersusBottlenecks() {
        Analysis naive = Analyzer.analyze(inception(false), 1);
        assertTrue(naive.diagnostics().isEmpty(), naive.diagnostics().toString());
        assertEquals(Shape.chw(672, 28, 28), stats(naive, "inception.concat").outputShape());
        assertEquals(854_196_224L, naive.inferenceTotals().macs());
        assertEquals(854_196_224L, naive.scope("inception").orElseThrow().totals().macs());

        Analysis reduced = Analyzer.analyze(inception(true), 1);
        assertTrue(reduced.diagnostics().isEmpty(), reduced.diagnostics().toString());
        assertEquals(Shape.chw(480, 28, 28), stats(reduced, "inception.concat").outputShape());
        // the often-quoted 358M counts the 3x3 term twice
        assertEquals(271_351_808L, reduced.inferenceTotals().macs());
    }

    @Test
    void leNet5() {
        Analysis a = Analyzer.analyze(lenet5(), 1);
        assertTrue(a.diagnostics().isEmpty(), a.diagnostics().toString());
        assertEquals(61_706, a.inferenceTotals().parameters());
        assertEquals(416_520, a.inferenceTotals().macs());
        assertEquals(Shape.of(400), stats(a, "flatten_1").outputShape());
    }

    @Test
    void vgg16MatchesTorchvisionAndAraujo() {
        Analysis a = Analyzer.analyze(vgg16(), 1);
        assertTrue(a.diagnostics().isEmpty(), a.diagnostics().toString());
        // torchvision vgg16: num_params 138,357,544; "GFLOPS" 15.47 (MACs)
        assertEquals(138_357_544L, a.inferenceTotals().parameters());
        assertEquals(15_470_264_320L, a.inferenceTotals().macs());
        // Araujo et al. 2019 list VGG-16 as r=212, S=32, P=90: that is pool5, the last feature map
        // before the classifier; the last convolution (conv5_3) has r=196, S=16, P=90
        assertEquals(new ReceptiveField(212, 212, 32, 32, 90, 90, false), stats(a, "pool5").receptiveField());
        assertEquals(new ReceptiveField(196, 196, 16, 16, 90, 90, false), stats(a, "conv5_3").receptiveField());
        assertTrue(stats(a, "fc6").receptiveField().global());
        assertFalse(a.hasAuxiliaryLayers());
    }

    @Test
    void batchScalesCountsButNotParameters() {
        Analysis one = Analyzer.analyze(lenet5(), 1);
        Analysis eight = Analyzer.analyze(lenet5(), 8);
        assertEquals(8 * 416_520L, eight.inferenceTotals().macs());
        assertEquals(61_706, eight.inferenceTotals().parameters());
        assertEquals(8 * one.inferenceTotals().activationBytes(), eight.inferenceTotals().activationBytes());
    }
}
