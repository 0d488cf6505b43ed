package io.cnnkit.analyzer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cnnkit.compiler.CnnCompiler;
import io.cnnkit.compiler.Compilation;
import io.cnnkit.compiler.Diagnostic;
import io.cnnkit.compiler.graph.Shape;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** The figures again, this time from `.cnn` text through the compiler. */
class CnnSourceTest {

    private static Analysis analyze(String text) {
        Compilation c = CnnCompiler.compileString("test.cnn", text);
        assertTrue(!c.hasErrors(), c.diagnostics().toString());
        return Analyzer.analyze(c.graphOrThrow(), 1);
    }

    private static Analysis clean(String text) {
        Analysis a = analyze(text);
        assertTrue(a.diagnostics().isEmpty(), a.diagnostics().toString());
        return a;
    }

    private static LayerStats stats(Analysis a, String name) {
        return a.stats(name).orElseThrow(() -> new AssertionError("no layer " + name));
    }

    @Test
    void alexNetConv1() {
        Analysis a = clean("""
                network AlexNetStem
                input image: 3x227x227
                output y = image -> conv1: conv(96, 11, stride=4) : 96x55x55 -> pool1: maxpool(3, stride=2)
                """);
        assertEquals(34_848 + 96, stats(a, "conv1").parameters());
        assertEquals(Shape.chw(96, 27, 27), stats(a, "pool1").outputShape());
        assertEquals(0, stats(a, "pool1").parameters());
    }

    @Test
    void stackedThreeByThree() {
        Analysis a = clean("""
                network Stack
                input image: 3x32x32
                output y = image -> c1: conv(8, 3) -> c2: conv(8, 3) -> c3: conv(8, 3)
                """);
        assertEquals(5, stats(a, "c2").receptiveField().sizeH());
        assertEquals(7, stats(a, "c3").receptiveField().sizeH());
    }

    @Test
    void bottleneckBeforeFiveByFive() {
        Analysis direct = clean("""
                network Direct
                input x: 128x28x28
                output y = x -> conv5: conv(64, 5, pad=2)
                """);
        assertEquals(160_563_200L, direct.inferenceTotals().macs());
        Analysis reduced = clean("""
                network Reduced
                input x: 128x28x28
                output y = x -> reduce: conv(32, 1) -> conv5: conv(64, 5, pad=2)
                """);
        assertEquals(3_211_264L, stats(reduced, "reduce").macs());
        assertEquals(40_140_800L, stats(reduced, "conv5").macs());
    }

    @Test
    void inceptionNaiveVersusBottleneck() {
        Analysis naive = clean("""
                network InceptionNaive
                input x: 256x28x28
                module naive() {
                  b1 = in -> conv(128, 1, pad=same)
                  b2 = in -> conv(192, 3, pad=same)
                  b3 = in -> conv(96, 5, pad=same)
                  b4 = in -> maxpool(3, stride=1, pad=same)
                  out concat(b1, b2, b3, b4)
                }
                output y = x -> inception: naive : 672x28x28
                """);
        assertEquals(854_196_224L, naive.inferenceTotals().macs());
        assertEquals(854_196_224L, naive.scope("inception").orElseThrow().totals().macs());
        Analysis reduced = clean("""
                network InceptionBottleneck
                input x: 256x28x28
                module reduced() {
                  b1 = in -> conv(128, 1, pad=same)
                  b2 = in -> conv(64, 1) -> conv(192, 3, pad=same)
                  b3 = in -> conv(64, 1) -> conv(96, 5, pad=same)
                  b4 = in -> maxpool(3, stride=1, pad=same) -> conv(64, 1)
                  out concat(b1, b2, b3, b4)
                }
                output y = x -> inception: reduced : 480x28x28
                """);
        assertEquals(271_351_808L, reduced.inferenceTotals().macs());
    }

    @Test
    void leNet5() {
        Analysis a = clean("""
                network LeNet5
                input image: 1x32x32
                x = image -> conv1: conv(6, 5) -> relu -> maxpool(2) -> conv2: conv(16, 5) -> relu -> maxpool(2)
                output logits = x -> flatten -> fc1: dense(120) -> relu -> fc2: dense(84) -> relu -> fc3: dense(10)
                """);
        assertEquals(61_706, a.inferenceTotals().parameters());
        assertEquals(416_520, a.inferenceTotals().macs());
    }

    @Test
    void resNet18MatchesTorchvision() {
        Analysis a = clean("""
                network ResNet18
                input image: 3x224x224
                module basic(planes, stride=1, project=false) {
                  y = in -> conv1: conv(planes, 3, stride=stride, pad=1, bias=false) -> bn1: batchnorm -> relu
                         -> conv2: conv(planes, 3, pad=1, bias=false) -> bn2: batchnorm
                  s = if project { in -> downsample: [conv(planes, 1, stride=stride, bias=false) -> batchnorm] } else { in }
                  out add(y, s) -> relu
                }
                stem = image -> conv1: conv(64, 7, stride=2, pad=3, bias=false) -> bn1: batchnorm -> relu
                             -> maxpool: maxpool(3, stride=2, pad=1)
                layer1 = stem -> repeat 2 basic(64)
                layer2 = layer1 -> repeat 2 as i basic(128, stride=if i == 0 then 2 else 1, project=i == 0)
                layer3 = layer2 -> repeat 2 as i basic(256, stride=if i == 0 then 2 else 1, project=i == 0)
                layer4 = layer3 -> repeat 2 as i basic(512, stride=if i == 0 then 2 else 1, project=i == 0) : 512x7x7
                output logits = layer4 -> avgpool: globalavgpool -> flatten -> fc: dense(1000)
                """);
        // torchvision resnet18: 11,689,512 parameters, "GFLOPS" 1.81; per-stage parameter counts
        // as torchinfo prints them
        assertEquals(11_689_512L, a.inferenceTotals().parameters());
        assertEquals("1.81", String.format(Locale.ROOT, "%.2f", a.inferenceTotals().macs() / 1e9));
        assertEquals(147_968L, a.scope("layer1").orElseThrow().totals().parameters());
        assertEquals(525_568L, a.scope("layer2").orElseThrow().totals().parameters());
        assertEquals(2_099_712L, a.scope("layer3").orElseThrow().totals().parameters());
        assertEquals(8_393_728L, a.scope("layer4").orElseThrow().totals().parameters());
        assertEquals(List.of(ParamSpec.trainable("weight", 128), ParamSpec.trainable("bias", 128),
                ParamSpec.buffer("running_mean", 128), ParamSpec.buffer("running_var", 128)),
                stats(a, "layer2.0.downsample.1").params());
    }

    @Test
    void errorsPointAtTheCall() {
        Analysis a = analyze("""
                network Bad
                input image: 3x8x8
                output y = image -> conv(4, 3) -> fc: dense(10) -> relu
                """);
        assertEquals(1, a.diagnostics().size(), a.diagnostics().toString());
        Diagnostic d = a.diagnostics().get(0);
        // column 39 is the call dense(10), after the label fc:
        assertEquals("test.cnn:3:39: error: dense needs a vector input but gets 4x6x6; insert flatten before it"
                + " (it would then see 144 features) [dense-needs-vector]", d.headline());
    }

    @Test
    void failingAssertionInsideAModuleCall() {
        Analysis a = analyze("""
                network Bad
                input image: 16x8x8
                module block(c) {
                  out in -> conv(c, 3) -> relu
                }
                output y = image -> b: block(8) : 8x8x8 -> conv(4, 1)
                """);
        assertEquals(List.of("shape-assertion"), a.diagnostics().stream().map(Diagnostic::code).toList());
        assertTrue(a.diagnostics().get(0).message().contains("8x6x6"), a.diagnostics().toString());
    }
}
