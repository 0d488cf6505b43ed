package io.cnnkit.train.optim;

import io.cnnkit.exec.Tensor;
import java.util.Map;
import java.util.concurrent.ForkJoinPool;

/**
 * Updates parameters in place from their gradients, with PyTorch's semantics ({@code torch.optim}).
 * Its state (momentum buffers, moment estimates, step count) is a map of tensors keyed
 * {@code KIND.PARAM_NAME}, saved in checkpoints and loaded back bit for bit.
 */
public sealed interface Optimizer permits Sgd, AdamW {

    /** One step at learning rate {@code lr}; {@code grads} has one tensor per parameter of {@code params}. */
    void step(Map<String, Tensor> params, Map<String, Tensor> grads, double lr);

    /**
     * As {@link #step(Map, Map, double)}, element-wise work spread over {@code pool} where the
     * optimiser does so (null: here); each element's update is the same on any number of threads.
     */
    default void step(Map<String, Tensor> params, Map<String, Tensor> grads, double lr, ForkJoinPool pool) {
        step(params, grads, lr);
    }

    /** The bytes of the state tensors it holds now (none before the first step). */
    long stateBytes();

    /** A copy of the state. */
    Map<String, Tensor> state();

    /** Replaces the state by a copy of {@code state} (from {@link #state()} of an optimiser of the same kind and settings). */
    void load(Map<String, Tensor> state);

    /** Its name and settings, for checkpoints and metrics: {@code sgd(momentum=0.9, ...)}. */
    String describe();

    /**
     * Scales all gradients together so that their global L2 norm is at most {@code maxNorm}, as
     * {@code torch.nn.utils.clip_grad_norm_}: coefficient maxNorm / (norm + 1e-6), applied only when
     * below 1. Returns the norm before clipping.
     */
    static double clipGradNorm(Map<String, Tensor> grads, double maxNorm) {
        double squares = 0;
        for (Tensor g : grads.values()) {
            for (int i = 0; i < g.size(); i++) {
                double v = g.get(i);
                squares += v * v;
            }
        }
        double norm = Math.sqrt(squares);
        double coefficient = maxNorm / (norm + 1e-6);
        if (coefficient < 1) {
            float c = (float) coefficient;
            for (Tensor g : grads.values()) {
                for (int i = 0; i < g.size(); i++) {
                    g.set(i, g.get(i) * c);
                }
            }
        }
        return norm;
    }
}
