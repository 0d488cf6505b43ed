package io.cnnkit.onnx.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.cnnkit.compiler.graph.Layer;
import io.cnnkit.compiler.graph.NetworkGraph;
import io.cnnkit.exec.Executor;
import io.cnnkit.exec.Tensor;
import io.cnnkit.exec.kernel.OpRunner;
import io.cnnkit.onnx.OnnxAttributes;
import io.cnnkit.onnx.OnnxBackendData;
import io.cnnkit.onnx.OnnxFiles;
import io.cnnkit.onnx.OnnxTensors;
import io.cnnkit.onnx.imports.OnnxImporter;
import io.cnnkit.onnx.imports.OnnxReader;
import io.cnnkit.onnx.imports.UnsupportedModelException;
import io.cnnkit.onnx.proto.Onnx.AttributeProto;
import io.cnnkit.onnx.proto.Onnx.GraphProto;
import io.cnnkit.onnx.proto.Onnx.ModelProto;
import io.cnnkit.onnx.proto.Onnx.NodeProto;
import io.cnnkit.onnx.proto.Onnx.TensorProto;
import io.cnnkit.onnx.proto.Onnx.TensorShapeProto;
import io.cnnkit.onnx.proto.Onnx.TypeProto;
import io.cnnkit.onnx.proto.Onnx.ValueInfoProto;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ONNX backend node tests (Debian's {@code libonnx-testdata}) of every node type the importer
 * reads, run through the production importer ({@link OnnxImporter}: its node decoders, the
 * {@code .cnn} it writes and compiles back) and then through both the optimised executor and the
 * reference kernels. A test directory holds {@code model.onnx} (one node) and
 * {@code test_data_set_*} with {@code input_*.pb} and {@code output_*.pb}. The node's data inputs
 * stay graph inputs and its other inputs (weights, pads, ratios) become initializers, as in an
 * exported model. Shapes the language has no rank for are seen through a view that keeps the
 * computation: element-wise nodes see {@code [d0, rest]}; Softmax, Concat and BatchNormalization
 * over axis {@code a} of shape {@code S} see {@code [S0·…·S(a-1), Sa, S(a+1)·…, 1]} with the axis
 * set to 1 (Softmax before opset 13 sees its 2-D coercion); Flatten sees the axes before its axis
 * as one. What the importer refuses is reported as skipped with its reason; a summary is printed
 * and written to {@code target/onnx-conformance.txt}. Tolerance is the ONNX backend test's default
 * (|actual − expected| ≤ 1e-7 + 1e-3·|expected|).
 */
class OnnxBackendConformanceTest {
    static final Path DATA = OnnxBackendData.NODE_TESTS;
    static final double RTOL = 1e-3;
    static final double ATOL = 1e-7;
    /** Nodes whose every input is data (the others take one data input and constants). */
    private static final Set<String> MERGES = Set.of("Add", "Sum", "Concat");
    private static final Set<String> ELEMENTWISE = Set.of("Relu", "LeakyRelu", "Sigmoid", "Tanh", "Dropout",
            "Add", "Sum", "Clip");
    /** Value names and helper nodes only: nothing of theirs runs as a layer. */
    private static final Set<String> NOT_LAYERS = Set.of("Identity", "Constant", "Reshape", "Transpose", "MatMul");

    private static final Map<String, String> SKIPPED = new ConcurrentSkipListMap<>();
    private static final Set<String> PASSED = new java.util.concurrent.ConcurrentSkipListSet<>();
    private static final Set<String> FAILED = new java.util.concurrent.ConcurrentSkipListSet<>();
    private static final Map<String, String> OPERATOR = new ConcurrentSkipListMap<>();
    private static final Set<String> TYPES = new java.util.TreeSet<>(OnnxReader.NODE_TYPES);
    private static int multiNode;

    static {
        TYPES.removeAll(NOT_LAYERS);
    }

    @TempDir
    static Path dir;

    record Case(String name, Path dir, ModelProto model, NodeProto node) {
    }

    @TestFactory
    Stream<DynamicTest> nodeTests() throws IOException {
        OnnxBackendData.nodeTests();
        List<Case> cases = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(DATA)) {
            for (Path dir : dirs.sorted().toList()) {
                Path model = dir.resolve("model.onnx");
                if (!Files.isRegularFile(model)) {
                    continue;
                }
                ModelProto m = OnnxFiles.readModel(model);
                GraphProto g = m.getGraph();
                if (g.getNodeCount() != 1) {
                    multiNode++; // function expansions (test_*_expanded): primitive ops, not one operator
                } else if (TYPES.contains(g.getNode(0).getOpType()) && g.getNode(0).getDomain().isEmpty()) {
                    cases.add(new Case(dir.getFileName().toString(), dir, m, g.getNode(0)));
                }
            }
        }
        assertTrue(cases.size() > 100, "expected the node tests of 18 operators, found " + cases.size());
        return cases.stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> run(c)));
    }

    static void run(Case c) throws IOException {
        OPERATOR.put(c.name(), c.node().getOpType());
        GraphProto graph = c.model().getGraph();
        List<Path> sets;
        try (Stream<Path> s = Files.list(c.dir())) {
            sets = s.filter(p -> p.getFileName().toString().startsWith("test_data_set_")).sorted().toList();
        }
        assertTrue(!sets.isEmpty(), c.name() + " has no test_data_set");
        for (Path set : sets) {
            Map<String, TensorProto> values = new HashMap<>();
            graph.getInitializerList().forEach(t -> values.put(t.getName(), t));
            List<String> fed = graph.getInputList().stream().map(v -> v.getName())
                    .filter(n -> !values.containsKey(n)).toList();
            for (int i = 0; i < fed.size(); i++) {
                values.put(fed.get(i), OnnxFiles.readTensor(set.resolve("input_" + i + ".pb")));
            }
            TensorProto expectedProto = OnnxFiles.readTensor(set.resolve("output_0.pb"));
            if (!OnnxTensors.isFloating(expectedProto)) {
                skip(c, "output of type " + TensorProto.DataType.forNumber(expectedProto.getDataType())
                        + " (the engine is float32)");
            }
            View view = View.of(c, values);
            Path file = dir.resolve(c.name() + "-" + set.getFileName() + ".onnx");
            Files.write(file, view.model(c, values).toByteArray());
            OnnxImporter.Imported imported;
            try {
                imported = OnnxImporter.importModel(file, c.name() + ".cnn");
            } catch (UnsupportedModelException e) {
                skip(c, String.join("; ", e.problems()));
                return;
            }
            List<Tensor> inputs = new ArrayList<>();
            for (String name : view.data()) {
                Tensor t = OnnxTensors.toTensor(values.get(name));
                inputs.add(t.reshape(view.shape(t.shape())));
            }
            Tensor expected = OnnxTensors.toTensor(expectedProto);
            int[] expectedShape = view.outputShape(expected.shape());
            check(c, "optimised", set, imported, expectedShape, expected, executor(imported, inputs));
            check(c, "reference", set, imported, expectedShape, expected, reference(imported, inputs));
        }
        PASSED.add(c.name());
    }

    /**
     * How the case is fed to the language: which node inputs are data (graph inputs), the shape each
     * data value is seen with, and the node with its axis set for that view.
     */
    record View(List<String> data, UnaryOperator<int[]> reshape, int axis, UnaryOperator<int[]> outputReshape) {
        static View of(Case c, Map<String, TensorProto> values) {
            NodeProto n = c.node();
            String type = n.getOpType();
            List<String> data = new ArrayList<>();
            for (int i = 0; i < n.getInputCount(); i++) {
                String name = n.getInput(i);
                if (!name.isEmpty() && (i == 0 || MERGES.contains(type))) {
                    data.add(name);
                }
            }
            int rank = OnnxTensors.shape(values.get(n.getInput(0))).length;
            OnnxAttributes attrs = new OnnxAttributes(n);
            if (ELEMENTWISE.contains(type)) {
                return new View(data, View::rows, -1, View::rows);
            }
            if (type.equals("Softmax") || type.equals("Concat") || type.equals("BatchNormalization")) {
                long opset = OnnxFiles.opsetVersion(c.model());
                long given = type.equals("BatchNormalization") ? 1
                        : attrs.getInt("axis", type.equals("Softmax") && opset >= 13 ? -1 : 1);
                int axis = (int) (given < 0 ? given + rank : given);
                if (axis < 0 || axis >= rank) {
                    return new View(data, s -> s, -1, s -> s);
                }
                if (type.equals("Softmax") && opset < 13) {
                    UnaryOperator<int[]> coerced = s -> new int[] {product(s, 0, axis), product(s, axis, s.length)};
                    return new View(data, coerced, 1, coerced);
                }
                UnaryOperator<int[]> channels = s -> rank == 4 && axis == 1 ? s
                        : new int[] {product(s, 0, axis), s[axis], product(s, axis + 1, s.length), 1};
                return new View(data, channels, type.equals("BatchNormalization") ? -1 : 1, channels);
            }
            if (type.equals("Flatten")) {
                long given = attrs.getInt("axis", 1);
                int axis = (int) (given < 0 ? given + rank : given);
                if (axis >= 1 && axis <= rank && rank - axis + 1 <= 4) {
                    UnaryOperator<int[]> before = s -> {
                        int[] v = new int[] {product(s, 0, axis), 1, 1, 1};
                        System.arraycopy(s, axis, v, 1, s.length - axis);
                        return rank - axis + 1 == 2 ? new int[] {v[0], v[1]} : v;
                    };
                    return new View(data, before, 1, s -> s);
                }
            }
            return new View(data, s -> s, -1, s -> s);
        }

        int[] shape(int[] s) {
            return reshape.apply(s);
        }

        int[] outputShape(int[] s) {
            return outputReshape.apply(s);
        }

        /** The case as a model: data inputs with the view's shapes, every other input an initializer. */
        ModelProto model(Case c, Map<String, TensorProto> values) {
            NodeProto.Builder node = c.node().toBuilder();
            if (axis >= 0) {
                node.clearAttribute();
                for (AttributeProto a : c.node().getAttributeList()) {
                    node.addAttribute(a.getName().equals("axis") ? a.toBuilder().setI(axis).build() : a);
                }
                if (c.node().getAttributeList().stream().noneMatch(a -> a.getName().equals("axis"))) {
                    node.addAttribute(AttributeProto.newBuilder().setName("axis")
                            .setType(AttributeProto.AttributeType.INT).setI(axis));
                }
            }
            GraphProto.Builder g = GraphProto.newBuilder().setName(c.name()).addNode(node);
            for (String name : data) {
                int[] shape = shape(OnnxTensors.shape(values.get(name)));
                TensorShapeProto.Builder dims = TensorShapeProto.newBuilder();
                for (int d : shape) {
                    dims.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
                }
                g.addInput(ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                        TypeProto.Tensor.newBuilder().setElemType(values.get(name).getDataType()).setShape(dims))));
            }
            for (String name : c.node().getInputList()) {
                if (!name.isEmpty() && !data.contains(name)) {
                    g.addInitializer(values.get(name).toBuilder().setName(name));
                }
            }
            g.addOutput(ValueInfoProto.newBuilder().setName(c.node().getOutput(0)));
            return c.model().toBuilder().setGraph(g).build();
        }

        private static int[] rows(int[] s) {
            return s.length == 0 ? new int[] {1, 1} : new int[] {s[0], product(s, 1, s.length)};
        }

        private static int product(int[] s, int from, int to) {
            int p = 1;
            for (int i = from; i < to; i++) {
                p *= s[i];
            }
            return p;
        }
    }

    private static Tensor executor(OnnxImporter.Imported imported, List<Tensor> inputs) {
        NetworkGraph graph = imported.graph();
        Map<String, Tensor> feeds = new HashMap<>();
        for (int i = 0; i < inputs.size(); i++) {
            feeds.put(graph.inputs().get(i).name(), inputs.get(i));
        }
        try (Executor executor = new Executor(graph, imported.weights(), inputs.get(0).dim(0), 2)) {
            return executor.run(feeds).values().iterator().next();
        }
    }

    /** The imported graph layer by layer through the reference kernels. */
    private static Tensor reference(OnnxImporter.Imported imported, List<Tensor> inputs) {
        NetworkGraph graph = imported.graph();
        Map<Integer, Tensor> values = new HashMap<>();
        for (int i = 0; i < inputs.size(); i++) {
            values.put(graph.inputs().get(i).id(), inputs.get(i));
        }
        for (Layer layer : graph.layers()) {
            if (!values.containsKey(layer.id())) {
                Map<String, Tensor> params = new HashMap<>();
                String prefix = layer.name() + ".";
                imported.weights().forEach((name, t) -> {
                    if (name.startsWith(prefix) && name.indexOf('.', prefix.length()) < 0) {
                        params.put(name.substring(prefix.length()), t);
                    }
                });
                List<Tensor> in = graph.inputsOf(layer).stream().map(l -> values.get(l.id())).toList();
                values.put(layer.id(), OpRunner.runReference(layer.op(), in, params));
            }
        }
        return values.get(graph.outputs().get(0).layer().id());
    }

    static void check(Case c, String which, Path set, OnnxImporter.Imported imported, int[] expectedShape,
                      Tensor expected, Tensor actual) {
        String where = c.name() + "/" + set.getFileName() + " (" + which + ", imported as "
                + imported.source().lines().filter(l -> l.startsWith("output")).findFirst().orElse("") + ")";
        try {
            assertArrayEquals(expectedShape, actual.shape(), where + ": shape");
            assertEquals(expected.size(), actual.size(), where + ": size");
            for (int i = 0; i < actual.size(); i++) {
                double e = expected.get(i);
                double a = actual.get(i);
                boolean ok = Double.isNaN(e) ? Double.isNaN(a) : Math.abs(a - e) <= ATOL + RTOL * Math.abs(e);
                if (!ok) {
                    fail(where + ": element " + i + " is " + a + ", expected " + e);
                }
            }
        } catch (AssertionError err) {
            FAILED.add(c.name());
            throw err;
        }
    }

    static void skip(Case c, String reason) {
        SKIPPED.put(c.name(), c.node().getOpType() + ": " + reason);
        Assumptions.abort(reason);
    }

    @AfterAll
    static void summary() throws IOException {
        int ran = PASSED.size() + FAILED.size();
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("ONNX backend node tests (%s) of %d node types, through the importer: %d ran, %d passed, %d failed,"
                        + " %d skipped; %d multi-node graphs (function expansions, test_*_expanded) not counted%n",
                DATA, TYPES.size(), ran, PASSED.size(), FAILED.size(), SKIPPED.size(), multiNode));
        sb.append(String.format("%-20s %6s %6s %7s%n", "operator", "ran", "passed", "skipped"));
        for (String op : TYPES) {
            java.util.function.Predicate<String> of = name -> op.equals(OPERATOR.get(name));
            sb.append(String.format("%-20s %6d %6d %7d%n", op,
                    PASSED.stream().filter(of).count() + FAILED.stream().filter(of).count(),
                    PASSED.stream().filter(of).count(), SKIPPED.keySet().stream().filter(of).count()));
        }
        sb.append("passed: ").append(String.join(" ", PASSED)).append('\n');
        if (!FAILED.isEmpty()) {
            sb.append("FAILED: ").append(String.join(" ", FAILED)).append('\n');
        }
        SKIPPED.forEach((name, reason) -> sb.append("skipped ").append(name).append(" — ").append(reason).append('\n'));
        System.out.print(sb);
        Path target = Path.of("target");
        if (Files.isDirectory(target)) {
            Files.writeString(target.resolve("onnx-conformance.txt"), sb.toString());
        }
    }
}
