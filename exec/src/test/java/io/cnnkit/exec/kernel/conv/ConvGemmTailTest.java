package io.cnnkit.exec.kernel.conv;

import static io.cnnkit.exec.kernel.OptimizedKernelsTest.assertClose;
import static io.cnnkit.exec.kernel.OptimizedKernelsTest.batchNormParams;
import static io.cnnkit.exec.kernel.OptimizedKernelsTest.random;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import io.cnnkit.compiler.op.Op;
import io.cnnkit.compiler.op.Padding;
import io.cnnkit.compiler.op.Size2;
import io.cnnkit.exec.Tensor;
import io.cnnkit.exec.kernel.Activation;
import io.cnnkit.exec.kernel.Fusion;
import io.cnnkit.exec.kernel.Kernel;
import io.cnnkit.exec.kernel.KernelOptions;
import io.cnnkit.exec.kernel.OpRunner;
import io.cnnkit.exec.kernel.Simd;
import io.cnnkit.exec.kernel.Window;
import io.cnnkit.exec.kernel.Workspace;
import io.cnnkit.exec.kernel.gemm.Sgemm;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ForkJoinPool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The im2col tiles' tail product ({@link ConvGemmKernel#layout}): 1x1 layers without padding whose last
 * few positions are computed by vectors over the A panels instead of a tile panel, against the
 * reference chain (conv, batchnorm, residual add, relu6). Maps of 49, 50 and 196 positions, and of 1
 * and 3 (squeeze-excitation's, all tail), output
 * channels that leave a partial panel, K of one odd block and of several blocks, two groups,
 * batch 2; vector and scalar paths, one and two threads. Also the loop order of small-K layers
 * ({@link #smallKLayersEqualTheReferenceChain}), B read in place by layers of few output channels
 * and the longer K blocks of small maps.
 */
class ConvGemmTailTest {
    private static final ForkJoinPool POOL = new ForkJoinPool(2);

    @AfterAll
    static void shutdown() {
        POOL.shutdown();
    }

    @Test
    void mapsAFewPositionsPastWholePanelsGetATail() {
        for (int size : new int[] {7, 14}) {
            Window w = Window.of(conv(64, 1), new int[] {1, 64, size, size});
            ConvGemmKernel.Layout layout = ConvGemmKernel.layout(w, 160);
            int lanes = Simd.S.length();
            // 49 = 48 + 1 and 196 = 192 + 4 at 512 bits (8x48); 48 + 1 and 192 + 4 on 8x24 at 256 bits
            assertEquals(size == 7 ? 1 : 4, layout.tail(), size + "x" + size + " at " + lanes + " lanes");
            assertTrue(layout.useful(160, size * size) > usefulWithoutTail(w, 160), "the tail wastes less");
        }
        Window strided = Window.of(new Op.Conv(64, Size2.square(1), Size2.square(2), Padding.ZERO, Size2.square(1), 1,
                false), new int[] {1, 64, 14, 14});
        assertEquals(1, ConvGemmKernel.layout(strided, 160).tail(), "a downsampling 1x1 layer to 7x7 has a tail");
        Window padded = Window.of(new Op.Conv(64, Size2.square(1), Size2.square(2), Padding.symmetric(1, 1),
                Size2.square(1), 1, false), new int[] {1, 64, 12, 12});
        assertEquals(0, ConvGemmKernel.layout(padded, 160).tail(), "padded 1x1 layers have no tail");
        Window squeeze = Window.of(conv(64, 1), new int[] {1, 576, 1, 1});
        assertEquals(1, ConvGemmKernel.layout(squeeze, 144).tail(), "a 1x1 map is all tail");
    }

    private static double usefulWithoutTail(Window w, int m) {
        return Sgemm.best(m, w.outSize()).useful(m, w.outSize());
    }

    @Test
    void theTailEqualsTheReferenceChain() {
        Random rnd = new Random(21);
        int[][] maps = {{7, 7}, {5, 10}, {14, 14}, {1, 1}, {1, 3}};
        int[][] channels = {{37, 13}, {300, 40}, {24, 70}};
        for (int[] map : maps) {
            for (int[] ch : channels) {
                for (int groups : new int[] {1, 2}) {
                    checkChain(rnd, ch[0], ch[1], groups, map[0], map[1], new Op.Relu6());
                }
            }
        }
    }

    /**
     * Strided 1x1 layers without padding (ResNet's downsampling to 14x14 and 7x7 maps, and odd
     * input sizes and stride 3) take the tail too, its B values read at the sampled input positions,
     * and K blocks as long as on stride-1 layers of their output map's size (1,100 rows: one block).
     */
    @Test
    void stridedLayersTailsEqualTheReferenceChain() {
        Random rnd = new Random(24);
        int[][] inputs = {{14, 14, 2}, {13, 13, 2}, {28, 28, 2}, {21, 20, 3}};
        for (int[] in : inputs) {
            for (int[] ch : new int[][] {{37, 13}, {300, 40}, {1100, 24}}) {
                checkChain(rnd, ch[0], ch[1], 1, in[0], in[1], in[2], new Op.Relu());
            }
        }
    }

    /**
     * Squeeze-excitation's convolutions on a 1x1 map, whose epilogue runs over a panel's channels
     * in vectors: the gates' sigmoid and hardsigmoid and the reductions' silu and relu, channel
     * counts that end on a partial vector and a partial panel, two groups.
     */
    @Test
    void squeezeExcitationGatesEqualTheReferenceChain() {
        Random rnd = new Random(23);
        List<Op> activations = List.of(new Op.Sigmoid(), new Op.HardSigmoid(), new Op.Silu(), new Op.Relu());
        int[][] channels = {{13, 40}, {37, 70}, {144, 577}, {576, 144}};
        for (Op act : activations) {
            for (int[] ch : channels) {
                for (int groups : new int[] {1, 2}) {
                    checkChain(rnd, ch[0], ch[1], groups, 1, 1, act);
                }
            }
        }
    }

    /**
     * 1x1 layers of small K on maps of several position chunks (23x29, 28x28, 5x70): a single K
     * block of at most 32 KB per chunk runs weight panel by weight panel with the epilogue once per
     * row of a chunk, larger ones (K = 40 at either width) column panel by column panel. Partial
     * weight and position panels, two groups.
     */
    @Test
    void smallKLayersEqualTheReferenceChain() {
        Random rnd = new Random(22);
        int[][] maps = {{23, 29}, {28, 28}, {5, 70}};
        for (int[] map : maps) {
            for (int k : new int[] {3, 16, 24, 32, 33, 40}) {
                for (int groups : new int[] {1, 2}) {
                    checkChain(rnd, k, 37, groups, map[0], map[1], new Op.Relu6());
                }
            }
        }
    }

    /**
     * 1x1 layers of at most 32 output channels on the 8x48 tile read B where it lies in the input
     * planes, a last partial panel packed: 8 to 32 channels (24 on the 8x48 tile rather than the
     * 12x32 one) and a partial weight panel, K of one
     * and of several blocks, maps of whole panels only (12x20) and with a partial one (23x29,
     * 56x56), two groups.
     */
    @Test
    void fewOutputChannelsReadingBInPlaceEqualTheReferenceChain() {
        Window w = Window.of(conv(16, 1), new int[] {1, 32, 112, 112});
        Sgemm.Shape shape = ConvGemmKernel.layout(w, 16).shape();
        assertEquals(Simd.S.length() == 16, ConvGemmKernel.readsBInPlace(w, shape, 16, false),
                "MobileNet-v2's 32->16 layer reads B in place at 512 bits, never at 256");
        assertFalse(ConvGemmKernel.readsBInPlace(w, shape, 16, true), "the scalar path packs B");
        Window w24 = Window.of(conv(24, 1), new int[] {1, 96, 56, 56});
        assertEquals(Simd.S.length() == 16 ? Sgemm.COLUMNS : Sgemm.ROWS, ConvGemmKernel.layout(w24, 24).shape(),
                "96->24 on 56x56 takes 8x48 at 512 bits (12x32 would fit it exactly but packs B)");
        Random rnd = new Random(25);
        int[][] maps = {{12, 20}, {23, 29}};
        for (int[] map : maps) {
            for (int coutG : new int[] {8, 13, 24, 32}) {
                for (int cinG : new int[] {32, 300}) {
                    checkChain(rnd, cinG, coutG, 1, map[0], map[1], new Op.Relu6());
                }
            }
            checkChain(rnd, 40, 16, 2, map[0], map[1], new Op.Relu());
        }
        checkChain(rnd, 32, 16, 1, 56, 56, new Op.Relu6());
    }

    /**
     * 1x1 layers without padding on output maps of at most 28x28 take K blocks of as many rows as
     * keep a chunk's packed B within 1 MiB, those reading B in place and maps that are all tail 256,
     * others 128: K of one and more blocks, with the tail (7x7, 14x14) and without (8x12, 28x28,
     * 56x56).
     */
    @Test
    void smallMapsTakeLongKBlocks() {
        assertTrue(ConvGemmKernel.kBlockMax(Window.of(conv(160, 1), new int[] {1, 960, 7, 7}), 160) >= 960,
                "960->160 on 7x7 in one block");
        assertTrue(ConvGemmKernel.kBlockMax(Window.of(conv(256, 1), new int[] {1, 1024, 14, 14}), 256) >= 1024,
                "1024->256 on 14x14 in one block");
        assertTrue(ConvGemmKernel.kBlockMax(Window.of(conv(128, 1), new int[] {1, 512, 28, 28}), 128) >= 512,
                "512->128 on 28x28 in one block");
        assertTrue(ConvGemmKernel.kBlockMax(Window.of(conv(40, 1), new int[] {1, 3000, 28, 28}), 40) < 3000,
                "3000->40 on 28x28 in more than one block");
        Window downsample = Window.of(new Op.Conv(2048, Size2.square(1), Size2.square(2), Padding.ZERO,
                Size2.square(1), 1, false), new int[] {1, 1024, 14, 14});
        assertTrue(ConvGemmKernel.kBlockMax(downsample, 2048) >= 1024, "1024x14 -> 2048x7 in one block");
        assertEquals(256, ConvGemmKernel.kBlockMax(Window.of(conv(48, 1), new int[] {1, 1152, 1, 1}), 48),
                "a squeeze-excitation layer's map is all tail");
        int inPlaceOn28 = ConvGemmKernel.kBlockMax(Window.of(conv(32, 1), new int[] {1, 192, 28, 28}), 32);
        assertTrue(Simd.S.length() == 16 ? inPlaceOn28 == 256 : inPlaceOn28 >= 192,
                "192->32 on 28x28 reads B in place at 512 bits: " + inPlaceOn28);
        assertEquals(128, ConvGemmKernel.kBlockMax(Window.of(conv(64, 1), new int[] {1, 256, 56, 56}), 64));
        assertEquals(Simd.S.length() == 16 ? 256 : 128,
                ConvGemmKernel.kBlockMax(Window.of(conv(24, 1), new int[] {1, 144, 56, 56}), 24),
                "144->24 on 56x56 reads B in place at 512 bits");
        Random rnd = new Random(26);
        int[][] maps = {{7, 7}, {14, 14}, {8, 12}, {28, 28}};
        for (int[] map : maps) {
            for (int cinG : new int[] {200, 320, 600}) {
                checkChain(rnd, cinG, 40, 1, map[0], map[1], new Op.Relu6());
            }
        }
        checkChain(rnd, 3000, 40, 1, 28, 28, new Op.Relu6());   // more than one block
        checkChain(rnd, 600, 16, 1, 28, 28, new Op.Relu6());    // in place at 512 bits: three blocks of 200
        checkChain(rnd, 300, 40, 1, 56, 56, new Op.Relu6());    // blocks of 100 on a large map
    }

    /**
     * A 1x1 layer of {@code cinG} -> {@code coutG} channels per group with batchnorm, residual and
     * the activation {@code act} fused, by the im2col tiles (vector and scalar, one and two threads)
     * against the reference chain.
     */
    private static void checkChain(Random rnd, int cinG, int coutG, int groups, int height, int width, Op act) {
        checkChain(rnd, cinG, coutG, groups, height, width, 1, act);
    }

    /** As above, the input {@code height} x {@code width} and the layer's stride {@code stride}. */
    private static void checkChain(Random rnd, int cinG, int coutG, int groups, int height, int width, int stride,
                                   Op act) {
        int cin = cinG * groups, cout = coutG * groups;
        Op.Conv conv = new Op.Conv(cout, Size2.square(1), Size2.square(stride), Padding.ZERO, Size2.square(1),
                groups, true);
        Tensor x = random(rnd, 2, cin, height, width);
        Map<String, Tensor> params = new HashMap<>();
        params.put("weight", random(rnd, cout, cinG, 1, 1));
        params.put("bias", random(rnd, cout));
        Map<String, Tensor> bn = batchNormParams(rnd, cout);
        Tensor y = OpRunner.runReference(conv, List.of(x), params);
        y = OpRunner.runReference(new Op.BatchNorm(1e-5), List.of(y), bn);
        Tensor residual = random(rnd, y.shape());
        y = OpRunner.runReference(new Op.Add(), List.of(y, residual), Map.of());
        Tensor want = OpRunner.runReference(act, List.of(y), Map.of());
        Fusion fusion = Fusion.NONE.withBatchNorm(new Op.BatchNorm(1e-5), bn).withResidual()
                .withActivation(Activation.of(act).orElseThrow());
        for (boolean scalar : new boolean[] {false, true}) {
            for (int threads : new int[] {1, 2}) {
                Kernel k = ConvKernels.prepare(conv, List.of(x.shape(), residual.shape()), params, fusion,
                        new KernelOptions(scalar, threads), ConvAlgorithm.IM2COL_TILES);
                Tensor got = Tensor.zeros(k.outputShape());
                k.run(new Tensor[] {x, residual}, got, Workspace.forKernel(POOL, k));
                assertClose(want, got, act + " " + cin + "->" + cout + " g" + groups + " on " + height + "x" + width
                        + (scalar ? " scalar" : " vector") + " threads " + threads);
            }
        }
    }

    private static Op.Conv conv(int filters, int kernel) {
        return new Op.Conv(filters, Size2.square(kernel), Size2.square(1), Padding.ZERO, Size2.square(1), 1, false);
    }
}
