package io.cnnkit.analyzer;

import static io.cnnkit.analyzer.Nets.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cnnkit.compiler.Diagnostic;
import io.cnnkit.compiler.Severity;
import io.cnnkit.compiler.SourceFile;
import io.cnnkit.compiler.SourceLocation;
import io.cnnkit.compiler.graph.Layer;
import io.cnnkit.compiler.graph.NetworkGraph;
import io.cnnkit.compiler.graph.Shape;
import io.cnnkit.compiler.op.Op;
import io.cnnkit.compiler.op.Padding;
import io.cnnkit.compiler.op.Size2;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** One test per diagnostic, with its exact text and location. */
class DiagnosticsTest {
    private static final SourceFile FILE = new SourceFile("net.cnn", "line one\nx = image -> bad: conv(8, 3)\n");
    private static final SourceLocation BAD = new SourceLocation(FILE, 2, 14, 3);

    /** A graph {@code image -> [ops...] -> bad -> after}, where {@code bad} is located at {@link #BAD}. */
    private static Analysis chain(long[] input, Op bad, Op... before) {
        NetworkGraph.Builder b = NetworkGraph.builder("t");
        Layer x = b.add("image", new Op.Input(Shape.of(input)));
        int i = 0;
        for (Op op : before) {
            x = b.add("pre" + i++, op, x);
        }
        x = b.add("bad", bad, List.of(x), List.of(), BAD, BAD, Optional.empty());
        x = b.add("after", RELU, x);
        return Analyzer.analyze(b.output("y", x).build(), 1);
    }

    private static void assertOnly(Analysis a, Severity severity, String headline) {
        assertEquals(1, a.diagnostics().size(), a.diagnostics().toString());
        Diagnostic d = a.diagnostics().get(0);
        assertEquals(severity, d.severity());
        assertEquals(headline, d.headline());
    }

    @Test
    void concatWithDifferentHeightAndWidth() {
        NetworkGraph.Builder b = NetworkGraph.builder("t");
        Layer x = b.add("image", input(3, 28, 28));
        Layer p = b.add("pool", maxpool(2, 2), x);
        Layer cat = b.add("bad", new Op.Concat(), List.of(x, p), List.of(), BAD, BAD, Optional.empty());
        Layer after = b.add("after", conv(4, 1), cat);
        Analysis a = Analyzer.analyze(b.output("y", after).build(), 1);
        assertOnly(a, Severity.ERROR, "net.cnn:2:14: error: concat inputs must have the same height and width:"
                + " input 1 is 3x28x28, input 2 is 3x14x14 [concat-shape-mismatch]");
        assertNull(a.stats(after).outputShape(), "the consumer is skipped, not reported");
    }

    @Test
    void addWithDifferentShapes() {
        NetworkGraph.Builder b = NetworkGraph.builder("t");
        Layer x = b.add("image", input(3, 28, 28));
        Layer c = b.add("c", conv(8, 1), x);
        Layer sum = b.add("bad", new Op.Add(), List.of(c, x), List.of(), BAD, BAD, Optional.empty());
        Analysis a = Analyzer.analyze(b.output("y", sum).build(), 1);
        assertOnly(a, Severity.ERROR, "net.cnn:2:14: error: add inputs must have the same shape:"
                + " input 1 is 8x28x28, input 2 is 3x28x28 [add-shape-mismatch]");
    }

    @Test
    void kernelLargerThanPaddedInput() {
        Analysis a = chain(new long[] {16, 3, 3}, conv(8, 7, 1, 1));
        assertOnly(a, Severity.ERROR, "net.cnn:2:14: error: conv kernel 7 is larger than the padded input 5x5"
                + " (input 16x3x3, padding 1) [kernel-too-large]");
    }

    @Test
    void dilatedKernelLargerThanPaddedInput() {
        Op.MaxPool pool = new Op.MaxPool(Size2.square(3), Size2.square(1), Padding.ZERO, Size2.square(3), false);
        Analysis a = chain(new long[] {16, 6, 8}, pool);
        assertOnly(a, Severity.ERROR, "net.cnn:2:14: error: maxpool kernel 3 with dilation 3 spans 7x7, which"
                + " is larger than the padded input 6x8 (input 16x6x8, padding 0) [kernel-too-large]");
    }

    @Test
    void poolingPaddingMoreThanHalfTheKernel() {
        Op.MaxPool pool = new Op.MaxPool(Size2.square(3), Size2.square(2), Padding.symmetric(2, 1), Size2.square(1),
                false);
        Analysis a = chain(new long[] {16, 8, 8}, pool);
        assertOnly(a, Severity.ERROR, "net.cnn:2:14: error: maxpool padding (2, 1) is more than half the kernel 3x3;"
                + " a window would see only padding [pad-too-large]");
    }

    @Test
    void channelsNotDivisibleByGroups() {
        Op.Conv grouped = new Op.Conv(32, Size2.square(3), Size2.square(1), Padding.ZERO, Size2.square(1), 4, true);
        Analysis a = chain(new long[] {30, 8, 8}, grouped);
        assertOnly(a, Severity.ERROR, "net.cnn:2:14: error: conv input channels 30 are not divisible by groups=4"
                + " (input 30x8x8) [groups-mismatch]");
    }

    @Test
    void filtersNotDivisibleByGroups() {
        Op.Conv grouped = new Op.Conv(30, Size2.square(3), Size2.square(1), Padding.ZERO, Size2.square(1), 4, true);
        Analysis a = chain(new long[] {32, 8, 8}, grouped);
        assertOnly(a, Severity.ERROR, "net.cnn:2:14: error: conv filters 30 are not divisible by groups=4"
                + " (input 32x8x8) [groups-mismatch]");
    }

    @Test
    void emptyOutput() {
        Analysis a = chain(new long[] {120}, new Op.Dense(0, true));
        assertOnly(a, Severity.ERROR, "net.cnn:2:14: error: dense output 0 has a dimension below 1 [empty-output]");
    }

    @Test
    void denseFedAFeatureMapAsksForFlatten() {
        Analysis a = chain(new long[] {256, 6, 6}, dense(4096));
        assertOnly(a, Severity.ERROR, "net.cnn:2:14: error: dense needs a vector input but gets 256x6x6;"
                + " insert flatten before it (it would then see 9216 features) [dense-needs-vector]");
    }

    @Test
    void convFedAVector() {
        Analysis a = chain(new long[] {120}, conv(8, 3));
        assertOnly(a, Severity.ERROR, "net.cnn:2:14: error: conv needs a feature map (CxHxW) but gets 120 [needs-map]");
    }

    @Test
    void shapeAssertionThatDoesNotHold() {
        NetworkGraph.Builder b = NetworkGraph.builder("t");
        Layer x = b.add("image", input(3, 227, 227));
        Layer c = b.add("bad", conv(96, 11, 4, 0), List.of(x), List.of(), BAD, BAD,
                Optional.of(Shape.chw(96, 56, 56)));
        Layer after = b.add("after", RELU, c);
        Analysis a = Analyzer.analyze(b.output("y", after).build(), 1);
        assertOnly(a, Severity.ERROR, "net.cnn:2:14: error: conv output is 96x55x55 but the assertion says"
                + " 96x56x56 [shape-assertion]");
        assertFalse(a.stats(after).analysed());
    }

    @Test
    void shapeAssertionThatHolds() {
        NetworkGraph.Builder b = NetworkGraph.builder("t");
        Layer x = b.add("image", input(3, 227, 227));
        Layer c = b.add("conv", conv(96, 11, 4, 0), List.of(x), List.of(), BAD, BAD,
                Optional.of(Shape.chw(96, 55, 55)));
        assertTrue(Analyzer.analyze(b.output("y", c).build(), 1).diagnostics().isEmpty());
    }

    @Test
    void sizesBeyondTheBound() {
        Analysis a = chain(new long[] {1 << 20, 1 << 10, 1 << 10}, conv(1 << 21, 1));
        assertOnly(a, Severity.ERROR, "net.cnn:2:14: error: conv output 2097152x1024x1024 has 2199023255552"
                + " elements at batch 1, more than the bound of 2^40 = 1099511627776 [tensor-too-large]");
    }

    /** Within the analyzer's 2^40 but past one Java array: analysed, with a warning at the layer. */
    @Test
    void tensorsBeyondOneArrayAreAnalysedWithAWarning() {
        Analysis a = chain(new long[] {3, 30_000, 30_000}, conv(64, 3));
        assertTrue(a.stats(a.graph().layers().get(1)).analysed());
        String bound = ", more than the 2,147,483,639 one tensor can hold; it is analysed, but run and export refuse it"
                + " [too-large-to-run]";
        // one warning, at the first tensor past the bound
        assertOnly(a, Severity.WARNING, "<none>:0:0: warning: input 'image': its output 3x30000x30000 has"
                + " 2,700,000,000 elements at batch 1" + bound);
        assertOnly(chain(new long[] {3, 6000, 6000}, conv(64, 3)), Severity.WARNING, "net.cnn:2:14: warning: conv"
                + " 'bad': its output 64x5998x5998 has 2,302,464,256 elements at batch 1" + bound);
        Analysis dense = chain(new long[] {16_777_216}, dense(1000));
        assertOnly(dense, Severity.WARNING, "net.cnn:2:14: warning: bad.weight [1000, 16777216] has 16,777,216,000"
                + " elements" + bound);
    }

    @Test
    void sizesThatOverflowLong() {
        // 2^39 features times 2^30 units is 2^69 multiply-accumulates
        Analysis a = chain(new long[] {1L << 39}, dense(1 << 30));
        assertOnly(a, Severity.ERROR, "net.cnn:2:14: error: dense 'bad': its sizes overflow 64-bit arithmetic"
                + " (inputs [549755813888], batch 1); expected smaller dimensions [size-overflow]");
    }

    @Test
    void totalsThatOverflowLong() {
        // each dense layer: 2^31 features x 2^30 units = 2^61 MACs, 2^62 + 2^30 FLOPs; two of them pass 2^63
        NetworkGraph.Builder b = NetworkGraph.builder("t");
        Layer x = b.add("x", input(1L << 31));
        Layer d1 = b.add("d1", dense(1 << 30), x);
        Layer d2 = b.add("d2", dense(1 << 30), x);
        Layer sum = b.add("sum", new Op.Add(), d1, d2);
        Analysis a = Analyzer.analyze(b.output("y", sum, false, BAD).build(), 1);
        assertOnly(a, Severity.ERROR, "net.cnn:2:14: error: the network's totals overflow 64-bit arithmetic"
                + " at batch 1 [size-overflow]");
    }

    @Test
    void poolingThatDropsRowsAndColumns() {
        Analysis a = chain(new long[] {16, 15, 14}, maxpool(2, 2));
        assertOnly(a, Severity.WARNING, "net.cnn:2:14: warning: maxpool leaves out the last 1 row of its 16x15x14"
                + " input (output 7x7); use ceil=true or more padding to keep them [rows-dropped]");
    }

    @Test
    void convolutionThatDropsRowsAndColumns() {
        Analysis a = chain(new long[] {3, 224, 224}, conv(96, 11, 4, 0));
        assertOnly(a, Severity.WARNING, "net.cnn:2:14: warning: conv leaves out the last 1 row and 1 column of its"
                + " 3x224x224 input (output 54x54); use more padding to keep them [rows-dropped]");
    }

    @Test
    void paddingRowsLeftOutAreNotReported() {
        // ResNet's stem: 7x7/2 pad 3 and 3x3/2 pad 1 on even sizes skip only padding
        Analysis a = chain(new long[] {3, 224, 224}, maxpool(2, 2),
                conv(64, 7, 2, 3), new Op.MaxPool(Size2.square(3), Size2.square(2), Padding.symmetric(1, 1),
                        Size2.square(1), false));
        assertTrue(a.diagnostics().isEmpty(), a.diagnostics().toString());
    }

    @Test
    void layerThatReachesNoOutput() {
        NetworkGraph.Builder b = NetworkGraph.builder("t");
        Layer x = b.add("image", input(3, 8, 8));
        b.add("dead", RELU, List.of(x), List.of(), BAD, BAD, Optional.empty());
        Layer y = b.add("conv", conv(4, 1), x);
        Analysis a = Analyzer.analyze(b.output("y", y).build(), 1);
        assertOnly(a, Severity.WARNING, "net.cnn:2:14: warning: layer 'dead' reaches no output [unused-layer]");
    }

    @Test
    void mergeOfMisalignedBranches() {
        NetworkGraph.Builder b = NetworkGraph.builder("t");
        Layer x = b.add("image", input(3, 8, 8));
        Layer five = b.add("five", conv(4, 5, 1, 2), x);
        Layer three = b.add("three", conv(4, 3, 1, 0), x);
        Layer padded = b.add("padded", new Op.ZeroPad(new Padding.Explicit(0, 0, 2, 2)), three);
        Layer cat = b.add("bad", new Op.Concat(), List.of(five, padded), List.of(), BAD, BAD, Optional.empty());
        Analysis a = Analyzer.analyze(b.output("y", cat).build(), 1);
        assertOnly(a, Severity.WARNING, "net.cnn:2:14: warning: concat merges receptive fields that are not aligned:"
                + " 5/1 @2 (input 1) vs 3/1 @0 (input 2); reporting the largest [rf-not-aligned]");
        assertEquals(new ReceptiveField(5, 5, 1, 1, 2, 2, false), a.stats(cat).receptiveField());
    }

    @Test
    void wrongNumberOfInputs() {
        NetworkGraph.Builder b = NetworkGraph.builder("t");
        Layer x = b.add("image", input(3, 8, 8));
        Layer cat = b.add("bad", new Op.Concat(), List.of(x), List.of(), BAD, BAD, Optional.empty());
        Analysis a = Analyzer.analyze(b.output("y", cat).build(), 1);
        assertOnly(a, Severity.ERROR, "net.cnn:2:14: error: concat takes at least 2 inputs but gets 1 [arity]");
    }

    @Test
    void errorsInTwoBranchesAreBothReportedButNotTheirMerge() {
        NetworkGraph.Builder b = NetworkGraph.builder("t");
        Layer x = b.add("image", input(3, 8, 8));
        Layer d1 = b.add("d1", dense(4), x);
        Layer d2 = b.add("d2", dense(4), x);
        Layer sum = b.add("sum", new Op.Add(), d1, d2);
        Analysis a = Analyzer.analyze(b.output("y", sum).build(), 1);
        assertEquals(List.of("dense-needs-vector", "dense-needs-vector"),
                a.diagnostics().stream().map(Diagnostic::code).toList());
        assertTrue(a.hasErrors());
    }
}
