package io.cnnkit.train.grad;

import static io.cnnkit.train.grad.FastBackwardTest.gaussian;
import static io.cnnkit.train.grad.ReferenceBackwardTest.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.cnnkit.compiler.op.Op;
import io.cnnkit.compiler.op.Padding;
import io.cnnkit.compiler.op.Size2;
import io.cnnkit.exec.Tensor;
import io.cnnkit.exec.kernel.Fusion;
import io.cnnkit.exec.kernel.Kernel;
import io.cnnkit.exec.kernel.KernelOptions;
import io.cnnkit.exec.kernel.Kernels;
import io.cnnkit.exec.kernel.Workspace;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ForkJoinPool;
import java.util.function.Consumer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Convolution kernels prepared all at once before a step give what each layer's own preparation
 * gives, bit for bit, at 1 and 2 threads: the forward output, and the backward with the prepared
 * transposed convolution (a 3x3 stride-1 layer with many channels, on Winograd) against the
 * reference backward; a layer without an input gradient, or a strided one, gets no transposed kernel.
 */
class PreparedConvsTest {

    @ParameterizedTest(name = "{0} threads")
    @ValueSource(ints = {1, 2})
    void preparedKernelsEqualEachLayersOwn(int threads) {
        Random random = new Random(threads);
        Op.Conv same = new Op.Conv(40, Size2.square(3), Size2.square(1), new Padding.Explicit(1, 1, 1, 1),
                Size2.square(1), 1, true);
        Op.Conv strided = new Op.Conv(24, Size2.square(3), Size2.square(2), new Padding.Explicit(1, 1, 1, 1),
                Size2.square(1), 1, false);
        int[] x = {5, 36, 13, 11};
        Map<String, Tensor> sameParams = Map.of("weight", gaussian(random, 40, 36, 3, 3), "bias", gaussian(random, 40));
        Map<String, Tensor> stridedParams = Map.of("weight", gaussian(random, 24, 36, 3, 3));
        KernelOptions options = KernelOptions.defaults(threads);
        withPool(threads, pool -> {
            PreparedConvs prepared = PreparedConvs.prepare(List.of(
                    new PreparedConvs.Request(1, same, x, sameParams, true),
                    new PreparedConvs.Request(2, strided, x, stridedParams, true),
                    new PreparedConvs.Request(3, same, x, sameParams, false)), options, pool);
            Tensor input = gaussian(random, x);
            for (int layer : new int[] {1, 2, 3}) {
                Op.Conv c = layer == 2 ? strided : same;
                Map<String, Tensor> params = layer == 2 ? stridedParams : sameParams;
                Kernel own = Kernels.prepare(c, List.of(x), params, Fusion.NONE, options);
                Kernel ready = prepared.forward(layer);
                assertNotNull(ready, "layer " + layer);
                assertNull(prepared.forward(layer), "handed over once");
                assertArrayEquals(run(own, input, pool).toArray(), run(ready, input, pool).toArray(), "layer " + layer);
            }
            assertNull(prepared.transposed(2), "a strided layer's input gradient is a GEMM");
            assertNull(prepared.transposed(3), "no input gradient");
            Kernel transposed = prepared.transposed(1);
            assertNotNull(transposed);
            Tensor dy = gaussian(random, 5, 40, 13, 11);
            Gradients own = FastBackward.conv(same, input, dy, sameParams.get("weight"), pool, true, Buffers.NONE);
            Gradients ready = FastBackward.conv(same, input, dy, sameParams.get("weight"), pool, true, Buffers.NONE,
                    transposed, BatchWeightGradient.MAX_FLOATS);
            Tensor dx = Tensor.zeros(x);
            Map<String, Tensor> expected = new HashMap<>();
            ReferenceBackward.conv(same, input, dy, sameParams, dx, expected);
            assertClose("d input", dx, ready.inputs().get(0));
            assertArrayEquals(own.inputs().get(0).toArray(), ready.inputs().get(0).toArray());
        });
    }

    /**
     * The next step's kernels, prepared into the arrays of the last step's (handed over, done),
     * with new weights, give what kernels prepared afresh from those weights give, bit for bit.
     */
    @ParameterizedTest(name = "{0} threads")
    @ValueSource(ints = {1, 2})
    void kernelsPreparedIntoTheLastStepsEqualFreshOnes(int threads) {
        Random random = new Random(10 + threads);
        Op.Conv same = new Op.Conv(40, Size2.square(3), Size2.square(1), new Padding.Explicit(1, 1, 1, 1),
                Size2.square(1), 1, true);
        int[] x = {4, 36, 13, 11};
        KernelOptions options = KernelOptions.defaults(threads);
        withPool(threads, pool -> {
            Tensor input = gaussian(random, x);
            Tensor dy = gaussian(random, 4, 40, 13, 11);
            PreparedConvs earlier = PreparedConvs.NONE;
            for (int step = 0; step < 2; step++) {
                Map<String, Tensor> params = Map.of("weight", gaussian(random, 40, 36, 3, 3),
                        "bias", gaussian(random, 40));
                PreparedConvs prepared = PreparedConvs.prepare(
                        List.of(new PreparedConvs.Request(1, same, x, params, true)), options, pool, earlier);
                Kernel own = Kernels.prepare(same, List.of(x), params, Fusion.NONE, options);
                assertArrayEquals(run(own, input, pool).toArray(), run(prepared.forward(1), input, pool).toArray(),
                        "forward, step " + step);
                Gradients fresh = FastBackward.conv(same, input, dy, params.get("weight"), pool, true, Buffers.NONE);
                Gradients ready = FastBackward.conv(same, input, dy, params.get("weight"), pool, true, Buffers.NONE,
                        prepared.transposed(1), BatchWeightGradient.MAX_FLOATS);
                assertArrayEquals(fresh.inputs().get(0).toArray(), ready.inputs().get(0).toArray(),
                        "input gradient, step " + step);
                earlier = prepared;
            }
        });
    }

    /**
     * As above for layers on the GEMM-based kernels (the last stage's 3x3 on a 7x7 map, direct on
     * AVX-512, and a strided 3x3): their packed weights, and the transposed one's flipped weights,
     * written into the last step's arrays.
     */
    @ParameterizedTest(name = "{0} threads")
    @ValueSource(ints = {1, 2})
    void gemmKernelsPreparedIntoTheLastStepsEqualFreshOnes(int threads) {
        Random random = new Random(20 + threads);
        Op.Conv same = new Op.Conv(72, Size2.square(3), Size2.square(1), new Padding.Explicit(1, 1, 1, 1),
                Size2.square(1), 1, false);
        Op.Conv strided = new Op.Conv(40, Size2.square(3), Size2.square(2), new Padding.Explicit(1, 1, 1, 1),
                Size2.square(1), 1, true);
        int[] x = {2, 72, 7, 7};
        KernelOptions options = KernelOptions.defaults(threads);
        withPool(threads, pool -> {
            Tensor input = gaussian(random, x);
            Tensor dy = gaussian(random, 2, 72, 7, 7);
            PreparedConvs earlier = PreparedConvs.NONE;
            for (int step = 0; step < 3; step++) {
                Map<String, Tensor> sameParams = Map.of("weight", gaussian(random, 72, 72, 3, 3));
                Map<String, Tensor> stridedParams = Map.of("weight", gaussian(random, 40, 72, 3, 3),
                        "bias", gaussian(random, 40));
                PreparedConvs prepared = PreparedConvs.prepare(List.of(
                        new PreparedConvs.Request(1, same, x, sameParams, true),
                        new PreparedConvs.Request(2, strided, x, stridedParams, false)), options, pool, earlier);
                for (int layer : new int[] {1, 2}) {
                    Op.Conv c = layer == 1 ? same : strided;
                    Kernel own = Kernels.prepare(c, List.of(x), layer == 1 ? sameParams : stridedParams,
                            Fusion.NONE, options);
                    assertArrayEquals(run(own, input, pool).toArray(),
                            run(prepared.forward(layer), input, pool).toArray(), "layer " + layer + ", step " + step);
                }
                Tensor weight = sameParams.get("weight");
                Gradients fresh = FastBackward.conv(same, input, dy, weight, pool, true, Buffers.NONE);
                Gradients ready = FastBackward.conv(same, input, dy, weight, pool, true, Buffers.NONE,
                        prepared.transposed(1), BatchWeightGradient.MAX_FLOATS);
                assertArrayEquals(fresh.inputs().get(0).toArray(), ready.inputs().get(0).toArray(),
                        "input gradient, step " + step);
                earlier = prepared;
            }
        });
    }

    /** Runs {@code body} with no pool at one thread, else a pool of {@code threads}, shut down after. */
    private static void withPool(int threads, Consumer<ForkJoinPool> body) {
        ForkJoinPool pool = threads == 1 ? null : new ForkJoinPool(threads);
        try {
            body.accept(pool);
        } finally {
            if (pool != null) {
                pool.shutdown();
            }
        }
    }

    private static Tensor run(Kernel k, Tensor input, ForkJoinPool pool) {
        Tensor out = Tensor.zeros(k.outputShape());
        k.run(new Tensor[] {input}, out, Workspace.forKernel(pool, k));
        return out;
    }
}
