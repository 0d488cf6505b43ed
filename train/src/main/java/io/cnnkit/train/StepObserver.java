package io.cnnkit.train;

import io.cnnkit.compiler.graph.Layer;
import io.cnnkit.exec.Tensor;
import java.util.List;
import java.util.Map;

/**
 * Looks into chosen training steps: after the backward pass (every layer's output and every
 * trainable parameter's gradient alive) and after the optimiser's update. The trainer asks
 * {@link #samples} first, so steps that are not sampled cost one call.
 */
public interface StepObserver {

    StepObserver NONE = step -> false;

    /** One step as the trainer holds it before the update; read it, do not keep or change it. */
    record StepView(long step, double loss, double lr, List<Layer> order, Map<Integer, Tensor> outputs,
                    Map<String, Tensor> grads, Map<String, Tensor> weights) {
    }

    /** Whether to look at this step (counted from 0 over the run). */
    boolean samples(long step);

    /** After the backward pass and any clipping; the weights are those before the update. */
    default void beforeUpdate(StepView view) {
    }

    /** After the update, with the live weights. */
    default void afterUpdate(long step, Map<String, Tensor> weights) {
    }
}
