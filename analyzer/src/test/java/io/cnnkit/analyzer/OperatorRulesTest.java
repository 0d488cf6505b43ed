package io.cnnkit.analyzer;

import static io.cnnkit.analyzer.Nets.input;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cnnkit.compiler.Diagnostic;
import io.cnnkit.compiler.graph.Layer;
import io.cnnkit.compiler.graph.NetworkGraph;
import io.cnnkit.compiler.graph.Shape;
import io.cnnkit.compiler.op.Op;
import io.cnnkit.compiler.op.Padding;
import io.cnnkit.compiler.op.Size2;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Each operator's shape, parameters and counts on a 4x6x6 input (144 elements), worked out by hand
 * from the rules in docs/counting.md.
 */
class OperatorRulesTest {

    private static LayerStats one(Op op) {
        NetworkGraph.Builder b = NetworkGraph.builder("one");
        Layer x = b.add("x", input(4, 6, 6));
        Layer y = b.add("y", op, x);
        Analysis a = Analyzer.analyze(b.output("y", y).build(), 1);
        assertTrue(a.diagnostics().isEmpty(), a.diagnostics().toString());
        return a.stats(y);
    }

    private static void assertCounts(Op op, Shape shape, long macs, long flops) {
        LayerStats s = one(op);
        assertEquals(shape, s.outputShape(), op.kind());
        assertEquals(macs, s.macs(), op.kind() + " MACs");
        assertEquals(flops, s.flops(), op.kind() + " FLOPs");
    }

    @Test
    void elementwiseOperators() {
        Shape same = Shape.chw(4, 6, 6);
        assertCounts(new Op.Relu(), same, 0, 144);
        assertCounts(new Op.Relu6(), same, 0, 288);
        assertCounts(new Op.LeakyRelu(0.1), same, 0, 288);
        assertCounts(new Op.Tanh(), same, 0, 144);
        assertCounts(new Op.Sigmoid(), same, 0, 432);
        assertCounts(new Op.Silu(), same, 0, 576);
        assertCounts(new Op.HardSigmoid(), same, 0, 576);
        assertCounts(new Op.HardSwish(), same, 0, 720);
        assertCounts(new Op.Gelu(false), same, 0, 720);
        assertCounts(new Op.Gelu(true), same, 0, 144 * 9);
        assertCounts(new Op.Softmax(), same, 0, 432);
        assertCounts(new Op.Lrn(5, 1e-4, 0.75, 2), same, 0, 144 * 13);
        assertCounts(new Op.Dropout(0.5), same, 0, 0);
        assertCounts(new Op.BatchNorm(1e-5), same, 0, 288);
        assertEquals(List.of(ParamSpec.trainable("weight", 4), ParamSpec.trainable("bias", 4),
                ParamSpec.buffer("running_mean", 4), ParamSpec.buffer("running_var", 4)),
                one(new Op.BatchNorm(1e-5)).params());
    }

    /** ConvNeXt's operators: rules of docs/counting.md, PyTorch's parameter names and shapes. */
    @Test
    void layerNormScaleAndLinear() {
        Shape same = Shape.chw(4, 6, 6);
        assertCounts(new Op.LayerNorm(1e-6), same, 0, 144 * 7);
        assertEquals(List.of(ParamSpec.trainable("weight", 4), ParamSpec.trainable("bias", 4)),
                one(new Op.LayerNorm(1e-6)).params());
        assertEquals(one(new Op.Relu()).receptiveField(), one(new Op.LayerNorm(1e-6)).receptiveField());
        assertCounts(new Op.Scale(), same, 0, 144);
        LayerStats scale = one(new Op.Scale());
        assertEquals(List.of(ParamSpec.trainable(ParamSpec.BARE, 4, 1, 1)), scale.params());
        assertEquals("layer_scale", scale.params().get(0).key("layer_scale"));
        assertEquals("block.2.weight", ParamSpec.trainable("weight", 4).key("block.2"));
        // 16 outputs per position from 4 channels: 4·16·36 MACs, twice that and a bias add per output in FLOPs
        assertCounts(new Op.Linear(16, true), Shape.chw(16, 6, 6), 4 * 16 * 36, 2 * 4 * 16 * 36 + 16 * 36);
        assertEquals(List.of(ParamSpec.trainable("weight", 16, 4), ParamSpec.trainable("bias", 16)),
                one(new Op.Linear(16, true)).params());
        assertEquals(List.of(ParamSpec.trainable("weight", 16, 4)), one(new Op.Linear(16, false)).params());
    }

    @Test
    void pooling() {
        assertCounts(Nets.maxpool(2, 2), Shape.chw(4, 3, 3), 0, 36 * 3);
        assertCounts(new Op.AvgPool(Size2.square(3), Size2.square(1), Padding.symmetric(1, 1), false, true),
                Shape.chw(4, 6, 6), 0, 144 * 9);
        assertCounts(new Op.GlobalAvgPool(), Shape.chw(4, 1, 1), 0, 4 * 36);
        assertCounts(new Op.GlobalMaxPool(), Shape.chw(4, 1, 1), 0, 4 * 35);
        assertTrue(one(new Op.GlobalMaxPool()).receptiveField().global());
        // ceil mode keeps the last partial window: 6 -> ceil(3/2) + 1 = 3 with a 3x3 stride-2 pool
        assertCounts(new Op.MaxPool(Size2.square(3), Size2.square(2), Padding.ZERO, Size2.square(1), true),
                Shape.chw(4, 3, 3), 0, 36 * 8);
    }

    @Test
    void groupedAndDilatedConvolution() {
        Op.Conv grouped = new Op.Conv(8, Size2.square(3), Size2.square(1), Padding.symmetric(1, 1), Size2.square(1),
                2, true);
        LayerStats s = one(grouped);
        assertEquals(List.of(ParamSpec.trainable("weight", 8, 2, 3, 3), ParamSpec.trainable("bias", 8)), s.params());
        assertEquals(8 * 36 * 2 * 9, s.macs());
        assertEquals(2 * 8 * 36 * 2 * 9 + 8 * 36, s.flops());

        Op.Conv dilated = new Op.Conv(4, Size2.square(3), Size2.square(1), Padding.symmetric(2, 2), Size2.square(2),
                1, false);
        LayerStats d = one(dilated);
        assertEquals(Shape.chw(4, 6, 6), d.outputShape());
        assertEquals(new ReceptiveField(5, 5, 1, 1, 2, 2, false), d.receptiveField());
        assertEquals(2 * d.macs(), d.flops(), "no bias");

        Op.Conv rect = new Op.Conv(2, new Size2(3, 1), new Size2(2, 1), new Padding.Same(), Size2.square(1), 1, true);
        LayerStats r = one(rect);
        assertEquals(Shape.chw(2, 3, 6), r.outputShape());
        // SAME_UPPER on 6 rows with a stride-2 3-tall kernel: one pad row, at the bottom, so no offset
        assertEquals(new ReceptiveField(3, 1, 2, 1, 0, 0, false), r.receptiveField());
    }

    @Test
    void denseFlattenAndPadding() {
        LayerStats flat = one(new Op.Flatten());
        assertEquals(Shape.of(144), flat.outputShape());
        assertTrue(flat.receptiveField().global());

        NetworkGraph.Builder b = NetworkGraph.builder("dense");
        Layer x = b.add("x", input(144));
        Layer withBias = b.add("withBias", new Op.Dense(10, true), x);
        Layer without = b.add("without", new Op.Dense(10, false), x);
        Layer sum = b.add("sum", new Op.Add(), withBias, without);
        Analysis a = Analyzer.analyze(b.output("y", sum).build(), 1);
        assertEquals(1440, a.stats(withBias).macs());
        assertEquals(2880 + 10, a.stats(withBias).flops());
        assertEquals(2880, a.stats(without).flops());
        assertEquals(1450, a.stats(withBias).parameters());
        assertEquals(10, a.stats(sum).flops());

        LayerStats pad = one(new Op.ZeroPad(new Padding.Explicit(1, 2, 3, 4)));
        assertEquals(Shape.chw(4, 10, 12), pad.outputShape());
        assertEquals(new ReceptiveField(1, 1, 1, 1, 1, 2, false), pad.receptiveField());
    }

    @Test
    void mergesOfThreeInputs() {
        NetworkGraph.Builder b = NetworkGraph.builder("merge");
        Layer x = b.add("x", input(4, 6, 6));
        Layer c = b.add("c", Nets.conv(2, 3, 1, 1), x);
        Layer cat = b.add("cat", new Op.Concat(), x, c, x);
        Layer r1 = b.add("r1", new Op.Relu(), x);
        Layer r2 = b.add("r2", new Op.Tanh(), x);
        Layer sum = b.add("sum", new Op.Add(), x, r1, r2);
        Analysis a = Analyzer.analyze(b.output("cat", cat).output("sum", sum).build(), 1);
        assertEquals(Shape.chw(10, 6, 6), a.stats(cat).outputShape());
        assertEquals(0, a.stats(cat).flops());
        assertEquals(2 * 144, a.stats(sum).flops());
        // the 3x3 branch is centred on the 1x1 ones (pad 1): aligned, no warning; the largest is kept
        assertEquals(new ReceptiveField(3, 3, 1, 1, 1, 1, false), a.stats(cat).receptiveField());
        assertTrue(a.diagnostics().isEmpty(), a.diagnostics().toString());
    }

    /** Squeeze-and-excitation: a map times one factor per channel; the map's field, not the gate's global one. */
    @Test
    void mulScalesAMapByChannelOrMultipliesOneShape() {
        NetworkGraph.Builder b = NetworkGraph.builder("se");
        Layer x = b.add("x", input(4, 6, 6));
        Layer c = b.add("c", Nets.conv(4, 3, 1, 1), x);
        Layer g = b.add("g", new Op.GlobalAvgPool(), c);
        Layer gate = b.add("gate", new Op.Mul(), c, g);
        Layer same = b.add("same", new Op.Mul(), c, x);
        Analysis a = Analyzer.analyze(b.output("gate", gate).output("same", same).build(), 1);
        assertEquals(Shape.chw(4, 6, 6), a.stats(gate).outputShape());
        assertEquals(144, a.stats(gate).flops());
        assertEquals(0, a.stats(gate).macs());
        assertEquals(a.stats(c).receptiveField(), a.stats(gate).receptiveField());
        assertEquals(a.stats(c).receptiveField(), a.stats(same).receptiveField());

        NetworkGraph.Builder bad = NetworkGraph.builder("bad");
        Layer in = bad.add("x", input(4, 6, 6));
        Layer narrow = bad.add("narrow", Nets.conv(2, 1, 1, 0), in);
        Layer wrong = bad.add("wrong", new Op.Mul(), in, narrow);
        Analysis failed = Analyzer.analyze(bad.output("y", wrong).build(), 1);
        assertEquals(List.of("mul-shape-mismatch"), failed.diagnostics().stream().map(Diagnostic::code).toList());
        assertTrue(failed.diagnostics().get(0).message().contains("4x6x6 or 4x1x1"), failed.diagnostics().toString());
    }

    /** PyTorch's windows: 10 rows into 3 are [0, 4), [3, 7), [6, 10); 6 columns into 4: [0, 2), [1, 3), [3, 5), [4, 6). */
    @Test
    void adaptivePoolsCountTheirWindowsAndKeepAStrideOnlyWhereTheOutputDivides() {
        NetworkGraph.Builder b = NetworkGraph.builder("adaptive");
        Layer x = b.add("x", input(2, 10, 6));
        Layer avg = b.add("avg", new Op.AdaptiveAvgPool(new Size2(3, 4)), x);
        Layer max = b.add("max", new Op.AdaptiveMaxPool(new Size2(3, 4)), x);
        Layer even = b.add("even", new Op.AdaptiveAvgPool(new Size2(5, 3)), x);
        Layer part = b.add("part", new Op.ChannelSlice(1, 2), x);
        Analysis a = Analyzer.analyze(b.output("avg", avg).output("max", max).output("even", even)
                .output("part", part).build(), 1);
        assertEquals(Shape.chw(2, 3, 4), a.stats(avg).outputShape());
        assertEquals(2 * 12 * 8, a.stats(avg).flops());
        assertEquals(2 * (12 * 8 - 12), a.stats(max).flops());
        assertEquals(ReceptiveField.GLOBAL, a.stats(avg).receptiveField());
        assertEquals(new ReceptiveField(2, 2, 2, 2, 0, 0, false), a.stats(even).receptiveField());
        assertEquals(Shape.chw(1, 10, 6), a.stats(part).outputShape());
        assertEquals(ReceptiveField.PIXEL, a.stats(part).receptiveField());
    }
}
