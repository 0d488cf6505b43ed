package io.cnnkit.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cnnkit.analyzer.Analysis;
import io.cnnkit.analyzer.ReceptiveField;
import io.cnnkit.analyzer.report.Comparison;
import io.cnnkit.compiler.graph.NetworkGraph;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The teaching pairs of {@code docs/teaching.md}, each number worked out by hand from the
 * papers' formulas: a k x k convolution from Cin to Cout channels on an H x W output has
 * k²·Cin·Cout weights (+ Cout biases) and k²·Cin·Cout·H·W MACs.
 */
class TeachingPairsTest {

    private static Analysis teaching(String file) {
        return Zoo.analyze("teaching/" + file);
    }

    /** The output shape of the network's (only) output. */
    private static List<Long> outputDims(Analysis a) {
        NetworkGraph g = a.graph();
        return a.stats(g.outputs().get(0).layer()).outputShape().dims();
    }

    @Test
    void naiveInceptionCostsThreeTimesTheBottleneckOne() {
        // 784 positions: 256·(128 + 9·192 + 25·96)·784; the pool adds its 256 channels.
        Analysis naive = teaching("inception_naive.cnn");
        assertEquals(854_196_224L, naive.inferenceTotals().macs());
        assertEquals(List.of(672L, 28L, 28L), outputDims(naive));
        // 256·(128 + 64 + 64 + 64)·784 + 64·(9·192 + 25·96)·784
        Analysis bottleneck = teaching("inception_bottleneck.cnn");
        assertEquals(271_351_808L, bottleneck.inferenceTotals().macs());
        assertEquals(List.of(480L, 28L, 28L), outputDims(bottleneck));
        assertEquals(1_089_952L, naive.inferenceTotals().parameters());
        assertEquals(346_720L, bottleneck.inferenceTotals().parameters());
    }

    @Test
    void threeStacked3x3SeeWhatOne7x7SeesWithFewerWeights() {
        Analysis stacked = teaching("three_conv3x3.cnn");
        Analysis single = teaching("conv7x7.cnn");
        assertEquals(27L * 64 * 64, stacked.inferenceTotals().parameters());
        assertEquals(49L * 64 * 64, single.inferenceTotals().parameters());
        assertEquals(rf(5), Zoo.layer(stacked, "stack.1.conv_1").receptiveField());
        assertEquals(rf(7), Zoo.layer(stacked, "stack.2.conv_1").receptiveField());
        assertEquals(rf(7), Zoo.layer(single, "stack.0").receptiveField());
    }

    @Test
    void aOneByOneReductionQuartersThe5x5Cost() {
        assertEquals(160_563_200L, teaching("conv5x5.cnn").inferenceTotals().macs());
        Analysis reduced = teaching("conv5x5_reduced.cnn");
        assertEquals(3_211_264L, Zoo.layer(reduced, "reduce.0").macs());
        assertEquals(40_140_800L, Zoo.layer(reduced, "conv5x5").macs());
        assertEquals(3_211_264L + 40_140_800L, reduced.inferenceTotals().macs());
    }

    @Test
    void globalAveragePoolingShrinksTheHead49Times() {
        assertEquals(512L * 7 * 7 * 1000 + 1000, teaching("head_dense.cnn").inferenceTotals().parameters());
        assertEquals(512L * 1000 + 1000, teaching("head_gap.cnn").inferenceTotals().parameters());
    }

    /** docs/teaching.md pastes the real {@code cnn compare} output of each pair, tables after the banner. */
    @ParameterizedTest(name = "docs/teaching.md shows cnn compare {0} {1}")
    @CsvSource({"inception_naive, inception_bottleneck", "three_conv3x3, conv7x7", "conv5x5, conv5x5_reduced",
            "head_dense, head_gap"})
    void walkthroughShowsTheCurrentComparison(String a, String b) throws IOException {
        String text = Comparison.of(teaching(a + ".cnn"), teaching(b + ".cnn")).renderText();
        String tables = text.substring(text.indexOf("\n=") + 1).stripTrailing();
        String page = Files.readString(Zoo.DIR.resolve("../docs/teaching.md"));
        assertTrue(page.contains(tables), "docs/teaching.md shows an outdated comparison of " + a + " and " + b);
    }

    /** The field of stride-1 convolutions padded to keep the size: centred, offset (size - 1) / 2. */
    private static ReceptiveField rf(long size) {
        long offset = (size - 1) / 2;
        return new ReceptiveField(size, size, 1, 1, offset, offset, false);
    }
}
