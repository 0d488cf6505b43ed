package io.cnnkit.exec.kernel;

import io.cnnkit.compiler.op.Op;
import io.cnnkit.exec.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ForkJoinPool;

/**
 * Runs one operator on its own: the entry point for conformance tests. Inputs carry the batch
 * dimension (NCHW or NF); {@code params} are keyed {@code weight}, {@code bias},
 * {@code running_mean}, {@code running_var} in PyTorch layouts. Invalid shapes or parameters end in
 * an {@link IllegalArgumentException} with a readable message; inputs are never modified.
 */
public final class OpRunner {
    private OpRunner() {
    }

    /** The naive reference kernel (the test oracle). */
    public static Tensor runReference(Op op, List<Tensor> inputs, Map<String, Tensor> params) {
        return ReferenceKernels.run(op, inputs, params);
    }

    /**
     * The optimised kernel (prepared, then run once). {@code pool} may be null to run on the calling
     * thread; the scalar path is used when the system property {@code cnnkit.scalar} is true.
     */
    public static Tensor runOptimized(Op op, List<Tensor> inputs, Map<String, Tensor> params, ForkJoinPool pool) {
        return runOptimized(op, inputs, params, pool, KernelOptions.defaults(pool == null ? 1 : pool.getParallelism()));
    }

    /** As {@link #runOptimized(Op, List, Map, ForkJoinPool)} with explicit options (for example scalar). */
    public static Tensor runOptimized(Op op, List<Tensor> inputs, Map<String, Tensor> params, ForkJoinPool pool,
                                      KernelOptions options) {
        List<int[]> shapes = new ArrayList<>(inputs.size());
        for (Tensor t : inputs) {
            shapes.add(t.shape());
        }
        Kernel kernel = Kernels.prepare(op, shapes, params, Fusion.NONE, options);
        Tensor out = Tensor.zeros(kernel.outputShape());
        kernel.run(inputs.toArray(new Tensor[0]), out, Workspace.forKernel(pool, kernel));
        return out;
    }
}
