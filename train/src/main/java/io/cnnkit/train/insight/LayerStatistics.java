package io.cnnkit.train.insight;

import io.cnnkit.compiler.graph.Layer;
import io.cnnkit.compiler.op.Op;
import io.cnnkit.exec.Tensor;
import io.cnnkit.train.StepObserver;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Per-layer training statistics every {@code every} steps, the figures DL4J's training UI and
 * {@code wandb.watch} show: each weight's gradient L2 norm, its own norm and the ratio of the
 * update to it (healthy around 1e-3), each layer output's mean and standard deviation, and after
 * ReLU the fraction of zeros (dead or inactive units). Weights are copied only on sampled steps,
 * so the cost between samples is one modulo and a read of the thread's CPU clock; each sample
 * records its own CPU time and the mean of a step's, which tells what the statistics cost.
 */
public final class LayerStatistics implements StepObserver {

    /** One layer at one step; NaN where the figure does not apply (no weight, not after ReLU). */
    public record Row(String layer, double gradNorm, double weightNorm, double updateRatio, double activationMean,
                      double activationStd, double zeroFraction) {
    }

    /**
     * All layers, in the network's order, at one step; and what the statistics cost: the CPU time
     * of the trainer's thread spent on this sample, and its mean CPU time per step outside the
     * statistics so far (NaN at step 0). With one worker thread that is the whole step.
     */
    public record Sample(long step, double loss, double lr, List<Row> rows, double statsMillis, double stepMillis) {
        public Sample {
            rows = List.copyOf(rows);
        }
    }

    private final int every;
    private final Consumer<Sample> sink;
    private StepView pending;
    private final Map<String, float[]> before = new HashMap<>();
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private long lastCall = -1;
    private long spentSinceLastCall;
    private long stepNanos;
    private long steps;
    private long sampleStart;

    /** @param every sample steps 0, every, 2·every, ... (at least 1) */
    public LayerStatistics(int every, Consumer<Sample> sink) {
        if (every < 1) {
            throw new IllegalArgumentException("statistics are sampled every 1 or more steps, got " + every);
        }
        this.every = every;
        this.sink = sink;
    }

    @Override
    public boolean samples(long step) {
        long now = THREADS.getCurrentThreadCpuTime();
        if (lastCall >= 0) {
            stepNanos += now - lastCall - spentSinceLastCall;
            steps++;
        }
        lastCall = now;
        spentSinceLastCall = 0;
        return step % every == 0;
    }

    @Override
    public void beforeUpdate(StepView view) {
        sampleStart = THREADS.getCurrentThreadCpuTime();
        pending = view;
        before.clear();
        view.grads().keySet().stream().filter(n -> n.endsWith(".weight"))
                .forEach(n -> before.put(n, view.weights().get(n).toArray()));
    }

    @Override
    public void afterUpdate(long step, Map<String, Tensor> weights) {
        List<Row> rows = new ArrayList<>();
        double loss = pending.loss();
        double lr = pending.lr();
        for (Layer layer : pending.order()) {
            if (layer.op() instanceof Op.Input) {
                continue;
            }
            String weight = layer.name() + ".weight";
            double gradNorm = Double.NaN, weightNorm = Double.NaN, ratio = Double.NaN;
            float[] old = before.get(weight);
            if (old != null) {
                gradNorm = norm(pending.grads().get(weight));
                weightNorm = norm(old);
                Tensor now = weights.get(weight);
                double squares = 0;
                for (int i = 0; i < old.length; i++) {
                    double d = now.get(i) - old[i];
                    squares += d * d;
                }
                ratio = weightNorm > 0 ? Math.sqrt(squares) / weightNorm : Double.NaN;
            }
            Tensor out = pending.outputs().get(layer.id());
            double sum = 0, squares = 0;
            long zeros = 0;
            for (int i = 0; i < out.size(); i++) {
                float v = out.get(i);
                sum += v;
                squares += (double) v * v;
                if (v == 0) {
                    zeros++;
                }
            }
            int n = out.size();
            double mean = sum / n;
            double std = n > 1 ? Math.sqrt(Math.max(0, (squares - n * mean * mean) / (n - 1))) : 0;
            boolean relu = layer.op() instanceof Op.Relu || layer.op() instanceof Op.Relu6;
            rows.add(new Row(layer.name(), gradNorm, weightNorm, ratio, mean, std, relu ? (double) zeros / n : Double.NaN));
        }
        pending = null;
        before.clear();
        long spent = THREADS.getCurrentThreadCpuTime() - sampleStart;
        spentSinceLastCall += spent;
        sink.accept(new Sample(step, loss, lr, rows, spent / 1e6,
                steps == 0 ? Double.NaN : stepNanos / 1e6 / steps));
    }

    /** The L2 norm, summed in double. */
    public static double norm(Tensor t) {
        double squares = 0;
        for (int i = 0; i < t.size(); i++) {
            double v = t.get(i);
            squares += v * v;
        }
        return Math.sqrt(squares);
    }

    private static double norm(float[] values) {
        double squares = 0;
        for (float v : values) {
            squares += (double) v * v;
        }
        return Math.sqrt(squares);
    }
}
