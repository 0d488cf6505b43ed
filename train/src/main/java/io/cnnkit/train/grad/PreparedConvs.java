package io.cnnkit.train.grad;

import io.cnnkit.analyzer.ShapeInference;
import io.cnnkit.compiler.op.Op;
import io.cnnkit.exec.Tensor;
import io.cnnkit.exec.kernel.Fusion;
import io.cnnkit.exec.kernel.Kernel;
import io.cnnkit.exec.kernel.KernelOptions;
import io.cnnkit.exec.kernel.Kernels;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ForkJoinPool;

/**
 * A step's convolution kernels, prepared all at once before its forward pass, layers in parallel
 * on the pool: each layer's forward kernel and, where its backward runs a {@link TransposedConv},
 * the transposed one (the weights stay the same until the update). Preparing packs or transforms
 * the new weights into new arrays (Winograd's transformed filters: up to 17 MB a layer), serial
 * work per layer that otherwise ran between the layers' parallel passes, twice per step.
 */
public final class PreparedConvs {
    /**
     * A layer's convolution over input shape {@code x} with its {@code params} (weight, bias);
     * {@code inputGradient}: its backward will compute dx.
     */
    public record Request(int layer, Op.Conv conv, int[] x, Map<String, Tensor> params, boolean inputGradient) {
    }

    /** None prepared: every layer prepares its own. */
    public static final PreparedConvs NONE = new PreparedConvs();

    private final Map<Integer, Kernel> forward = new ConcurrentHashMap<>(), transposed = new ConcurrentHashMap<>();

    private PreparedConvs() {
    }

    /** Prepares every request's kernels in parallel on {@code pool} (null: here, one after the other). */
    public static PreparedConvs prepare(List<Request> requests, KernelOptions options, ForkJoinPool pool) {
        PreparedConvs prepared = new PreparedConvs();
        List<Runnable> work = new ArrayList<>();
        for (Request r : requests) {
            work.add(() -> prepared.forward.put(r.layer(), Kernels.prepare(r.conv(), List.of(r.x()),
                    r.params(), Fusion.NONE, options)));
            if (!r.inputGradient()) {
                continue;
            }
            int[] y = ShapeInference.batched(r.conv(), List.of(r.x()));
            Geometry w = Geometry.of(r.conv(), r.x(), y);
            Op.Conv t = TransposedConv.of(r.conv(), w, r.x()[1]);
            if (t != null) {
                work.add(() -> prepared.transposed.put(r.layer(), TransposedConv.prepare(t, r.conv(), y,
                        r.params().get("weight"), options)));
            }
        }
        FastBackward.run(work, pool);
        return prepared;
    }

    /** The layer's forward kernel, handed over once; null if none was prepared. */
    public Kernel forward(int layer) {
        return forward.remove(layer);
    }

    /** The layer's transposed convolution for its input gradient, handed over once; null if none was prepared. */
    public Kernel transposed(int layer) {
        return transposed.remove(layer);
    }
}
