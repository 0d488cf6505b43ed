package io.cnnkit.exec.kernel;

import io.cnnkit.compiler.op.Op;
import io.cnnkit.exec.Tensor;
import java.util.List;
import java.util.Map;

/** Chooses and prepares the optimised kernel for one layer. */
public final class Kernels {
    private Kernels() {
    }

    /**
     * Prepares {@code op} for inputs of {@code inputShapes} (batch included) with its parameters
     * (PyTorch names and layouts). {@code fusion} is only allowed for conv and dense.
     */
    public static Kernel prepare(Op op, List<int[]> inputShapes, Map<String, Tensor> params, Fusion fusion,
                                 KernelOptions options) {
        int[] outShape = OutputShapes.of(op, inputShapes);
        if (!fusion.isNone() && !(op instanceof Op.Conv || op instanceof Op.Dense)) {
            throw new IllegalArgumentException("only conv and dense kernels take fused operators, not " + op.kind());
        }
        return new ReferenceKernel(op, params, outShape);
    }

    /** Runs the reference kernel behind the kernel interface (for operators without a faster one). */
    private record ReferenceKernel(Op op, Map<String, Tensor> params, int[] outputShape) implements Kernel {
        @Override
        public void run(Tensor[] inputs, Tensor output, Workspace ws) {
            Tensor result = ReferenceKernels.run(op, List.of(inputs), params);
            System.arraycopy(result.data(), result.offset(), output.data(), output.offset(), result.size());
        }
    }
}
