package io.cnnkit.compiler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cnnkit.compiler.graph.Layer;
import io.cnnkit.compiler.graph.NetworkGraph;
import io.cnnkit.compiler.graph.Shape;
import io.cnnkit.compiler.op.Op;
import io.cnnkit.compiler.op.Padding;
import io.cnnkit.compiler.op.Size2;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ElaborationTest {

    static NetworkGraph compile(String source) {
        Compilation c = CnnCompiler.compileString("t.cnn", source);
        assertFalse(c.hasErrors(), () -> c.diagnostics().toString());
        return c.graphOrThrow();
    }

    static List<String> names(NetworkGraph g) {
        return g.layers().stream().map(Layer::name).toList();
    }

    @Test
    void operatorArgumentsFollowPyTorchDefaults() {
        NetworkGraph g = compile("""
                network T
                input x: 3x32x32
                output o = x -> a: conv(8, 3x5, stride=(2, 1), pad=same, groups=1, bias=false)
                  -> b: maxpool(3) -> c: avgpool(2, pad=(0, 1, 1, 0), ceil=true) -> d: lrn
                  -> e: batchnorm -> f: dropout -> g: leakyrelu -> h: zeropad((1, 2))
                """);
        assertEquals(new Op.Conv(8, new Size2(3, 5), new Size2(2, 1), new Padding.Same(), Size2.square(1), 1, false),
                g.layer("a").orElseThrow().op());
        assertEquals(new Op.MaxPool(Size2.square(3), Size2.square(3), Padding.ZERO, Size2.square(1), false),
                g.layer("b").orElseThrow().op());
        assertEquals(new Op.AvgPool(Size2.square(2), Size2.square(2), new Padding.Explicit(0, 1, 1, 0), true, true),
                g.layer("c").orElseThrow().op());
        assertEquals(new Op.Lrn(5, 1e-4, 0.75, 1.0), g.layer("d").orElseThrow().op());
        assertEquals(new Op.BatchNorm(1e-5), g.layer("e").orElseThrow().op());
        assertEquals(new Op.Dropout(0.5), g.layer("f").orElseThrow().op());
        assertEquals(new Op.LeakyRelu(0.01), g.layer("g").orElseThrow().op());
        assertEquals(new Op.ZeroPad(new Padding.Explicit(1, 2, 1, 2)), g.layer("h").orElseThrow().op());
    }

    @Test
    void namesFollowLabelsGroupsRepeatsAndCounters() {
        NetworkGraph g = compile("""
                network T
                input x: 3x32x32
                module block(c) {
                  y = in -> conv1: conv(c, 3, pad=1) -> relu
                  out y -> conv(c, 1) -> relu
                }
                a = x -> conv(4, 3) -> relu -> seq: [conv(4, 1) -> relu -> repeat 2 (tanh -> sigmoid)]
                b = a -> repeat 2 block(4)
                c = b -> block(4) -> block(4)
                output o = c -> flatten -> dense(3)
                """);
        assertEquals(List.of("x", "conv_1", "relu_1", "seq.0", "seq.1", "seq.2", "seq.3", "seq.4", "seq.5",
                "b.0.conv1", "b.0.relu_1", "b.0.conv_1", "b.0.relu_2",
                "b.1.conv1", "b.1.relu_1", "b.1.conv_1", "b.1.relu_2",
                "block_1.conv1", "block_1.relu_1", "block_1.conv_1", "block_1.relu_2",
                "c.conv1", "c.relu_1", "c.conv_1", "c.relu_2", "flatten_1", "dense_1"), names(g));
        Layer inner = g.layer("b.1.conv1").orElseThrow();
        assertEquals(List.of("b", "b.1"), inner.scopes().stream().map(s -> s.path()).toList());
        assertEquals(List.of("repeat", "block"), inner.scopes().stream().map(s -> s.kind()).toList());
        assertEquals(8, inner.site().line(), "site: the call in the network body");
        assertEquals(4, inner.definition().line(), "definition: the line inside the module");
    }

    @Test
    void conditionalsAndRepeatIndicesBuildProjectionShortcutsLikeTorchvision() {
        NetworkGraph g = compile("""
                network T
                input x: 64x56x56
                module basic(planes, stride=1, project=false) {
                  y = in -> conv1: conv(planes, 3, stride=stride, pad=1, bias=false) -> bn1: batchnorm -> relu
                         -> conv2: conv(planes, 3, pad=1, bias=false) -> bn2: batchnorm
                  s = if project { in -> downsample: [conv(planes, 1, stride=stride, bias=false) -> batchnorm] } else { in }
                  out add(y, s) -> relu
                }
                output o = x -> layer2: repeat 2 as i basic(128, stride=if i == 0 then 2 else 1, project=i == 0)
                """);
        List<String> weighted = new ArrayList<>();
        for (Layer layer : g.layers()) {
            if (layer.op() instanceof Op.Conv || layer.op() instanceof Op.BatchNorm) {
                weighted.add(layer.name());
            }
        }
        assertEquals(List.of("layer2.0.conv1", "layer2.0.bn1", "layer2.0.conv2", "layer2.0.bn2",
                "layer2.0.downsample.0", "layer2.0.downsample.1", "layer2.1.conv1", "layer2.1.bn1", "layer2.1.conv2",
                "layer2.1.bn2"), weighted);
        Op.Conv first = (Op.Conv) g.layer("layer2.0.conv1").orElseThrow().op();
        Op.Conv second = (Op.Conv) g.layer("layer2.1.conv1").orElseThrow().op();
        assertEquals(Size2.square(2), first.stride());
        assertEquals(Size2.square(1), second.stride());
        Layer add = g.layer("layer2.1.add_1").orElseThrow();
        assertEquals(List.of("layer2.1.bn2", "layer2.0.relu_2"), g.inputsOf(add).stream().map(Layer::name).toList());
    }

    @Test
    void expressionsUseExactIntegersFloorDivisionAndDefaultsThatReadEarlierParameters() {
        NetworkGraph g = compile("""
                network T
                input x: 3x32x32
                module m(a, b = a * 2 + 1, c = -7 / 2, d = 7 % -3, e = 3 / 2.0) {
                  out in -> conv(b, c + 5, pad=d + 3) -> dropout(e - 1)
                }
                output o = x -> m(4)
                """);
        Op.Conv conv = (Op.Conv) g.layers().get(1).op();
        assertEquals(9, conv.filters());
        assertEquals(Size2.square(1), conv.kernel(), "-7 / 2 rounds down to -4");
        assertEquals(Padding.symmetric(1, 1), conv.pad(), "7 % -3 takes the divisor's sign: -2");
        assertEquals(new Op.Dropout(0.5), g.layers().get(2).op());
    }

    @Test
    void numberedAndQuotedLabelsAndAModuleEndingInAGroupGiveNestedSequentialNames() {
        NetworkGraph g = compile("""
                network T
                input x: 3x32x32
                module cbr(c, k=1) {
                  out in -> [conv(c, k, pad=(k - 1) / 2, bias=false) -> batchnorm -> relu6]
                }
                module stack(c) {
                  out in -> repeat 2 cbr(c)
                }
                module block(c) {
                  y = in -> block: [cbr(c) -> 3: cbr(c, 3) -> conv(c, 1)]
                  out y -> "block1-0": stack(c)
                }
                f = x -> [cbr(8, 3) -> block(8) -> 5: relu -> tanh]
                output o = f -> 7: tanh
                """);
        assertEquals(List.of("x", "f.0.0", "f.0.1", "f.0.2",
                "f.1.block.0.0", "f.1.block.0.1", "f.1.block.0.2",
                "f.1.block.3.0", "f.1.block.3.1", "f.1.block.3.2", "f.1.block.4",
                "f.1.block1-0.0.0", "f.1.block1-0.0.1", "f.1.block1-0.0.2",
                "f.1.block1-0.1.0", "f.1.block1-0.1.1", "f.1.block1-0.1.2", "f.5", "f.6", "7"), names(g));
    }

    @Test
    void letsComputeNumbersFromParametersWithMaxAndMin() {
        NetworkGraph g = compile("""
                network T
                input x: 72x8x8
                let width = max(16, 3 * 4)
                module se(v) {
                  let rounded = max(8, (v / 4 + 4) / 8 * 8)
                  let squeeze = if rounded < 0.9 * (v / 4) then rounded + 8 else rounded
                  out in -> conv(squeeze, 1) -> conv(min(v, 2.5 * v), 1)
                }
                output o = x -> se(72) -> conv(width, 1)
                """);
        assertEquals(24, ((Op.Conv) g.layers().get(1).op()).filters(), "_make_divisible(18, 8) is 24");
        assertEquals(72, ((Op.Conv) g.layers().get(2).op()).filters(), "min of ints and a float keeps the int");
        assertEquals(16, ((Op.Conv) g.layers().get(3).op()).filters());
    }

    @Test
    void mergesKeepInputOrderAndTopologicalOrderFollowsDeclarations() {
        NetworkGraph g = compile("""
                network T
                input x: 8x8x8
                a = x -> conv(4, 1)
                b = x -> conv(4, 3, pad=1)
                output o = concat(b, a, b) : 12x8x8
                aux output side = a -> flatten -> dense(2)
                """);
        Layer concat = g.outputs().get(0).layer();
        assertEquals(List.of("conv_2", "conv_1", "conv_2"), g.inputsOf(concat).stream().map(Layer::name).toList());
        assertEquals(Shape.of(12, 8, 8), concat.assertedShape().orElseThrow());
        assertEquals(List.of("x", "conv_1", "conv_2", "concat_1", "flatten_1", "dense_1"), names(g));
        assertTrue(g.outputs().get(1).aux());
        assertEquals(List.of("conv_1", "conv_2"), g.consumersOf(g.layer("x").orElseThrow()).stream()
                .map(Layer::name).toList());
    }

    @Test
    void importsResolveNextToTheImportingFile() {
        Compilation c = CnnCompiler.compile(java.nio.file.Path.of("../examples/resnet18.cnn"));
        assertFalse(c.hasErrors(), () -> c.diagnostics().toString());
        NetworkGraph g = c.graphOrThrow();
        assertEquals("ResNet18", g.name());
        assertTrue(g.layer("layer4.1.conv2").isPresent());
    }
}
