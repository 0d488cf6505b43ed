package io.cnnkit.exec;

import io.cnnkit.analyzer.Analysis;
import io.cnnkit.analyzer.Analyzer;
import io.cnnkit.analyzer.LayerStats;
import io.cnnkit.analyzer.ParamSpec;
import io.cnnkit.compiler.graph.Layer;
import io.cnnkit.compiler.graph.NetworkGraph;
import io.cnnkit.compiler.op.Op;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Seeded weights and inputs for tests and benchmarks (the real Weights type lives in exec.io). */
public final class TestNetworks {
    private TestNetworks() {
    }

    /** Every parameter: He-scaled weights, small biases, non-trivial batchnorm statistics. */
    public static Map<String, Tensor> weights(NetworkGraph graph, long seed) {
        Random rnd = new Random(seed);
        Map<String, Tensor> weights = new HashMap<>();
        for (LayerStats stats : Analyzer.analyze(graph, 1).layers()) {
            for (ParamSpec spec : stats.params()) {
                int[] shape = spec.shape().stream().mapToInt(Long::intValue).toArray();
                Tensor t = Tensor.zeros(shape);
                int fanIn = t.size() / shape[0];
                for (int i = 0; i < t.size(); i++) {
                    float v = switch (spec.name()) {
                        case "weight" -> stats.layer().op() instanceof Op.BatchNorm || stats.layer().op() instanceof Op.LayerNorm
                                ? 0.5f + rnd.nextFloat()
                                : (float) (rnd.nextGaussian() * Math.sqrt(2.0 / fanIn));
                        case "running_var" -> 0.5f + rnd.nextFloat();
                        default -> (float) (rnd.nextGaussian() * 0.1);
                    };
                    t.set(i, v);
                }
                weights.put(spec.key(stats.layer().name()), t);
            }
        }
        return weights;
    }

    /** Standard normal inputs for every network input, batch first. */
    public static Map<String, Tensor> inputs(NetworkGraph graph, int batch, long seed) {
        Random rnd = new Random(seed);
        Map<String, Tensor> inputs = new HashMap<>();
        Analysis analysis = Analyzer.analyze(graph, batch);
        for (Layer in : graph.inputs()) {
            List<Long> dims = analysis.stats(in).outputShape().dims();
            int[] shape = new int[dims.size() + 1];
            shape[0] = batch;
            for (int i = 0; i < dims.size(); i++) {
                shape[i + 1] = dims.get(i).intValue();
            }
            Tensor t = Tensor.zeros(shape);
            for (int i = 0; i < t.size(); i++) {
                t.set(i, (float) rnd.nextGaussian());
            }
            inputs.put(in.name(), t);
        }
        return inputs;
    }
}
