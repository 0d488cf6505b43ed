package io.cnnkit.exec.kernel;

import io.cnnkit.exec.Tensor;

/**
 * One layer's kernel after preparation (weights packed, algorithm chosen, scratch sized), run many
 * times. {@link #run} allocates nothing per element or tile; it reads {@code inputs} and writes the
 * whole of {@code output}, which may alias {@code inputs[0]} only where {@link #inPlace()} says so.
 */
public interface Kernel {

    /** The output shape, batch included. */
    int[] outputShape();

    /** Floats of scratch each parallel slot of a {@link Workspace} must provide. */
    default int scratchPerSlot() {
        return 0;
    }

    /** Floats of scratch shared by all slots of one run (for example a padded copy of the input). */
    default int sharedScratch() {
        return 0;
    }

    /** True when the output may be the first input's own buffer (element-wise kernels). */
    default boolean inPlace() {
        return false;
    }

    /** Multiply-accumulates per run, for profiling; zero for memory-bound kernels. */
    default long macs() {
        return 0;
    }

    void run(Tensor[] inputs, Tensor output, Workspace ws);
}
