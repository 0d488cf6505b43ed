package io.cnnkit.analyzer.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.cnnkit.analyzer.Analysis;
import io.cnnkit.analyzer.Analyzer;
import io.cnnkit.analyzer.Nets;
import io.cnnkit.compiler.graph.Layer;
import io.cnnkit.compiler.graph.NetworkGraph;
import io.cnnkit.compiler.graph.Scope;
import io.cnnkit.compiler.op.Op;
import io.cnnkit.compiler.op.Padding;
import io.cnnkit.compiler.op.Size2;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Random graphs of every operator with arbitrary (often invalid) arguments and wiring: the
 * analyzer answers with diagnostics, never an exception, and every report renders.
 */
class RandomGraphsTest {

    private static Size2 size(Random r, int max) {
        return new Size2(1 + r.nextInt(max), 1 + r.nextInt(max));
    }

    private static Padding pad(Random r) {
        return r.nextInt(4) == 0 ? new Padding.Same()
                : new Padding.Explicit(r.nextInt(4), r.nextInt(4), r.nextInt(4), r.nextInt(4));
    }

    private static Op randomOp(Random r) {
        return switch (r.nextInt(20)) {
            case 0 -> new Op.Conv(1 + r.nextInt(16), size(r, 7), size(r, 3), pad(r), size(r, 3), 1 + r.nextInt(4),
                    r.nextBoolean());
            case 1 -> new Op.MaxPool(size(r, 4), size(r, 3), pad(r), size(r, 2), r.nextBoolean());
            case 2 -> new Op.AvgPool(size(r, 4), size(r, 3), pad(r), r.nextBoolean(), r.nextBoolean());
            case 3 -> new Op.GlobalAvgPool();
            case 4 -> new Op.GlobalMaxPool();
            case 5 -> new Op.Dense(r.nextInt(20), r.nextBoolean());
            case 6 -> new Op.Flatten();
            case 7 -> new Op.Relu();
            case 8 -> new Op.Relu6();
            case 9 -> new Op.LeakyRelu(0.1);
            case 10 -> new Op.Tanh();
            case 11 -> new Op.Sigmoid();
            case 12 -> new Op.Softmax();
            case 13 -> new Op.Lrn(1 + r.nextInt(7), 1e-4, 0.75, 1);
            case 14 -> new Op.BatchNorm(1e-5);
            case 15 -> new Op.Dropout(0.5);
            case 16 -> new Op.ZeroPad(new Padding.Explicit(r.nextInt(3), r.nextInt(3), r.nextInt(3), r.nextInt(3)));
            case 17, 18 -> new Op.Concat();
            default -> new Op.Add();
        };
    }

    @Test
    void analyzerAndReportsNeverThrow() throws Exception {
        ObjectMapper json = new ObjectMapper();
        int withErrors = 0;
        int analysedLayers = 0;
        for (long seed = 1; seed <= 300; seed++) {
            Random r = new Random(seed);
            NetworkGraph.Builder b = NetworkGraph.builder("random" + seed);
            List<Layer> layers = new ArrayList<>();
            layers.add(b.add("image", Nets.input(1 + r.nextInt(8), 1 + r.nextInt(12), 1 + r.nextInt(12))));
            int count = 1 + r.nextInt(25);
            for (int i = 0; i < count; i++) {
                Op op = randomOp(r);
                int arity = op instanceof Op.Concat || op instanceof Op.Add ? r.nextInt(4) : 1;
                List<Layer> from = new ArrayList<>();
                for (int k = 0; k < arity; k++) {
                    from.add(layers.get(r.nextInt(layers.size())));
                }
                List<Scope> scopes = r.nextBoolean() ? List.of() : List.of(Nets.scope("m" + r.nextInt(3), "m"));
                String name = scopes.isEmpty() ? "l" + i : scopes.get(0).path() + ".l" + i;
                layers.add(Nets.scoped(b, name, op, scopes, from.toArray(Layer[]::new)));
            }
            b.output("y", layers.get(layers.size() - 1), false, io.cnnkit.compiler.SourceLocation.NONE);
            if (r.nextBoolean()) {
                b.output("aux", layers.get(r.nextInt(layers.size())), true, io.cnnkit.compiler.SourceLocation.NONE);
            }
            Analysis a = Analyzer.analyze(b.build(), 1 + r.nextInt(3));
            // one error per mistake: exactly the unanalysed layers whose inputs were all fine report one
            long roots = a.layers().stream().filter(s -> !s.analysed())
                    .filter(s -> a.graph().inputsOf(s.layer()).stream().allMatch(in -> a.stats(in).analysed()))
                    .count();
            assertEquals(roots, a.diagnostics().stream().filter(d -> d.isError()).count(), "seed " + seed);
            withErrors += a.hasErrors() ? 1 : 0;
            analysedLayers += (int) a.layers().stream().filter(s -> s.analysed() && s.layer().id() > 0).count();
            assertFalse(TextReport.render(a, r.nextInt(3)).isEmpty());
            assertFalse(MarkdownReport.render(a, Integer.MAX_VALUE).isEmpty());
            assertFalse(CsvReport.render(a, 1).isEmpty());
            assertEquals(a.graph().size(), json.readTree(JsonReport.render(a)).get("layers").size());
            assertFalse(Comparison.of(a, a).renderText().isEmpty());
        }
        // the generator exercises both sides
        assertTrue(withErrors > 50 && withErrors < 290, withErrors + " of 300 with errors");
        assertTrue(analysedLayers > 500, analysedLayers + " layers analysed");
    }

    @Test
    void emptyNetwork() throws Exception {
        Analysis a = Analyzer.analyze(NetworkGraph.builder("empty").build(), 1);
        assertEquals(0, a.memoryPlan().arenaElements());
        assertTrue(TextReport.render(a).contains("Network empty, batch 1"));
        assertEquals(0, new ObjectMapper().readTree(JsonReport.render(a)).get("layers").size());
        assertEquals(1, CsvReport.render(a, 0).lines().count(), "the header only");
    }
}
