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
 * the new weights (Winograd's transformed filters: up to 17 MB a layer; the GEMM kernels' weight
 * panels; the transposed kernels' flipped weights: each written into the last step's arrays),
 * serial work per layer that otherwise ran between the layers' parallel passes, twice per step.
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
    /** The kernels handed over: the next step's preparation overwrites their arrays ({@link #prepare}). */
    private final Map<Integer, Kernel> usedForward = new ConcurrentHashMap<>(),
            usedTransposed = new ConcurrentHashMap<>();
    /** Each transposed kernel's flipped weights, kept for the next step's flip to write into. */
    private final Map<Integer, Tensor> flipped = new ConcurrentHashMap<>();

    private PreparedConvs() {
    }

    /** Prepares every request's kernels in parallel on {@code pool} (null: here, one after the other). */
    public static PreparedConvs prepare(List<Request> requests, KernelOptions options, ForkJoinPool pool) {
        return prepare(requests, options, pool, NONE);
    }

    /**
     * As above, the new kernels reusing the arrays of {@code earlier}'s kernels of the same layers
     * where their sizes match: {@code earlier}'s are never run again (the last step's, done).
     */
    public static PreparedConvs prepare(List<Request> requests, KernelOptions options, ForkJoinPool pool,
                                        PreparedConvs earlier) {
        PreparedConvs prepared = new PreparedConvs();
        List<Runnable> work = new ArrayList<>();
        for (Request r : requests) {
            Kernel forwardReuse = earlier.usedForward.remove(r.layer());
            work.add(() -> prepared.forward.put(r.layer(), Kernels.prepare(r.conv(), List.of(r.x()),
                    r.params(), Fusion.NONE, options, forwardReuse)));
            if (!r.inputGradient()) {
                continue;
            }
            int[] y = ShapeInference.batched(r.conv(), List.of(r.x()));
            Geometry w = Geometry.of(r.conv(), r.x(), y);
            Op.Conv t = TransposedConv.of(r.conv(), w, r.x()[1]);
            if (t != null) {
                Kernel transposedReuse = earlier.usedTransposed.remove(r.layer());
                Tensor flipInto = earlier.flipped.remove(r.layer());
                work.add(() -> {
                    Tensor flip = TransposedConv.flip(r.conv(), r.params().get("weight"), t.filters(), flipInto);
                    prepared.flipped.put(r.layer(), flip);
                    prepared.transposed.put(r.layer(), TransposedConv.prepareFlipped(t, y, flip, options,
                            transposedReuse));
                });
            }
        }
        FastBackward.run(work, pool);
        return prepared;
    }

    /** The layer's forward kernel, handed over once; null if none was prepared. */
    public Kernel forward(int layer) {
        return handOver(forward, usedForward, layer);
    }

    /** The layer's transposed convolution for its input gradient, handed over once; null if none was prepared. */
    public Kernel transposed(int layer) {
        return handOver(transposed, usedTransposed, layer);
    }

    private static Kernel handOver(Map<Integer, Kernel> ready, Map<Integer, Kernel> used, int layer) {
        Kernel k = ready.remove(layer);
        if (k != null) {
            used.put(layer, k);
        }
        return k;
    }
}
