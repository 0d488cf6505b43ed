package io.cnnkit.onnx;

import static org.junit.jupiter.api.Assertions.assertFalse;

import io.cnnkit.analyzer.Analysis;
import io.cnnkit.analyzer.Analyzer;
import io.cnnkit.compiler.CnnCompiler;
import io.cnnkit.compiler.Compilation;
import io.cnnkit.compiler.Diagnostic;
import io.cnnkit.compiler.graph.NetworkGraph;
import io.cnnkit.compiler.op.Op;
import io.cnnkit.exec.Tensor;
import io.cnnkit.exec.io.ParamRequirement;
import io.cnnkit.exec.io.Weights;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

/** The networks the ONNX tests use: the example zoo, the exec fixtures and this module's own. */
public final class TestModels {
    public static final Path EXAMPLES = Path.of("../examples");
    public static final Path FIXTURES = Path.of("../exec/src/test/resources/fixtures");
    public static final Path OWN = Path.of("src/test/resources/models");

    private TestModels() {
    }

    /** Every .cnn network (files without a {@code network} line, like block libraries, left out). */
    public static List<Path> all() {
        return Stream.of(OWN, FIXTURES, EXAMPLES).flatMap(TestModels::networksIn).toList();
    }

    private static Stream<Path> networksIn(Path folder) {
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(p -> p.toString().endsWith(".cnn")).filter(TestModels::isNetwork).sorted().toList()
                    .stream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean isNetwork(Path file) {
        try {
            return Files.readAllLines(file).stream().anyMatch(l -> l.strip().startsWith("network "));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static NetworkGraph compile(Path file) {
        Compilation c = CnnCompiler.compile(file);
        assertFalse(c.hasErrors(), () -> file + ": " + c.diagnostics().stream().map(Diagnostic::render).toList());
        return c.graph().orElseThrow();
    }

    public static Analysis analyse(NetworkGraph graph, int batch) {
        Analysis a = Analyzer.analyze(graph, batch);
        assertFalse(a.hasErrors(), () -> a.diagnostics().stream().map(Diagnostic::render).toList().toString());
        return a;
    }

    /**
     * Seeded He weights, with batchnorm statistics and affine parameters drawn at random too (the
     * seeded identity batchnorm would hide a mix-up of its four tensors).
     */
    public static Map<String, Tensor> weights(Analysis analysis, long seed) {
        Map<String, Tensor> w = new LinkedHashMap<>(Weights.initialize(ParamRequirement.of(analysis), seed).asMap());
        Random random = new Random(seed);
        for (Map.Entry<String, Tensor> e : w.entrySet()) {
            String name = e.getKey();
            boolean bn = name.endsWith(".running_mean") || name.endsWith(".running_var")
                    || (name.contains(".") && w.containsKey(name.substring(0, name.lastIndexOf('.')) + ".running_mean"));
            if (bn) {
                Tensor t = e.getValue().copy();
                boolean positive = name.endsWith(".running_var") || name.endsWith(".weight");
                for (int i = 0; i < t.size(); i++) {
                    t.set(i, positive ? 0.5f + random.nextFloat() : random.nextFloat() - 0.5f);
                }
                e.setValue(t);
            }
        }
        // layer norms and scales would start as the identity, hiding a mix-up of their tensors
        for (var stats : analysis.layers()) {
            if (stats.layer().op() instanceof Op.LayerNorm || stats.layer().op() instanceof Op.Scale) {
                for (var p : stats.params()) {
                    Tensor t = w.get(p.key(stats.layer().name())).copy();
                    for (int i = 0; i < t.size(); i++) {
                        t.set(i, p.name().equals("bias") ? random.nextFloat() - 0.5f : 0.5f + random.nextFloat());
                    }
                    w.put(p.key(stats.layer().name()), t);
                }
            }
        }
        return w;
    }

    public static Tensor randomInput(int[] shape, long seed) {
        Random random = new Random(seed);
        Tensor t = Tensor.zeros(shape);
        for (int i = 0; i < t.size(); i++) {
            t.set(i, (float) random.nextGaussian());
        }
        return t;
    }

    /** max |a - b| / max |b|: the relative error of {@code actual} against {@code expected}. */
    public static double relativeError(float[] actual, float[] expected) {
        if (actual.length != expected.length) {
            return Double.POSITIVE_INFINITY;
        }
        double diff = 0;
        double scale = 0;
        for (int i = 0; i < actual.length; i++) {
            diff = Math.max(diff, Math.abs((double) actual[i] - expected[i]));
            scale = Math.max(scale, Math.abs((double) expected[i]));
        }
        return scale == 0 ? diff : diff / scale;
    }
}
