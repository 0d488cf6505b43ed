package io.cnnkit.exec.kernel.conv;

import static io.cnnkit.exec.kernel.OptimizedKernelsTest.batchNormParams;
import static io.cnnkit.exec.kernel.OptimizedKernelsTest.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
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
 * The fused expand 1x1 + depthwise kernel (512 bits only) against the reference kernels run one
 * operator at a time (1x1 conv, batchnorm, activation, depthwise conv, batchnorm, add,
 * activation): odd maps (fewer positions than a row of 16, rows not a multiple of the 8-position
 * tile), input and expanded channel counts below, at and past 16 and 48 (partial blocks, units of
 * one to three blocks), 3x3 and 5x5, stride 1 and 2, pads 0 to 2, the expand's activation as the
 * tile's clamp (relu, relu6), none, or on the tiles' rows (silu, hardswish, leaky relu), the
 * depthwise's own epilogue paths, batch 1 and 2, one and two threads. Scratch starts as NaN.
 */
class ExpandDepthwiseConvTest {
    private static final ForkJoinPool POOL = new ForkJoinPool(2);
    private static final boolean BLOCKED = BlockedDepthwiseConvKernel.applies(new int[] {1, 1, 1, 1},
            new int[] {1, 1, 1, 1});
    private static final List<Op> EXPAND_ACTIVATIONS = Arrays.asList(new Op.Relu6(), new Op.Relu(), null, new Op.Silu(),
            new Op.HardSwish(), new Op.LeakyRelu(0.1));
    private static final List<Op> DEPTHWISE_ACTIVATIONS = Arrays.asList(new Op.Relu6(), null, new Op.Silu(),
            new Op.Relu());

    @AfterAll
    static void shutdown() {
        POOL.shutdown();
    }

    @Test
    void equalsTheReferenceOnOddShapes() {
        assumeTrue(BLOCKED, "the fused kernel runs at 512 bits only");
        Random rnd = new Random(251);
        int[] inCounts = {3, 16, 24, 37};
        int[] expandedCounts = {5, 16, 21, 48, 53, 96};
        int[][] maps = {{3, 3}, {7, 7}, {8, 5}, {9, 13}, {14, 14}, {17, 11}};
        int ran = 0;
        for (int[] map : maps) {
            for (int k : new int[] {3, 5}) {
                for (int stride = 1; stride <= 2; stride++) {
                    for (int pad = 0; pad <= 2; pad++) {
                        int n = ran++;
                        if (k > Math.min(map[0], map[1]) + 2 * pad) {
                            continue; // no output
                        }
                        check(rnd, new Case(inCounts[n % inCounts.length], expandedCounts[n % expandedCounts.length],
                                map[0], map[1], k, stride, pad, EXPAND_ACTIVATIONS.get(n % EXPAND_ACTIVATIONS.size()),
                                DEPTHWISE_ACTIVATIONS.get(n % DEPTHWISE_ACTIVATIONS.size()), n % 3 != 2, n % 7 == 3,
                                1 + n % 2));
                    }
                }
            }
        }
        assertTrue(ran == 72, "cases: " + ran);
    }

    /** MobileNet-v2's own blocks, scaled down: relu6 both, batchnorm both, 56x56 to 7x7 maps. */
    @Test
    void equalsTheReferenceOnMobileNetBlocks() {
        assumeTrue(BLOCKED, "the fused kernel runs at 512 bits only");
        Random rnd = new Random(252);
        check(rnd, new Case(24, 144, 28, 28, 3, 1, 1, new Op.Relu6(), new Op.Relu6(), true, false, 1));
        check(rnd, new Case(32, 192, 14, 14, 3, 2, 1, new Op.Relu6(), new Op.Relu6(), true, false, 1));
        check(rnd, new Case(160, 960, 7, 7, 3, 1, 1, new Op.Relu6(), new Op.Relu6(), true, false, 2));
    }

    /** Units of one to three blocks, enough of them for two threads to share evenly. */
    @Test
    void unitsSpreadTheBlocksEvenly() {
        assertArrayEquals(new int[] {0, 3, 6, 9}, ExpandDepthwiseConvKernel.units(9, 1));
        assertArrayEquals(new int[] {0, 3, 5, 7, 9}, ExpandDepthwiseConvKernel.units(9, 2));
        assertArrayEquals(new int[] {0, 2, 4}, ExpandDepthwiseConvKernel.units(4, 1));
        assertArrayEquals(new int[] {0, 3, 6}, ExpandDepthwiseConvKernel.units(6, 2));
        assertArrayEquals(new int[] {0, 1}, ExpandDepthwiseConvKernel.units(1, 2));
        assertEquals(20, ExpandDepthwiseConvKernel.units(60, 2).length - 1);
    }

    /**
     * The planner gets null, and keeps two steps, where the first convolution has more than 32
     * taps, leaves rows of fewer than 8 positions, or the map fewer than 8.
     */
    @Test
    void otherPairsAreNotFused() {
        assumeTrue(BLOCKED, "the fused kernel runs at 512 bits only");
        Random rnd = new Random(253);
        assertNull(prepare(rnd, new Case(8, 16, 2, 3, 3, 1, 1, null, null, false, false, 1), 1, 1, 0));
        assertNull(prepare(rnd, new Case(8, 16, 9, 9, 3, 1, 1, null, null, false, false, 1), 3, 1, 0));
        assertNull(prepare(rnd, new Case(8, 16, 9, 9, 3, 1, 1, null, null, false, false, 1), 1, 2, 0));
        assertNull(prepare(rnd, new Case(3, 16, 14, 14, 3, 1, 1, null, null, false, false, 1), 3, 2, 1));
        assertNotNull(prepare(rnd, new Case(8, 16, 9, 9, 3, 1, 1, null, null, false, false, 1), 1, 1, 1));
        assertNotNull(prepare(rnd, new Case(3, 16, 16, 16, 3, 1, 1, null, null, false, false, 1), 3, 2, 1));
        assertNotNull(prepare(rnd, new Case(8, 16, 9, 9, 3, 1, 1, null, null, false, false, 1), 1, 1, 0));
    }

    /**
     * A stem before the depthwise layer (3x3 stride 2 on three channels, as MobileNet's and
     * EfficientNet's), and other small convolutions: 2x2 and 1x3 kernels, strides 1 to 3, pads 0
     * to 2, maps whose rows are not a multiple of 8, in one band and in bands of 1 to 3 rows.
     */
    @Test
    void equalsTheReferenceAfterAStem() {
        assumeTrue(BLOCKED, "the fused kernel runs at 512 bits only");
        Random rnd = new Random(254);
        check(rnd, new Case(3, 32, 32, 32, 3, 1, 1, new Op.Relu6(), new Op.Relu6(), true, false, 1), 3, 2, 1);
        check(rnd, new Case(3, 24, 35, 21, 3, 2, 1, new Op.HardSwish(), new Op.Relu(), true, false, 2), 3, 2, 1);
        check(rnd, new Case(3, 48, 20, 17, 3, 1, 1, new Op.Silu(), new Op.Silu(), false, true, 1), 3, 1, 1);
        check(rnd, new Case(2, 16, 30, 26, 5, 1, 2, null, new Op.Relu6(), true, false, 1), 2, 3, 0);
        check(rnd, new Case(8, 21, 12, 19, 3, 2, 0, new Op.Relu(), null, false, false, 1), 1, 1, 2);
    }

    private record Case(int in, int channels, int h, int w, int k, int stride, int pad, Op expandAct, Op dwAct,
                        boolean batchNorm, boolean residual, int batch) {
        Op.Conv expand(int k1, int stride1, int pad1) {
            return new Op.Conv(channels, Size2.square(k1), Size2.square(stride1), Padding.symmetric(pad1, pad1),
                    Size2.square(1), 1, true);
        }

        Op.Conv depthwise() {
            return new Op.Conv(channels, Size2.square(k), Size2.square(stride), Padding.symmetric(pad, pad),
                    Size2.square(1), channels, false);
        }

        @Override
        public String toString() {
            return in + "->" + channels + " " + h + "x" + w + " " + k + "x" + k + "/" + stride + " pad " + pad
                    + " expand " + (expandAct == null ? "none" : expandAct.kind()) + " depthwise "
                    + (dwAct == null ? "none" : dwAct.kind()) + (batchNorm ? " batchnorm" : "")
                    + (residual ? " residual" : "") + " batch " + batch;
        }
    }

    private final Map<String, Tensor> expandParams = new HashMap<>(), dwParams = new HashMap<>();
    private Fusion expandFusion, dwFusion;
    private List<int[]> dwInputs;

    /** The fused kernel for the case (its expand as k1, stride1, pad1 to try other 1x1s), or null. */
    private Kernel prepare(Random rnd, Case c, int k1, int stride1, int pad1) {
        Op.Conv expand = c.expand(k1, stride1, pad1);
        int[] x = {c.batch(), c.in(), c.h(), c.w()};
        int[] mid = ShapeInference.batched(expand, List.of(x));
        expandParams.clear();
        dwParams.clear();
        expandParams.put("weight", random(rnd, c.channels(), c.in(), k1, k1));
        expandParams.put("bias", random(rnd, c.channels()));
        dwParams.put("weight", random(rnd, c.channels(), 1, c.k(), c.k()));
        expandFusion = Fusion.NONE;
        dwFusion = Fusion.NONE;
        if (c.batchNorm()) {
            expandFusion = expandFusion.withBatchNorm(new Op.BatchNorm(1e-5), batchNormParams(rnd, c.channels()));
            dwFusion = dwFusion.withBatchNorm(new Op.BatchNorm(1e-5), batchNormParams(rnd, c.channels()));
        }
        if (c.expandAct() != null) {
            expandFusion = expandFusion.withActivation(Activation.of(c.expandAct()).orElseThrow());
        }
        List<int[]> dwInputs = new ArrayList<>(List.of(mid));
        if (c.residual()) {
            dwFusion = dwFusion.withResidual();
            dwInputs.add(ShapeInference.batched(c.depthwise(), List.of(mid)));
        }
        if (c.dwAct() != null) {
            dwFusion = dwFusion.withActivation(Activation.of(c.dwAct()).orElseThrow());
        }
        this.dwInputs = dwInputs;
        return fused(expand, x, c, 1);
    }

    /** The fused kernel with the parameters {@link #prepare} drew, prepared for {@code threads}. */
    private Kernel fused(Op.Conv expand, int[] x, Case c, int threads) {
        return ConvKernels.prepareExpandDepthwise(expand, x, expandParams, expandFusion, c.depthwise(), dwInputs,
                dwParams, dwFusion, false, new KernelOptions(false, threads));
    }

    private void check(Random rnd, Case c) {
        check(rnd, c, 1, 1, 0);
    }

    /** The case with its first convolution k1 x k1, stride1, pad1. */
    private void check(Random rnd, Case c, int k1, int stride1, int pad1) {
        Kernel kernel = prepare(rnd, c, k1, stride1, pad1);
        assertNotNull(kernel, c + ": not fused");
        Op.Conv expand = c.expand(k1, stride1, pad1);
        Tensor x = random(rnd, c.batch(), c.in(), c.h(), c.w());
        Tensor want = OpRunner.runReference(expand, List.of(x), expandParams);
        if (c.batchNorm()) {
            want = OpRunner.runReference(new Op.BatchNorm(1e-5), List.of(want), expandFusion.batchNormParams());
        }
        if (c.expandAct() != null) {
            want = OpRunner.runReference(c.expandAct(), List.of(want), Map.of());
        }
        want = OpRunner.runReference(c.depthwise(), List.of(want), dwParams);
        if (c.batchNorm()) {
            want = OpRunner.runReference(new Op.BatchNorm(1e-5), List.of(want), dwFusion.batchNormParams());
        }
        Tensor[] inputs = {x};
        if (c.residual()) {
            Tensor res = random(rnd, want.shape());
            inputs = new Tensor[] {x, res};
            want = OpRunner.runReference(new Op.Add(), List.of(want, res), Map.of());
        }
        if (c.dwAct() != null) {
            want = OpRunner.runReference(c.dwAct(), List.of(want), Map.of());
        }
        BlockedDepthwiseConvTest.assertMatches(kernel, inputs, want, c.toString(), null);
        // prepared for two threads: maybe other units
        int[] xShape = {c.batch(), c.in(), c.h(), c.w()};
        Kernel two = fused(expand, xShape, c, 2);
        BlockedDepthwiseConvTest.assertMatches(two, inputs, want, c + " 2 threads", POOL);
        // in bands of 1 to 3 output rows, as on large maps (bands need rows of at least 8 positions)
        int[] mid = dwInputs.get(0), out = ShapeInference.batched(c.depthwise(), List.of(mid));
        Window w = Window.of(c.depthwise(), mid);
        for (int rows = 1; rows <= 3 && rows < out[2] && mid[3] >= ExpandDepthwiseConvKernel.ROWS; rows++) {
            BlockedDepthwiseConvKernel dw = new BlockedDepthwiseConvKernel(mid, out, w,
                    Folding.forConv(c.depthwise(), dwParams, c.channels(), dwFusion), dwFusion, 1, rows);
            Kernel banded = new ExpandDepthwiseConvKernel(xShape, Window.of(expand, xShape),
                    Folding.forConv(expand, expandParams, c.in(), expandFusion, true), expandFusion, dw, mid,
                    rows == 2, 2);
            String what = c + " bands of " + rows + " rows";
            if (rows == 2) {
                assertMatchesOverItsInput(banded, inputs, want, what + ", staged");
            } else {
                BlockedDepthwiseConvTest.assertMatches(banded, inputs, want, what, POOL);
            }
        }
    }

    /**
     * A staged kernel whose output overlaps its input: both start at the same place of one array,
     * the staging buffer (as large as the input, left NaN) after them.
     */
    private static void assertMatchesOverItsInput(Kernel kernel, Tensor[] inputs, Tensor want, String what) {
        Tensor x = inputs[0];
        int shared = Math.max(x.size(), want.size());
        float[] arena = new float[shared + x.size()];
        Arrays.fill(arena, Float.NaN);
        Tensor in = Tensor.view(arena, 0, x.shape()), out = Tensor.view(arena, 0, want.shape());
        System.arraycopy(x.data(), x.offset(), arena, 0, x.size());
        Tensor[] staged = Arrays.copyOf(inputs, inputs.length + 1);
        staged[0] = in;
        staged[inputs.length] = Tensor.view(arena, shared, x.shape());
        Workspace ws = Workspace.forKernel(POOL, kernel);
        kernel.run(staged, out, ws);
        double error = WinogradConvTest.relativeError(want, out);
        assertTrue(error < 1e-5, what + ": relative error " + error);
    }
}
