package io.cnnkit.onnx.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cnnkit.analyzer.Analysis;
import io.cnnkit.compiler.CnnCompiler;
import io.cnnkit.compiler.Compilation;
import io.cnnkit.compiler.Diagnostic;
import io.cnnkit.compiler.graph.Layer;
import io.cnnkit.compiler.graph.NetworkGraph;
import io.cnnkit.compiler.op.Op;
import io.cnnkit.compiler.op.Operators;
import io.cnnkit.exec.Executor;
import io.cnnkit.exec.Tensor;
import io.cnnkit.onnx.ExportOptions;
import io.cnnkit.onnx.ExportRefusedException;
import io.cnnkit.onnx.OnnxExporter;
import io.cnnkit.onnx.TestModels;
import io.cnnkit.onnx.imports.OnnxImporter;
import io.cnnkit.onnx.proto.Onnx.ModelProto;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every operator at the edges of its arguments, exported and run in ONNX Runtime next to our
 * executor, then imported back by the production importer and run again: the three must agree.
 * What ONNX cannot state as cnnkit computes it (an LRN of even size) is refused with a located
 * error instead.
 */
class OperatorEdgesTest {
    private static final double TOLERANCE = 1e-4;

    /** One layer (or a short chain) on a small input, odd sizes on purpose. */
    record Edge(String input, String chain) {
        String source() {
            return "network Edge\ninput x: " + input + "\noutput y = x -> " + chain + "\n";
        }

        @Override
        public String toString() {
            return chain + " on " + input;
        }
    }

    static List<Edge> edges() {
        return List.of(
                new Edge("3x11x13", "conv(4, 3)"),
                new Edge("3x11x13", "conv(5, (3, 2), stride=(2, 1), pad=(1, 0, 2, 1), bias=false)"),
                new Edge("4x12x9", "conv(6, 3, pad=same, stride=2)"),
                new Edge("4x12x9", "conv(4, 3, dilation=2, pad=2, groups=2)"),
                new Edge("6x10x10", "conv(6, 5, pad=2, groups=6)"),
                new Edge("3x11x13", "maxpool(3, stride=2)"),
                new Edge("3x11x13", "maxpool(3, stride=2, ceil=true)"),
                new Edge("3x11x13", "maxpool(3, stride=2, pad=1, ceil=true)"),
                new Edge("3x12x12", "maxpool(2, stride=1, dilation=2)"),
                new Edge("3x11x13", "maxpool((3, 2), pad=(1, 0, 1, 1))"),
                new Edge("3x11x13", "maxpool(3, pad=same, stride=2)"),
                new Edge("3x11x13", "avgpool(3, stride=2)"),
                new Edge("3x11x13", "avgpool(3, stride=2, pad=1)"),
                new Edge("3x11x13", "avgpool(3, stride=2, pad=1, count_pad=false)"),
                new Edge("3x11x13", "avgpool(3, stride=2, pad=1, ceil=true)"),
                new Edge("3x11x13", "avgpool(3, stride=2, pad=1, ceil=true, count_pad=false)"),
                new Edge("3x11x13", "avgpool(2, stride=(2, 3), pad=(1, 0, 0, 1))"),
                new Edge("5x7x9", "globalavgpool"),
                new Edge("5x7x9", "globalmaxpool"),
                new Edge("5x7x9", "adaptiveavgpool(1)"),
                new Edge("5x8x9", "adaptiveavgpool((4, 3))"),
                new Edge("5x8x9", "adaptivemaxpool((2, 9))"),
                new Edge("5x8x9", "adaptivemaxpool(1)"),
                new Edge("6x5x4", "slice(0, 2)"),
                new Edge("6x5x4", "slice(2, 6)"),
                new Edge("10", "slice(3, 7)"),
                new Edge("6x5x4", "channel_shuffle(2)"),
                new Edge("12x3x5", "channel_shuffle(3)"),
                new Edge("12x3x5", "channel_shuffle(12)"),
                new Edge("4x5x6", "stochastic_depth(0.1) -> relu"),
                new Edge("5x3x3", "flatten -> dense(7)"),
                new Edge("5x3x3", "flatten -> dense(3, bias=false)"),
                new Edge("4x5x6", "relu"),
                new Edge("4x5x6", "relu6"),
                new Edge("4x5x6", "leakyrelu(0.2)"),
                new Edge("4x5x6", "leakyrelu(0)"),
                new Edge("4x5x6", "tanh"),
                new Edge("4x5x6", "sigmoid"),
                new Edge("4x5x6", "silu"),
                new Edge("4x5x6", "hardsigmoid"),
                new Edge("4x5x6", "hardswish"),
                new Edge("4x5x6", "gelu"),
                new Edge("4x5x6", "gelu(approximate=\"tanh\")"),
                new Edge("4x5x6", "conv(4, 1) -> silu -> conv(4, 1)"),
                new Edge("7x3x2", "softmax"),
                new Edge("20", "softmax"),
                new Edge("7x5x6", "lrn(5)"),
                new Edge("7x5x6", "lrn(size=3, alpha=0.01, beta=0.5, k=2.0)"),
                new Edge("7x5x6", "lrn(1)"),
                new Edge("4x5x6", "batchnorm"),
                new Edge("4x5x6", "batchnorm(eps=0.001)"),
                new Edge("12", "batchnorm"),
                new Edge("4x5x6", "layernorm"),
                new Edge("9x4x3", "layernorm(eps=0.000001)"),
                new Edge("12", "layernorm"),
                new Edge("4x5x6", "conv(6, 7, pad=3, groups=2) -> layernorm(eps=0.000001) -> linear(8) -> gelu"
                        + " -> linear(6, bias=false) -> layer_scale: scale"),
                new Edge("10", "scale"),
                new Edge("4x5x6", "layer_scale: scale -> relu"),
                new Edge("4x5x6", "dropout(0.3)"),
                new Edge("4x5x6", "zeropad(1)"),
                new Edge("4x5x6", "zeropad((1, 2, 0, 3))"));
    }

    /** Merges need two values, so they get networks of their own. */
    static List<String> merges() {
        return List.of(
                "network M\ninput x: 4x5x6\na = x -> conv(3, 1)\nb = x -> conv(5, 3, pad=1)\n"
                        + "output y = concat(a, b, x)\n",
                "network M\ninput x: 4x5x6\na = x -> conv(4, 1)\nb = x -> relu\noutput y = add(a, b)\n",
                "network M\ninput x: 4x5x6\na = x -> conv(4, 1)\nb = x -> relu\noutput y = add(a, b, x)\n",
                "network M\ninput x: 4x5x6\na = x -> conv(4, 1)\nb = x -> tanh\noutput y = mul(a, b)\n",
                "network M\ninput x: 6x5x7\ng = x -> globalavgpool -> conv(3, 1) -> relu -> conv(6, 1) -> hardsigmoid\n"
                        + "output y = mul(x, g)\n");
    }

    static Stream<String> sources() {
        return Stream.concat(edges().stream().map(Edge::source), merges().stream());
    }

    @TempDir
    Path dir;

    @ParameterizedTest
    @MethodSource("sources")
    void exportRunsInOnnxRuntimeAndImportsBackUnchanged(String source) throws Exception {
        NetworkGraph graph = compile(source);
        int batch = 2;
        Analysis analysis = TestModels.analyse(graph, batch);
        Map<String, Tensor> weights = TestModels.weights(analysis, 5);
        Layer input = graph.inputs().get(0);
        int[] shape = IntStream.concat(IntStream.of(batch),
                ((Op.Input) input.op()).shape().dims().stream().mapToInt(Long::intValue)).toArray();
        Tensor x = TestModels.randomInput(shape, 13);

        Tensor ours = run(graph, weights, batch, input.name(), x);
        for (int opset = ExportOptions.MIN_OPSET; opset <= ExportOptions.MAX_OPSET; opset++) {
            ModelProto model = OnnxExporter.export(graph, analysis, weights, ExportOptions.defaults().withOpset(opset));
            Tensor theirs = OrtRunner.run(model.toByteArray(), Map.of(input.name(), x)).get("y");
            assertClose(source + " in ONNX Runtime at opset " + opset, theirs, ours);
        }

        Path onnx = dir.resolve("edge.onnx");
        OnnxExporter.write(OnnxExporter.export(graph, analysis, weights, ExportOptions.defaults()), onnx);
        OnnxImporter.Imported back = OnnxImporter.importModel(onnx, dir.resolve("edge.cnn").toString());
        Tensor imported = run(back.graph(), back.weights(), batch, back.graph().inputs().get(0).name(), x);
        assertClose(source + " imported back as\n" + back.source(), imported, ours);
    }

    /** From opset 17 a layer norm is LayerNormalization between two transposes; it imports back as layernorm. */
    @Test
    void aLayerNormImportsBackFromLayerNormalization() throws Exception {
        NetworkGraph graph = compile("network N\ninput x: 5x4x3\noutput y = x -> conv(6, 1) -> norm: layernorm(eps=0.000001)"
                + " -> relu\n");
        Analysis analysis = TestModels.analyse(graph, 2);
        Map<String, Tensor> weights = TestModels.weights(analysis, 7);
        Tensor x = TestModels.randomInput(new int[] {2, 5, 4, 3}, 3);
        Path onnx = dir.resolve("norm.onnx");
        OnnxExporter.write(OnnxExporter.export(graph, analysis, weights, ExportOptions.defaults().withOpset(17)), onnx);
        OnnxImporter.Imported back = OnnxImporter.importModel(onnx, dir.resolve("norm.cnn").toString());
        assertTrue(back.source().contains("norm: layernorm(eps=0.000001)"), back.source());
        assertClose("imported back as\n" + back.source(), run(back.graph(), back.weights(), 2, "x", x),
                run(graph, weights, 2, "x", x));
    }

    @ParameterizedTest
    @MethodSource("evenLrn")
    void anLrnOfEvenSizeIsRefusedAtItsLocation(int size) {
        NetworkGraph graph = compile("network L\ninput x: 6x4x4\noutput y = x -> relu\n  -> norm: lrn(" + size + ")\n");
        Analysis analysis = TestModels.analyse(graph, 1);
        ExportRefusedException e = assertThrows(ExportRefusedException.class,
                () -> OnnxExporter.export(graph, analysis, Map.of(), ExportOptions.defaults()));
        assertEquals(1, e.diagnostics().size());
        Diagnostic d = e.diagnostics().get(0);
        assertEquals("export-unsupported", d.code());
        assertEquals(4, d.location().line());
        assertTrue(d.message().contains("lrn of even size " + size), d.message());
    }

    @Test
    void anAdaptivePoolOfUnevenWindowsIsRefusedAtItsLocation() {
        NetworkGraph graph = compile("network A\ninput x: 3x10x10\noutput y = x -> relu\n  -> adaptiveavgpool(3)\n");
        Analysis analysis = TestModels.analyse(graph, 1);
        ExportRefusedException e = assertThrows(ExportRefusedException.class,
                () -> OnnxExporter.export(graph, analysis, Map.of(), ExportOptions.defaults()));
        Diagnostic d = e.diagnostics().get(0);
        assertEquals(4, d.location().line());
        assertTrue(d.message().contains("adaptiveavgpool from 10x10 to 3x3 cannot be exported"), d.message());
    }

    static Stream<Integer> evenLrn() {
        return Stream.of(2, 4);
    }

    /** A new operator needs an edge here: the list must name every declared operator. */
    @Test
    void everyOperatorHasAnEdge() {
        Set<String> covered = new TreeSet<>();
        sources().forEach(s -> compile(s).layers().forEach(l -> covered.add(l.kind())));
        Set<String> declared = Operators.all().stream().map(Operators.Spec::name).collect(Collectors.toCollection(TreeSet::new));
        declared.removeAll(covered);
        assertEquals(Set.of(), declared, "operators without an export edge");
    }

    private static NetworkGraph compile(String source) {
        Compilation c = CnnCompiler.compileString("edge.cnn", source);
        assertFalse(c.hasErrors(), () -> source + c.diagnostics().stream().map(Diagnostic::render).toList());
        return c.graph().orElseThrow();
    }

    private static Tensor run(NetworkGraph graph, Map<String, Tensor> weights, int batch, String input, Tensor x) {
        try (Executor executor = new Executor(graph, weights, batch, 1)) {
            return executor.run(Map.of(input, x)).values().iterator().next();
        }
    }

    private static void assertClose(String what, Tensor actual, Tensor expected) {
        assertArrayEquals(expected.shape(), actual.shape(), what + ": shape " + Arrays.toString(actual.shape()));
        double error = TestModels.relativeError(actual.toArray(), expected.toArray());
        assertTrue(error <= TOLERANCE, String.format(Locale.ROOT, "%s: relative error %.2e", what, error));
    }
}
