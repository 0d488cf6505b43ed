package io.cnnkit.onnx.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.cnnkit.exec.Tensor;
import io.cnnkit.exec.kernel.OpRunner;
import io.cnnkit.onnx.OnnxBackendData;
import io.cnnkit.onnx.OnnxFiles;
import io.cnnkit.onnx.OnnxTensors;
import io.cnnkit.onnx.proto.Onnx.GraphProto;
import io.cnnkit.onnx.proto.Onnx.ModelProto;
import io.cnnkit.onnx.proto.Onnx.NodeProto;
import io.cnnkit.onnx.proto.Onnx.TensorProto;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ForkJoinPool;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The ONNX backend node tests (Debian's {@code libonnx-testdata}) of every operator the language
 * has, run through the reference and the optimised kernels. A test directory holds
 * {@code model.onnx} (one node) and {@code test_data_set_*} with {@code input_*.pb} and
 * {@code output_*.pb}. Nodes that use something outside the language are reported as skipped
 * with the reason; a summary of ran/passed/skipped is printed and written to
 * {@code target/onnx-conformance.txt}. Tolerance is the ONNX backend test's default
 * (|actual − expected| ≤ 1e-7 + 1e-3·|expected|).
 */
class OnnxBackendConformanceTest {
    static final Path DATA = OnnxBackendData.NODE_TESTS;
    static final double RTOL = 1e-3;
    static final double ATOL = 1e-7;

    private static final Map<String, String> SKIPPED = new ConcurrentSkipListMap<>();
    private static final Set<String> PASSED = new java.util.concurrent.ConcurrentSkipListSet<>();
    private static final Set<String> FAILED = new java.util.concurrent.ConcurrentSkipListSet<>();
    private static final ForkJoinPool POOL = new ForkJoinPool(2);
    private static final Map<String, String> OPERATOR = new ConcurrentSkipListMap<>();
    private static int multiNode;

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
                } else if (NodeMapper.SUPPORTED.contains(g.getNode(0).getOpType()) && g.getNode(0).getDomain().isEmpty()) {
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
            List<TensorProto> inputs = c.node().getInputList().stream()
                    .map(n -> n.isEmpty() ? null : values.get(n)).collect(Collectors.toList());
            TensorProto expectedProto = OnnxFiles.readTensor(set.resolve("output_0.pb"));
            NodeMapper.Mapped mapped;
            try {
                mapped = new NodeMapper(c.node(), OnnxFiles.opsetVersion(c.model()), inputs,
                        OnnxTensors.shape(expectedProto)).map();
            } catch (NodeMapper.Unsupported u) {
                skip(c, u.getMessage());
                return;
            }
            if (!OnnxTensors.isFloating(expectedProto)) {
                skip(c, "output of type " + TensorProto.DataType.forNumber(expectedProto.getDataType())
                        + " (the engine is float32)");
            }
            Tensor expected = OnnxTensors.toTensor(expectedProto);
            check(c, "reference", set, mapped, expected,
                    m -> OpRunner.runReference(m.op(), m.inputs(), m.params()));
            check(c, "optimised", set, mapped, expected,
                    m -> OpRunner.runOptimized(m.op(), m.inputs(), m.params(), POOL));
        }
        PASSED.add(c.name());
    }

    static void check(Case c, String which, Path set, NodeMapper.Mapped m, Tensor expected,
                      Function<NodeMapper.Mapped, Tensor> kernel) {
        String where = c.name() + "/" + set.getFileName() + " (" + which + ", " + m.op() + ")";
        Tensor actual;
        try {
            actual = kernel.apply(m);
        } catch (RuntimeException ex) {
            FAILED.add(c.name());
            throw new AssertionError(where + ": " + ex, ex);
        }
        try {
            assertArrayEquals(m.expectedShape(), actual.shape(), where + ": shape");
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
        POOL.shutdown();
        int ran = PASSED.size() + FAILED.size();
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("ONNX backend node tests (%s) of %d operators: %d ran, %d passed, %d failed,"
                        + " %d skipped; %d multi-node graphs (function expansions, test_*_expanded) not counted%n",
                DATA, NodeMapper.SUPPORTED.size(), ran, PASSED.size(), FAILED.size(), SKIPPED.size(), multiNode));
        sb.append(String.format("%-20s %6s %6s %7s%n", "operator", "ran", "passed", "skipped"));
        for (String op : new java.util.TreeSet<>(NodeMapper.SUPPORTED)) {
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
