package io.cnnkit.train.insight;

import io.cnnkit.compiler.graph.Layer;
import io.cnnkit.exec.Tensor;
import io.cnnkit.train.StepObserver;
import io.cnnkit.train.Trainer;
import io.cnnkit.train.TrainingNetwork;
import io.cnnkit.train.optim.Sgd;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The gradients of one training-mode forward and backward pass (batchnorm on batch statistics,
 * the loss as {@code cnn train} computes it), without an update: what the network's weights
 * would be told at this point, parameter by parameter in the network's layer order.
 */
public final class GradientProbe {

    /** One trainable tensor's gradient; {@code ratio} is gradient norm over weight norm. */
    public record Row(String layer, String param, int[] shape, double gradNorm, double weightNorm) {
        public double ratio() {
            return weightNorm > 0 ? gradNorm / weightNorm : Double.NaN;
        }
    }

    /** The rows, and the loss of the batch. */
    public record Result(double loss, List<Row> rows) {
        public Result {
            rows = List.copyOf(rows);
        }
    }

    private GradientProbe() {
    }

    public static Result of(TrainingNetwork net, Map<String, Tensor> weights, Tensor images, int[] labels, int threads,
                            long seed) {
        Map<String, Tensor> grads = new LinkedHashMap<>();
        double loss;
        try (Trainer trainer = new Trainer(net, weights, new Sgd(0, 0, false, 0),
                new Trainer.Settings(threads, seed, 0, 0, false))) {
            trainer.observe(new StepObserver() {
                @Override
                public boolean samples(long step) {
                    return true;
                }

                @Override
                public void beforeUpdate(StepView view) {
                    view.grads().forEach((name, g) -> grads.put(name, g.copy()));
                }
            });
            loss = trainer.step(images, labels, 0, 0).loss(); // learning rate 0: the weights stay as given
        }
        List<Row> rows = new ArrayList<>();
        for (Layer layer : net.graph().layers()) {
            for (String param : List.of("weight", "bias")) {
                Tensor g = grads.get(layer.name() + "." + param);
                if (g != null) {
                    rows.add(new Row(layer.name(), param, g.shape(), LayerStatistics.norm(g),
                            LayerStatistics.norm(weights.get(layer.name() + "." + param))));
                }
            }
        }
        return new Result(loss, rows);
    }
}
