package io.cnnkit.exec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cnnkit.analyzer.Analysis;
import io.cnnkit.analyzer.Analyzer;
import io.cnnkit.analyzer.ParamSpec;
import io.cnnkit.compiler.CnnCompiler;
import io.cnnkit.compiler.graph.Layer;
import io.cnnkit.compiler.graph.NetworkGraph;
import io.cnnkit.compiler.graph.Output;
import io.cnnkit.compiler.op.Op;
import io.cnnkit.exec.kernel.KernelOptions;
import io.cnnkit.exec.kernel.OpRunner;
import io.cnnkit.exec.plan.ExecutionPlan;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Whole networks run by the {@link Executor} (fused, in the shared arena, vector and scalar paths,
 * one and two threads) against the reference kernels run layer by layer.
 */
class ExecutorTest {
    static final String LENET = """
            network LeNet5
            input image: 1x32x32
            x = image -> conv1: conv(6, 5) -> relu -> maxpool(2) -> conv2: conv(16, 5) -> relu -> maxpool(2)
            output logits = x -> flatten -> fc1: dense(120) -> relu -> fc2: dense(84) -> relu -> fc3: dense(10)
            """;

    static final String RESNET = """
            network MiniResNet
            module basic(planes, stride=1, project=false) {
              y = in -> conv1: conv(planes, 3, stride=stride, pad=1, bias=false) -> bn1: batchnorm -> relu
                     -> conv2: conv(planes, 3, pad=1, bias=false) -> bn2: batchnorm
              s = if project { in -> downsample: [conv(planes, 1, stride=stride, bias=false) -> batchnorm] } else { in }
              out add(y, s) -> relu
            }
            input image: 3x21x19
            stem = image -> conv1: conv(8, 3, pad=1, bias=false) -> bn1: batchnorm -> relu
                         -> maxpool: maxpool(3, stride=2, pad=1)
            layer1 = stem -> repeat 2 basic(8)
            layer2 = layer1 -> repeat 2 as i basic(16, stride=if i == 0 then 2 else 1, project=i == 0)
            output logits = layer2 -> avgpool: globalavgpool -> flatten -> fc: dense(10)
            """;

    static final String INCEPTION = """
            network MiniInception
            module inception(c1, c3r, c3, c5r, c5, proj) {
              b1 = in -> conv(c1, 1) -> relu
              b2 = in -> conv(c3r, 1) -> relu -> conv(c3, 3, pad=1) -> relu
              b3 = in -> conv(c5r, 1) -> relu -> conv(c5, 5, pad=2) -> relu
              b4 = in -> maxpool(3, stride=1, pad=1) -> conv(proj, 1) -> relu
              out concat(b1, b2, b3, b4)
            }
            input image: 3x29x29
            stem = image -> conv1: conv(16, 7, stride=2, pad=3) -> relu -> maxpool(3, stride=2, ceil=true)
                         -> lrn(size=5, alpha=0.0001, beta=0.75)
            i3 = stem -> inception3a: inception(8, 8, 12, 4, 6, 6) -> maxpool(3, stride=2, ceil=true)
                      -> inception3b: inception(12, 8, 16, 4, 8, 8)
            aux output aux1 = i3 -> avgpool(2, stride=1) -> conv(8, 1) -> relu -> flatten -> dense(5)
            output logits = i3 -> globalavgpool -> dropout(0.4) -> flatten -> fc: dense(10) -> softmax
            """;

    /** Depthwise, relu6, leakyrelu, zeropad, same padding, dilation, exclusive avgpool, dense + batchnorm. */
    static final String MIXED = """
            network Mixed
            input image: 4x17x15
            x = image -> zeropad((1, 0, 2, 1)) -> conv(12, 3, stride=2, pad=same, bias=false) -> batchnorm -> relu6
                      -> dw: conv(12, 3, pad=1, groups=12) -> batchnorm -> leakyrelu(alpha=0.1)
                      -> conv(10, 3, dilation=2, pad=2, groups=2) -> tanh
                      -> avgpool(3, stride=2, pad=1, ceil=true, count_pad=false)
            y = x -> globalmaxpool -> flatten
            output probs = y -> dense(7) -> batchnorm -> sigmoid
            output features = x -> maxpool(2, dilation=2, ceil=true) -> relu
            """;

    static NetworkGraph compile(String text) {
        return CnnCompiler.compileString("test.cnn", text).graphOrThrow();
    }

    static Map<String, Tensor> weights(NetworkGraph graph, long seed) {
        return TestNetworks.weights(graph, seed);
    }

    static Map<String, Tensor> inputs(NetworkGraph graph, int batch, long seed) {
        return TestNetworks.inputs(graph, batch, seed);
    }

    /** Every layer through {@link OpRunner#runReference}, one at a time, no fusion, no arena. */
    static Map<String, Tensor> referenceRun(NetworkGraph graph, Map<String, Tensor> weights, Map<String, Tensor> inputs) {
        Map<Layer, Tensor> values = new HashMap<>();
        for (Layer layer : graph.layers()) {
            if (layer.op() instanceof Op.Input) {
                values.put(layer, inputs.get(layer.name()));
                continue;
            }
            List<Tensor> in = new ArrayList<>();
            graph.inputsOf(layer).forEach(l -> in.add(values.get(l)));
            Map<String, Tensor> params = new HashMap<>();
            String prefix = layer.name() + ".";
            weights.forEach((k, v) -> {
                if (k.startsWith(prefix) && !k.substring(prefix.length()).contains(".")) {
                    params.put(k.substring(prefix.length()), v);
                } else if (k.equals(ParamSpec.key(layer.name(), ParamSpec.BARE))) {
                    params.put(ParamSpec.BARE, v);
                }
            });
            values.put(layer, OpRunner.runReference(layer.op(), in, params));
        }
        Map<String, Tensor> out = new HashMap<>();
        for (Output o : graph.outputs()) {
            out.put(o.name(), values.get(o.layer()));
        }
        return out;
    }

    static void assertClose(Tensor want, Tensor got, String what) {
        assertArrayEquals(want.shape(), got.shape(), what);
        float scale = 1e-3f;
        for (int i = 0; i < want.size(); i++) {
            scale = Math.max(scale, Math.abs(want.get(i)));
        }
        for (int i = 0; i < want.size(); i++) {
            float err = Math.abs(want.get(i) - got.get(i)) / scale;
            assertTrue(err <= 1e-4f, what + ": element " + i + " want " + want.get(i) + " got " + got.get(i));
        }
    }

    static void checkNetwork(String text, int batch) {
        NetworkGraph graph = compile(text);
        Map<String, Tensor> weights = weights(graph, 11);
        Map<String, Tensor> inputs = inputs(graph, batch, 12);
        Map<String, Tensor> want = referenceRun(graph, weights, inputs);
        Map<String, float[]> given = new HashMap<>();
        inputs.forEach((name, t) -> given.put(name, t.toArray()));
        for (boolean scalar : new boolean[] {false, true}) {
            for (int threads : new int[] {1, 2}) {
                ExecutionPlan plan = ExecutionPlan.build(graph, weights, batch, new KernelOptions(scalar, threads));
                try (Executor executor = new Executor(plan, threads)) {
                    for (int run = 0; run < 2; run++) { // the arena is reused: a second run must not differ
                        Map<String, Tensor> got = executor.run(inputs);
                        for (Output o : plan.outputs()) {
                            assertClose(want.get(o.name()), got.get(o.name()), graph.name() + " " + o.name()
                                    + (scalar ? " scalar" : " vector") + " threads " + threads + " run " + run);
                        }
                        assertEquals(plan.outputs().size(), got.size());
                        inputs.forEach((name, t) -> assertArrayEquals(given.get(name), t.toArray(),
                                "input " + name + " is read where it lies, never written"));
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3})
    void lenetEqualsTheReferenceKernels(int batch) {
        checkNetwork(LENET, batch);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void resnetWithProjectionShortcutsEqualsTheReferenceKernels(int batch) {
        checkNetwork(RESNET, batch);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void inceptionWithConcatCeilPoolsAndLrnEqualsTheReferenceKernels(int batch) {
        checkNetwork(INCEPTION, batch);
    }

    @Test
    void depthwiseAndOtherOperatorsEqualTheReferenceKernels() {
        checkNetwork(MIXED, 2);
    }

    @Test
    void arenaAtBatchOneIsTheAnalyzersPeakActivationMemory() {
        for (String text : List.of(LENET, RESNET, INCEPTION, MIXED, RESIDUAL, SUMS)) {
            NetworkGraph graph = compile(text);
            try (Executor executor = new Executor(graph, weights(graph, 1), 1, 1)) {
                assertEquals(Analyzer.analyze(graph, 1).memoryPlan().arenaBytes(), executor.arenaBytes(), graph.name());
            }
        }
    }

    /** The residual of the add is the conv's own input, so it stays live and the add's buffer cannot overlap it. */
    static final String RESIDUAL = """
            network Residual
            input image: 5x9x7
            x = image -> conv(8, 3, pad=1) -> relu
            y = x -> conv(8, 3, pad=1, bias=false) -> batchnorm
            output result = add(y, x) -> relu
            """;

    @Test
    void batchnormAndActivationsAreFused() {
        NetworkGraph graph = compile(RESNET);
        ExecutionPlan plan = ExecutionPlan.build(graph, weights(graph, 1), 1, KernelOptions.defaults(1));
        List<String> steps = plan.steps().stream().map(ExecutionPlan.Step::name).toList();
        assertTrue(steps.contains("conv1+bn1+relu_1"), steps.toString());
        // every residual add is the epilogue of the conv computed last: conv2 for identity shortcuts,
        // the downsample (scheduled after conv2) for projections
        assertTrue(steps.contains("layer1.0.conv2+layer1.0.bn2+layer1.0.add_1+layer1.0.relu_2"), steps.toString());
        assertTrue(steps.contains("layer2.0.downsample.0+layer2.0.downsample.1+layer2.0.add_1+layer2.0.relu_2"),
                steps.toString());
        assertFalse(steps.stream().anyMatch(s -> s.startsWith("layer1.0.bn") || s.startsWith("flatten")
                || s.contains(".add_1+") && !s.contains("conv") && !s.contains("downsample")), steps.toString());
    }

    /** Adds that stay steps of their own, working in place on their second or third input. */
    static final String SUMS = """
            network Sums
            input image: 3x9x11
            a = image -> conv(6, 3, pad=1)
            b = image -> conv(6, 1) -> relu
            s = add(a, b) -> tanh
            c = s -> conv(6, 1) -> relu
            d = s -> conv(6, 3, pad=1) -> relu
            output sum3 = add(c, s, d)
            """;

    @Test
    void addsInPlaceOnAnyInputEqualTheReferenceKernels() {
        NetworkGraph graph = compile(SUMS);
        Analysis analysis = Analyzer.analyze(graph, 1);
        Layer first = graph.layers().stream().filter(l -> l.name().equals("add_1")).findFirst().orElseThrow();
        assertEquals("relu_1", analysis.memoryPlan().aliasOf(first).orElseThrow().name());
        ExecutionPlan plan = ExecutionPlan.build(graph, weights(graph, 1), 1, KernelOptions.defaults(1));
        List<String> steps = plan.steps().stream().map(ExecutionPlan.Step::name).toList();
        assertTrue(steps.contains("add_1") && steps.contains("add_2"), steps.toString());
        checkNetwork(SUMS, 2);
    }

    @Test
    void aResidualAddIsFusedIntoTheConvWhenItsBufferIsFreeEarly() {
        NetworkGraph graph = compile(RESIDUAL);
        ExecutionPlan plan = ExecutionPlan.build(graph, weights(graph, 1), 1, KernelOptions.defaults(1));
        List<String> steps = plan.steps().stream().map(ExecutionPlan.Step::name).toList();
        assertEquals(2, steps.size(), steps.toString());
        assertTrue(steps.get(1).matches("conv_2\\+batchnorm_1\\+add_1\\+relu_2"), steps.toString());
        checkNetwork(RESIDUAL, 2);
    }

    /** ConvNeXt's block (layer scale, stochastic depth, residual add) and a scale after a batchnorm. */
    static final String LAYER_SCALE = """
            network LayerScale
            input image: 6x9x7
            x = image -> conv(6, 3, pad=1)
            y = x -> [conv(6, 7, pad=3, groups=6) -> layernorm -> linear(24) -> gelu -> linear(6)] -> scale
                  -> stochastic_depth(0.1)
            z = add(y, x) -> conv(5, 3, pad=1, bias=false) -> batchnorm -> scale -> dropout(0.5)
            w = image -> conv(5, 1)
            output result = add(z, w) -> relu
            """;

    @Test
    void aScaleFoldsIntoTheLayerBeforeItAndTheAddAfterItFuses() {
        NetworkGraph graph = compile(LAYER_SCALE);
        ExecutionPlan plan = ExecutionPlan.build(graph, weights(graph, 1), 1, KernelOptions.defaults(1));
        List<String> steps = plan.steps().stream().map(ExecutionPlan.Step::name).toList();
        assertTrue(steps.contains("group_1.4+scale_1+stochastic_depth_1+add_1"), steps.toString());
        assertTrue(steps.contains("conv_2+batchnorm_1+scale_2+dropout_1"), steps.toString());
        assertFalse(steps.stream().anyMatch(s -> s.startsWith("scale") || s.startsWith("add")), steps.toString());
        checkNetwork(LAYER_SCALE, 2);
    }

    /**
     * Inverted residual blocks: a 1x1 expand whose output only a depthwise layer reads (fused at
     * 512 bits), and one whose output an add reads too (never fused).
     */
    static final String INVERTED = """
            network Inverted
            input image: 5x13x11
            x = image -> conv(8, 3, stride=2, pad=1) -> batchnorm -> relu6
            e = x -> conv(40, 1, bias=false) -> batchnorm -> relu6
                  -> conv(40, 3, pad=1, groups=40, bias=false) -> batchnorm -> relu6 -> conv(8, 1) -> batchnorm
            y = add(e, x)
            s = y -> conv(20, 1) -> silu
            d = s -> conv(20, 3, stride=2, pad=1, groups=20) -> hardswish -> globalavgpool -> flatten
            t = y -> conv(20, 1)
            m = add(s, t) -> globalmaxpool -> flatten
            output probs = concat(d, m) -> dense(3)
            """;

    @Test
    void anExpandIsFusedIntoTheDepthwiseLayerThatAloneReadsIt() {
        NetworkGraph graph = compile(INVERTED);
        ExecutionPlan plan = ExecutionPlan.build(graph, weights(graph, 1), 1, KernelOptions.defaults(1));
        List<List<Layer>> fused = plan.steps().stream().map(ExecutionPlan.Step::layers)
                .filter(layers -> layers.stream().filter(l -> l.op() instanceof Op.Conv).count() == 2).toList();
        boolean wide = io.cnnkit.exec.kernel.Kernels.vectorBits() == 512;
        assertEquals(wide ? 1 : 0, fused.size(), plan.steps().stream().map(ExecutionPlan.Step::name).toList()
                .toString());
        if (wide) {
            Op.Conv expand = (Op.Conv) fused.get(0).get(0).op();
            assertEquals(40, expand.filters());
        }
        checkNetwork(INVERTED, 2);
    }

    /** The depthwise output takes the buffer of the expand's input, which is dead by then. */
    static final String STAGED = """
            network Staged
            input image: 3x32x32
            x = image -> conv(16, 3, pad=1) -> relu6
            output y = x -> conv(64, 1) -> relu6 -> conv(64, 3, stride=2, pad=1, groups=64) -> relu6 -> conv(12, 1)
            """;

    @Test
    void anExpandWhoseInputBufferTheDepthwiseOutputReusesIsFusedThroughItsStaging() {
        NetworkGraph graph = compile(STAGED);
        ExecutionPlan plan = ExecutionPlan.build(graph, weights(graph, 1), 1, KernelOptions.defaults(2));
        List<ExecutionPlan.Step> staged = plan.steps().stream().filter(step -> step.staging() != null).toList();
        boolean wide = io.cnnkit.exec.kernel.Kernels.vectorBits() == 512;
        assertEquals(wide ? 1 : 0, staged.size(), plan.steps().stream().map(ExecutionPlan.Step::name).toList()
                .toString());
        if (wide) {
            ExecutionPlan.Step step = staged.get(0);
            Layer x = step.inputs().get(0);
            long out = plan.offset(step.output()), in = plan.offset(x);
            assertTrue(out < in + 16 * 32 * 32 && in < out + 64 * 16 * 16, "the output overlaps the input");
            assertEquals("relu6_2", step.staging().name(), "the expand's own output, never written otherwise");
        }
        checkNetwork(STAGED, 2);
    }

    /** A stem and its max pool; the pool's output may take the image's buffer. */
    static final String STEM = """
            network Stem
            input image: 3x40x36
            x = image -> conv(64, 7, stride=2, pad=3, bias=false) -> batchnorm -> relu -> maxpool(3, stride=2, pad=1)
            output y = x -> conv(10, 3, pad=1) -> relu
            """;

    @Test
    void aStemAndTheMaxPoolAfterItRunAsOneStep() {
        NetworkGraph graph = compile(STEM);
        ExecutionPlan plan = ExecutionPlan.build(graph, weights(graph, 1), 2, KernelOptions.defaults(2));
        List<String> steps = plan.steps().stream().map(ExecutionPlan.Step::name).toList();
        boolean wide = io.cnnkit.exec.kernel.Kernels.vectorBits() == 512;
        assertEquals(wide ? 2 : 3, steps.size(), steps.toString());
        if (wide) {
            assertEquals("conv_1+batchnorm_1+relu_1+maxpool_1", steps.get(0));
        }
        checkNetwork(STEM, 2);
    }

    @Test
    void independentSmallStepsRunSideBySideOnTwoThreads() {
        NetworkGraph graph = compile(INCEPTION);
        try (Executor one = new Executor(graph, weights(graph, 1), 1, 1);
             Executor two = new Executor(graph, weights(graph, 1), 1, 2)) {
            assertTrue(one.schedule().stream().allMatch(g -> g.size() == 1), one.schedule().toString());
            List<List<String>> pairs = two.schedule().stream().filter(g -> g.size() == 2).toList();
            // the first branches of an Inception module read the same input and nothing of each other
            assertTrue(pairs.contains(List.of("inception3a.conv_1+inception3a.relu_1", "inception3a.conv_2+inception3a.relu_2")),
                    two.schedule().toString());
            List<String> order = two.schedule().stream().flatMap(List::stream).sorted().toList();
            assertEquals(one.schedule().stream().flatMap(List::stream).sorted().toList(), order, "every step once");
        }
        checkNetwork(INCEPTION, 1);   // both sides against the reference (threads 2 included)
    }

    @Test
    void profilingReportsTimeAndTheAnalyzersMacs() {
        NetworkGraph graph = compile(LENET);
        try (Executor executor = new Executor(graph, weights(graph, 1), 1, 1)) {
            executor.setProfiling(true);
            executor.run(inputs(graph, 1, 1));
            executor.run(inputs(graph, 1, 2));
            List<Executor.StepProfile> profile = executor.profile();
            Analysis analysis = Analyzer.analyze(graph, 1);
            long macs = profile.stream().mapToLong(Executor.StepProfile::macs).sum();
            assertEquals(analysis.inferenceTotals().macs(), macs);
            assertTrue(profile.stream().allMatch(p -> p.runs() == 2 && p.nanos() > 0));
        }
    }

    /** An input read by two steps and given out through a view of its buffer. */
    static final String VIEWS = """
            network Views
            input x: 2x6x6
            output flat = x -> flatten
            output y = x -> conv(4, 3, pad=1) -> relu
            output z = x -> maxpool(2)
            """;

    @Test
    void readsEachInputWhereTheCallersTensorLies() {
        NetworkGraph graph = compile(VIEWS);
        Map<String, Tensor> weights = weights(graph, 5);
        float[] big = new float[3 * 72 + 20];
        for (int i = 0; i < big.length; i++) {
            big[i] = (float) Math.sin(i);
        }
        try (Executor executor = new Executor(graph, weights, 1, 2)) {
            // views at different places of one array, then the first again: the steps follow each one
            for (int at : new int[] {7, 90, 7, 0}) {
                Tensor x = Tensor.view(big, at, 1, 2, 6, 6);
                float[] before = big.clone();
                Map<String, Tensor> want = referenceRun(graph, weights, Map.of("x", x.copy()));
                Map<String, Tensor> got = executor.run(Map.of("x", x));
                for (String name : List.of("flat", "y", "z")) {
                    assertClose(want.get(name), got.get(name), name + " from offset " + at);
                }
                assertArrayEquals(before, big, "the caller's array is not written");
            }
        }
        checkNetwork(VIEWS, 2);
    }

    @Test
    void copiesTheOutputsAskedForIntoTensorsAllocatedOnce() {
        NetworkGraph graph = compile(RESNET);
        try (Executor executor = new Executor(graph, weights(graph, 1), 1, 2)) {
            Map<String, Tensor> outputs = executor.newOutputs();
            Tensor logits = outputs.get("logits");
            for (int seed = 1; seed <= 2; seed++) {
                Map<String, Tensor> in = inputs(graph, 1, seed);
                executor.run(in, outputs);
                assertArrayEquals(executor.run(in).get("logits").toArray(), logits.toArray());
            }
            float[] before = logits.toArray();
            IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                    () -> executor.run(inputs(graph, 1, 3), Map.of("logits", Tensor.zeros(1, 9), "extra", logits)));
            assertEquals("output logits has shape [1, 9], expected [1, 10]; unexpected output extra", bad.getMessage());
            assertArrayEquals(before, logits.toArray());
            executor.run(inputs(graph, 1, 3), Map.of());
            assertArrayEquals(before, logits.toArray(), "outputs not asked for are not copied");
            Map<String, Tensor> nullOutput = new HashMap<>();
            nullOutput.put("logits", null);
            assertEquals("output logits is null", assertThrows(IllegalArgumentException.class,
                    () -> executor.run(inputs(graph, 1, 3), nullOutput)).getMessage());
        }
    }

    @Test
    void badWeightsAndInputsGetOneClearError() {
        NetworkGraph graph = compile(LENET);
        Map<String, Tensor> weights = weights(graph, 1);
        weights.remove("conv1.bias");
        weights.put("conv2.weight", Tensor.zeros(16, 6, 3, 3));
        weights.put("fc4.weight", Tensor.zeros(1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ExecutionPlan.build(graph, weights, 1, KernelOptions.defaults(1)));
        assertEquals("""
                weights do not match the network:
                  missing conv1.bias [6]
                  conv2.weight has shape [16, 6, 3, 3], expected [16, 6, 5, 5]
                  unexpected fc4.weight""", e.getMessage());
        try (Executor executor = new Executor(graph, weights(graph, 1), 2, 1)) {
            IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                    () -> executor.run(Map.of("image", Tensor.zeros(1, 1, 32, 32), "extra", Tensor.zeros(1))));
            assertEquals("input image has shape [1, 1, 32, 32], expected [2, 1, 32, 32]; unexpected input extra",
                    bad.getMessage());
        }
    }
}
