package io.cnnkit.exec.bench;

import io.cnnkit.compiler.op.Op;
import io.cnnkit.exec.Tensor;
import io.cnnkit.exec.kernel.Fusion;
import io.cnnkit.exec.kernel.Kernel;
import io.cnnkit.exec.kernel.KernelOptions;
import io.cnnkit.exec.kernel.Kernels;
import io.cnnkit.exec.kernel.Workspace;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * One operator's optimised kernel, prepared on the vector and the forced-scalar path for one
 * thread, and the two benchmarks that run them; subclasses choose the operator and its input.
 */
@State(Scope.Thread)
public abstract class KernelBenchmark {
    private Kernel vector;
    private Kernel scalar;
    private Tensor output;
    private Workspace workspace;
    /** The operator's input, Gaussian from the seed given to {@link #prepare}. */
    protected Tensor[] inputs;

    static Tensor random(Random rnd, int... shape) {
        Tensor t = Tensor.zeros(shape);
        for (int i = 0; i < t.size(); i++) {
            t.set(i, (float) rnd.nextGaussian());
        }
        return t;
    }

    /** Both paths of {@code op} with {@code params} on a random input of {@code shape}. */
    protected void prepare(Op op, int[] shape, Map<String, Tensor> params, Random rnd) {
        vector = Kernels.prepare(op, List.of(shape), params, Fusion.NONE, new KernelOptions(false, 1));
        scalar = Kernels.prepare(op, List.of(shape), params, Fusion.NONE, new KernelOptions(true, 1));
        inputs = new Tensor[] {random(rnd, shape)};
        output = Tensor.zeros(vector.outputShape());
        workspace = Workspace.forKernels(null, List.of(vector, scalar));
    }

    @Benchmark
    public Tensor optimized() {
        vector.run(inputs, output, workspace);
        return output;
    }

    @Benchmark
    public Tensor optimizedScalar() {
        scalar.run(inputs, output, workspace);
        return output;
    }
}
