package io.cnnkit.exec.kernel.conv;

import static io.cnnkit.exec.kernel.OptimizedKernelsTest.batchNormParams;
import static io.cnnkit.exec.kernel.OptimizedKernelsTest.random;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import io.cnnkit.analyzer.ShapeInference;
import io.cnnkit.compiler.op.Op;
import io.cnnkit.compiler.op.Padding;
import io.cnnkit.compiler.op.Size2;
import io.cnnkit.exec.Tensor;
import io.cnnkit.exec.kernel.Activation;
import io.cnnkit.exec.kernel.Folding;
import io.cnnkit.exec.kernel.Fusion;
import io.cnnkit.exec.kernel.Kernel;
import io.cnnkit.exec.kernel.KernelOptions;
import io.cnnkit.exec.kernel.OpRunner;
import io.cnnkit.exec.kernel.Simd;
import io.cnnkit.exec.kernel.Window;
import io.cnnkit.exec.kernel.Workspace;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ForkJoinPool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The channel-blocked depthwise kernel (at 512 bits only), and the flat rows of
 * {@link DepthwiseConvKernel} on the same shapes (the rule gives most of them to the blocked
 * kernel), against the reference kernels (conv, then batchnorm, add and the activation as separate
 * operators): every map size from 1x1 to 17x17 (and a non-square one), 3x3 and 5x5, stride 1 and
 * 2, pads 0 to 2, channel counts below, at and past a 16-channel block, every fusable activation,
 * with and without batchnorm and a residual, one and two threads. Planes of fewer than 16
 * positions and partial last blocks take the blocked kernel's scalar copies; the rest its 16x16
 * transposes, straight out with a piecewise-linear activation, through per-channel runs with a
 * smooth one or a residual. The scratch starts as NaN, as if another layer had used it.
 */
class BlockedDepthwiseConvTest {
    private static final ForkJoinPool POOL = new ForkJoinPool(2);
    /** Whether this JVM runs the channel-blocked kernel (512-bit vectors); the flat rows are checked at any width. */
    private static final boolean BLOCKED = BlockedDepthwiseConvKernel.applies(new int[] {1, 1, 1, 1},
            new int[] {1, 1, 1, 1});
    /** Direct float sums of at most 25 products stay within about 1e-6 of the reference's. */
    private static final double BOUND = 1e-5;
    private static final List<Op> ACTIVATIONS = List.of(new Op.Relu(), new Op.Relu6(), new Op.LeakyRelu(0.1),
            new Op.Sigmoid(), new Op.Silu(), new Op.HardSigmoid(), new Op.HardSwish(), new Op.Gelu(false),
            new Op.Gelu(true));

    @AfterAll
    static void shutdown() {
        POOL.shutdown();
    }

    @Test
    void equalsTheReferenceOnOddShapes() {
        Random rnd = new Random(25);
        int[] channelCounts = {1, 5, 16, 21, 32, 37};
        int ran = 0;
        for (int size = 1; size <= 18; size++) {
            for (int k : new int[] {3, 5}) {
                for (int stride = 1; stride <= 2; stride++) {
                    for (int pad = 0; pad <= 2; pad++) {
                        int h = size, wd = size == 18 ? 11 : size;   // 18: a non-square 18x11 map
                        int channels = channelCounts[ran % channelCounts.length];
                        Op act = ran % 4 == 3 ? null : ACTIVATIONS.get(ran % ACTIVATIONS.size());
                        if (check(rnd, channels, h, wd, k, stride, pad, act, ran % 3 == 0, ran % 5 == 1)) {
                            ran++;
                        }
                    }
                }
            }
        }
        assertTrue(ran > 150, "too few valid shapes: " + ran);
    }

    /** Two images of 16-channel blocks, so that blocks of both images split over threads. */
    @Test
    void equalsTheReferenceOnBatchesOfWholeBlocks() {
        Random rnd = new Random(26);
        check(rnd, 48, 14, 14, 3, 1, 1, new Op.Relu6(), true, false);
        check(rnd, 64, 13, 9, 5, 2, 2, new Op.HardSwish(), false, false);
        check(rnd, 32, 7, 7, 3, 2, 1, new Op.Silu(), true, true);
    }

    /** The rule keeps the flat rows where they were measured as fast or faster: 112x112 maps. */
    @Test
    void theRuleKeepsTheRowsOnLargeMaps() {
        assumeTrue(BLOCKED, "the channel-blocked kernel runs at 512 bits only; this JVM has "
                + Simd.S.vectorBitSize());
        assertTrue(pays(960, 7, 1));
        assertTrue(pays(144, 56, 1));
        assertTrue(pays(144, 56, 2));
        assertFalse(pays(96, 112, 2));
        assertFalse(pays(32, 112, 1));
    }

    private static boolean pays(int channels, int size, int stride) {
        int[] x = {1, channels, size, size};
        Op.Conv conv = new Op.Conv(channels, Size2.square(3), Size2.square(stride), Padding.symmetric(1, 1),
                Size2.square(1), channels, false);
        int[] out = ShapeInference.batched(conv, List.of(x));
        return BlockedDepthwiseConvKernel.pays(x, out, Window.of(conv, x));
    }

    /** Runs one case on one and two threads; false when the shape has no output. */
    private static boolean check(Random rnd, int channels, int h, int wd, int k, int stride, int pad, Op act,
                                 boolean batchNorm, boolean residual) {
        Op.Conv conv = new Op.Conv(channels, Size2.square(k), Size2.square(stride), Padding.symmetric(pad, pad),
                Size2.square(1), channels, rnd.nextBoolean());
        int batch = channels % 16 == 0 ? 2 : 1;
        int[] shape = {batch, channels, h, wd};
        int[] outShape;
        try {
            outShape = ShapeInference.batched(conv, List.of(shape));
        } catch (IllegalArgumentException noOutput) {
            return false;
        }
        Map<String, Tensor> params = new HashMap<>();
        params.put("weight", random(rnd, channels, 1, k, k));
        if (conv.bias()) {
            params.put("bias", random(rnd, channels));
        }
        Tensor x = random(rnd, shape);
        Tensor want = OpRunner.runReference(conv, List.of(x), params);
        Fusion fusion = Fusion.NONE;
        Tensor[] inputs = {x};
        if (batchNorm) {
            Map<String, Tensor> bn = batchNormParams(rnd, channels);
            fusion = fusion.withBatchNorm(new Op.BatchNorm(1e-5), bn);
            want = OpRunner.runReference(new Op.BatchNorm(1e-5), List.of(want), bn);
        }
        if (residual) {
            Tensor res = random(rnd, outShape);
            fusion = fusion.withResidual();
            inputs = new Tensor[] {x, res};
            want = OpRunner.runReference(new Op.Add(), List.of(want, res), Map.of());
        }
        if (act != null) {
            fusion = fusion.withActivation(Activation.of(act).orElseThrow());
            want = OpRunner.runReference(act, List.of(want), Map.of());
        }
        Window w = Window.of(conv, shape);
        Folding folded = Folding.forConv(conv, params, channels, fusion);
        String what = channels + "x" + h + "x" + wd + " " + k + "x" + k + "/" + stride + " pad " + pad
                + (batchNorm ? " batchnorm" : "") + (residual ? " residual" : "") + " " + (act == null ? "" : act.kind());
        for (ForkJoinPool pool : new ForkJoinPool[] {null, POOL}) {
            KernelOptions options = new KernelOptions(false, pool == null ? 1 : 2);
            List<Kernel> kernels = new ArrayList<>(List.of(new DepthwiseConvKernel(shape, outShape, w, folded, fusion,
                    options)));
            if (BLOCKED) {
                int threads = options.threads();
                kernels.add(new BlockedDepthwiseConvKernel(shape, outShape, w, folded, fusion, threads));
                // in bands of 1 to 3 output rows (as on large maps), and in parts on two threads
                for (int rows = 1; rows <= 3 && rows < outShape[2]; rows++) {
                    kernels.add(new BlockedDepthwiseConvKernel(shape, outShape, w, folded, fusion, threads, rows));
                }
            }
            for (Kernel kernel : kernels) {
                assertMatches(kernel, inputs, want, what + " " + kernel.getClass().getSimpleName()
                        + (pool == null ? "" : " 2 threads"), pool);
            }
        }
        return true;
    }

    /** Runs {@code kernel} on scratch left NaN and checks it against {@code want} within {@link #BOUND}. */
    static void assertMatches(Kernel kernel, Tensor[] inputs, Tensor want, String what, ForkJoinPool pool) {
        Tensor got = Tensor.zeros(kernel.outputShape());
        Workspace ws = Workspace.forKernel(pool, kernel);
        for (int slot = 0; slot < ws.slots(); slot++) {
            // scratch as another layer may have left it: the kernel must zero its padding itself
            Arrays.fill(ws.scratch(slot), Float.NaN);
        }
        kernel.run(inputs, got, ws);
        double error = WinogradConvTest.relativeError(want, got);
        assertTrue(error <= BOUND, what + ": relative error " + error);
    }
}
