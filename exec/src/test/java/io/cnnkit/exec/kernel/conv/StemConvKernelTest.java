package io.cnnkit.exec.kernel.conv;

import static io.cnnkit.exec.kernel.OptimizedKernelsTest.assertClose;
import static io.cnnkit.exec.kernel.OptimizedKernelsTest.batchNormParams;
import static io.cnnkit.exec.kernel.OptimizedKernelsTest.random;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import io.cnnkit.analyzer.ShapeInference;
import io.cnnkit.compiler.op.Op;
import io.cnnkit.compiler.op.Padding;
import io.cnnkit.compiler.op.Size2;
import io.cnnkit.exec.Tensor;
import io.cnnkit.exec.kernel.Activation;
import io.cnnkit.exec.kernel.Fusion;
import io.cnnkit.exec.kernel.Kernel;
import io.cnnkit.exec.kernel.KernelOptions;
import io.cnnkit.exec.kernel.OpRunner;
import io.cnnkit.exec.kernel.Window;
import io.cnnkit.exec.kernel.Workspace;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ForkJoinPool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The stem kernel (512 bits only), alone and with the max pool after it, against the reference
 * kernels run one operator at a time (conv with bias, batchnorm, activation, max pool): 1 to 4
 * input channels, 64 and 128 output channels, 3x3, 5x5 and 7x7 kernels at stride 1 and 2, odd
 * maps and rows not a multiple of the 6-position tile or of 16, activations as clamps, none or
 * smooth, pools with and without padding, ceil mode, stride 1, batch 1 and 2, one and two threads.
 * Output, scratch and planes start as NaN, so a position left unwritten or a pad read as data fails.
 */
class StemConvKernelTest {
    private static final ForkJoinPool POOL = new ForkJoinPool(2);
    private static final boolean WIDE = BlockedDepthwiseConvKernel.applies(new int[] {1, 1, 1, 1},
            new int[] {1, 1, 1, 1});
    private static final List<Op> ACTIVATIONS = Arrays.asList(new Op.Relu(), new Op.Relu6(), null, new Op.Silu(),
            new Op.LeakyRelu(0.1));
    /** Max pools as (kernel, stride, pad, ceil); null: the convolution alone. */
    private static final List<Op.MaxPool> POOLS = Arrays.asList(null, pool(3, 2, 1, false), pool(3, 2, 0, true),
            pool(2, 2, 0, false), pool(3, 1, 1, false), pool(3, 3, 1, true));

    @AfterAll
    static void shutdown() {
        POOL.shutdown();
    }

    private static Op.MaxPool pool(int kernel, int stride, int pad, boolean ceil) {
        return new Op.MaxPool(Size2.square(kernel), Size2.square(stride), Padding.symmetric(pad, pad), Size2.square(1),
                ceil);
    }

    @Test
    void equalsTheReferenceChain() {
        assumeTrue(WIDE, "the stem kernel runs at 512 bits only");
        Random rnd = new Random(2512);
        int[][] maps = {{224, 224}, {23, 17}, {31, 29}, {12, 45}, {9, 13}};
        int trial = 0;
        for (int kernel : new int[] {3, 5, 7}) {
            for (int stride = 1; stride <= 2; stride++) {
                for (int cin = 1; cin <= 4; cin++) {
                    int n = trial++;
                    int[] map = kernel == 7 && stride == 2 && cin == 3 ? maps[0] : maps[1 + n % 4];
                    for (Op.MaxPool pool : POOLS) {
                        check(rnd, cin, 64 * (1 + n % 2), kernel, stride, (kernel / 2 + n) % (kernel / 2 + 1), map,
                                ACTIVATIONS.get(n % ACTIVATIONS.size()), pool, 1 + n % 3);
                    }
                }
            }
        }
    }

    @Test
    void takesOnlyStems() {
        assumeTrue(WIDE, "the stem kernel runs at 512 bits only");
        Window w = Window.of(new Op.Conv(64, Size2.square(7), Size2.square(2), Padding.symmetric(3, 3),
                Size2.square(1), 1, false), new int[] {1, 3, 224, 224});
        int[] out = {1, 64, 112, 112};
        assertFalse(StemConvKernel.chosen(new int[] {1, 5, 224, 224}, out, w, 1, Fusion.NONE, null), "5 channels in");
        assertFalse(StemConvKernel.chosen(new int[] {1, 3, 224, 224}, new int[] {1, 48, 112, 112}, w, 1, Fusion.NONE,
                null), "48 channels out");
        assertFalse(StemConvKernel.chosen(new int[] {1, 3, 224, 224}, out, w, 1, Fusion.NONE.withResidual(), null),
                "a residual");
        assertFalse(StemConvKernel.chosen(new int[] {1, 3, 224, 224}, out, w, 3, Fusion.NONE, null), "groups");
        Op.Conv narrow = new Op.Conv(64, Size2.square(3), Size2.square(1), Padding.symmetric(0, 0), Size2.square(1), 1,
                true);
        Map<String, Tensor> params = Map.of("weight", random(new Random(1), 64, 3, 3, 3), "bias",
                random(new Random(2), 64));
        assertNull(ConvKernels.prepareConvPool(narrow, new int[] {1, 3, 7, 7}, params, Fusion.NONE, pool(3, 2, 1, false),
                KernelOptions.defaults(1)), "rows of 5 outputs, fewer than a tile");
        assertNull(ConvKernels.prepareConvPool(narrow, new int[] {1, 3, 20, 20}, params, Fusion.NONE,
                pool(3, 2, 1, false), new KernelOptions(true, 1)), "the forced scalar path");
    }

    private static void check(Random rnd, int cin, int cout, int kernel, int stride, int pad, int[] map, Op act,
                              Op.MaxPool pool, int batch) {
        Op.Conv conv = new Op.Conv(cout, Size2.square(kernel), Size2.square(stride), Padding.symmetric(pad, pad),
                Size2.square(1), 1, true);
        Tensor x = random(rnd, batch, cin, map[0], map[1]);
        if (ShapeInference.batched(conv, List.of(x.shape()))[3] < StemConvKernel.COLS) {
            return; // rows shorter than a tile stay on the GEMMs (takesOnlyStems)
        }
        Map<String, Tensor> params = new HashMap<>();
        params.put("weight", random(rnd, cout, cin, kernel, kernel));
        params.put("bias", random(rnd, cout));
        Map<String, Tensor> bn = batchNormParams(rnd, cout);
        Tensor want = OpRunner.runReference(conv, List.of(x), params);
        want = OpRunner.runReference(new Op.BatchNorm(1e-5), List.of(want), bn);
        Fusion fusion = Fusion.NONE.withBatchNorm(new Op.BatchNorm(1e-5), bn);
        if (act != null) {
            want = OpRunner.runReference(act, List.of(want), Map.of());
            fusion = fusion.withActivation(Activation.of(act).orElseThrow());
        }
        if (pool != null) {
            want = OpRunner.runReference(pool, List.of(want), Map.of());
        }
        for (int threads = 1; threads <= 2; threads++) {
            String what = batch + "x" + cin + "x" + map[0] + "x" + map[1] + " -> " + cout + " " + kernel + "x" + kernel
                    + "/" + stride + " pad " + pad + " " + (act == null ? "none" : act.kind()) + " pool " + pool
                    + " threads " + threads;
            KernelOptions options = KernelOptions.defaults(threads);
            Kernel k = pool == null ? ConvKernels.prepare(conv, List.of(x.shape()), params, fusion, options)
                    : ConvKernels.prepareConvPool(conv, x.shape(), params, fusion, pool, options);
            assertInstanceOf(StemConvKernel.class, k, what);
            Workspace ws = Workspace.forKernel(POOL, k);
            for (int s = 0; s < ws.slots(); s++) {
                Arrays.fill(ws.scratch(s), Float.NaN);
            }
            Arrays.fill(ws.shared(), Float.NaN);
            Tensor got = Tensor.zeros(k.outputShape());
            Arrays.fill(got.data(), Float.NaN);
            k.run(new Tensor[] {x}, got, ws);
            assertClose(want, got, what);
        }
    }

    /**
     * Where the pooled output takes the input's buffer, as the memory plan lets it (the input dies
     * at the convolution), every image is still read before it is overwritten.
     */
    @Test
    void poolsOverItsOwnInput() {
        assumeTrue(WIDE, "the stem kernel runs at 512 bits only");
        Random rnd = new Random(77);
        Op.Conv conv = new Op.Conv(64, Size2.square(7), Size2.square(2), Padding.symmetric(3, 3), Size2.square(1), 1,
                true);
        Op.MaxPool pool = pool(3, 2, 1, false);
        Map<String, Tensor> params = Map.of("weight", random(rnd, 64, 3, 7, 7), "bias", random(rnd, 64));
        for (int batch = 2; batch <= 3; batch++) {
            Tensor x = random(rnd, batch, 3, 40, 40);
            Tensor want = OpRunner.runReference(pool, List.of(OpRunner.runReference(conv, List.of(x), params)), Map.of());
            for (int threads = 1; threads <= 2; threads++) {
                Kernel k = ConvKernels.prepareConvPool(conv, x.shape(), params, Fusion.NONE, pool,
                        KernelOptions.defaults(threads));
                assertInstanceOf(StemConvKernel.class, k);
                float[] arena = new float[Math.max(x.size(), want.size()) + 5];
                System.arraycopy(x.data(), 0, arena, 5, x.size());
                Tensor got = Tensor.view(arena, 0, k.outputShape());
                k.run(new Tensor[] {Tensor.view(arena, 5, x.shape())}, got, Workspace.forKernel(threads == 1 ? null : POOL, k));
                assertClose(want, got.copy(), "batch " + batch + ", threads " + threads);
            }
        }
    }

    /** The pooled shape the kernel gives is the analyzer's. */
    @Test
    void outputShapeIsThePools() {
        assumeTrue(WIDE, "the stem kernel runs at 512 bits only");
        Op.Conv conv = new Op.Conv(64, Size2.square(7), Size2.square(2), Padding.symmetric(3, 3), Size2.square(1), 1,
                false);
        int[] x = {2, 3, 61, 67};
        Op.MaxPool pool = pool(3, 2, 0, true);
        Kernel k = ConvKernels.prepareConvPool(conv, x, Map.of("weight", random(new Random(3), 64, 3, 7, 7)),
                Fusion.NONE, pool, KernelOptions.defaults(2));
        int[] want = ShapeInference.batched(pool, List.of(ShapeInference.batched(conv, List.of(x))));
        org.junit.jupiter.api.Assertions.assertArrayEquals(want, k.outputShape());
    }
}
