package io.cnnkit.exec.kernel.conv;

import static io.cnnkit.exec.kernel.OptimizedKernelsTest.batchNormParams;
import static io.cnnkit.exec.kernel.OptimizedKernelsTest.random;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
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
import io.cnnkit.exec.kernel.Kernels;
import io.cnnkit.exec.kernel.OpRunner;
import io.cnnkit.exec.kernel.Window;
import io.cnnkit.exec.kernel.Workspace;
import io.cnnkit.exec.kernel.gemm.Sgemm;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ForkJoinPool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Winograd F(2x2, 3x3) and F(4x4, 3x3) convolution against the reference kernels (double sums) on
 * seeded random 3x3 stride-1 shapes: maps from 1x1 (smaller than a tile) to 30x30, odd and even,
 * pads 0, 1, asymmetric and same, channel counts that are not multiples of the tile, batch 1 to 3,
 * batchnorm folding, residual add and activation fused; vector and scalar paths, one and two threads.
 *
 * <p>Error bound. The error is measured as max |got - want| / max(1, max |want|) over the output (the
 * same measure as {@link OptimizedKernelsTest#assertClose}). Direct float convolution stays within
 * about 1e-6 here. F(2,3)'s transforms have coefficients 0, +-1 and +-1/2: each transformed value
 * is a sum of at most 4 input values (B^T d B) or 9 products (A^T M A), so it adds a few float
 * roundings of values at most 4x (input) and 2.25x (filter) the originals; the bound 1e-5 leaves a
 * margin of about 5x over the largest error measured (K = 9 Cin up to 9 x 64 here; the error grows
 * like sqrt(K) relative to the output's scale). F(4,3)'s matrices reach 8 (A^T) and 1/24 (G), and
 * B^T d B sums up to 10x the input: its error is some 10-30x larger, bounded here by 1e-4, the
 * project's tolerance for whole networks against PyTorch.
 */
class WinogradConvTest {
    private static final ForkJoinPool POOL = new ForkJoinPool(2);
    /** Three threads: the work splits into three ranges, which cut blocks and channel panels elsewhere. */
    private static final ForkJoinPool THREE = new ForkJoinPool(3);
    private static final double F2_BOUND = 1e-5, F4_BOUND = 1e-4;

    @AfterAll
    static void shutdown() {
        POOL.shutdown();
    }

    static double relativeError(Tensor want, Tensor got) {
        assertTrue(Arrays.equals(want.shape(), got.shape()), "shapes differ");
        double scale = 1, max = 0;
        for (int i = 0; i < want.size(); i++) {
            scale = Math.max(scale, Math.abs(want.get(i)));
        }
        for (int i = 0; i < want.size(); i++) {
            double diff = Math.abs((double) want.get(i) - got.get(i));
            if (Double.isNaN(diff)) {
                return Double.POSITIVE_INFINITY;
            }
            max = Math.max(max, diff);
        }
        return max / scale;
    }

    private static Padding randomPad(Random rnd) {
        return switch (rnd.nextInt(4)) {
            case 0 -> Padding.symmetric(0, 0);
            case 1 -> Padding.symmetric(1, 1);
            case 2 -> new Padding.Same();
            default -> new Padding.Explicit(rnd.nextInt(3), rnd.nextInt(3), rnd.nextInt(3), rnd.nextInt(3));
        };
    }

    /** A random 3x3 stride-1 layer with its fused tail, the unfused reference output and the kernel inputs. */
    private record Case(Op.Conv conv, Fusion fusion, Tensor[] inputs, Map<String, Tensor> params, Tensor want,
                        String what) {
    }

    private static Case randomCase(Random rnd, int trial) {
        int cin = 1 + rnd.nextInt(trial % 3 == 0 ? 64 : 9);
        int cout = 1 + rnd.nextInt(trial % 4 == 0 ? 40 : 14);
        int big = trial % 5 == 0 ? 30 : 11;
        int[] shape = {1 + rnd.nextInt(3), cin, 1 + rnd.nextInt(big), 1 + rnd.nextInt(big)};
        Op.Conv conv = new Op.Conv(cout, Size2.square(3), Size2.square(1), randomPad(rnd), Size2.square(1), 1,
                rnd.nextBoolean());
        int[] outShape;
        try {
            outShape = ShapeInference.batched(conv, List.of(shape));
        } catch (IllegalArgumentException tooSmall) {
            return null;
        }
        Map<String, Tensor> params = new HashMap<>();
        params.put("weight", random(rnd, cout, cin, 3, 3));
        if (conv.bias()) {
            params.put("bias", random(rnd, cout));
        }
        Tensor x = random(rnd, shape);
        Tensor want = OpRunner.runReference(conv, List.of(x), params);
        Fusion fusion = Fusion.NONE;
        Tensor[] inputs = {x};
        if (rnd.nextBoolean()) {
            Map<String, Tensor> bn = batchNormParams(rnd, cout);
            fusion = fusion.withBatchNorm(new Op.BatchNorm(1e-5), bn);
            want = OpRunner.runReference(new Op.BatchNorm(1e-5), List.of(want), bn);
        }
        if (rnd.nextBoolean()) {
            Tensor residual = random(rnd, outShape);
            fusion = fusion.withResidual();
            inputs = new Tensor[] {x, residual};
            want = OpRunner.runReference(new Op.Add(), List.of(want, residual), Map.of());
        }
        if (rnd.nextBoolean()) {
            Op act = rnd.nextBoolean() ? new Op.Relu() : new Op.LeakyRelu(0.1);
            fusion = fusion.withActivation(Activation.of(act).orElseThrow());
            want = OpRunner.runReference(act, List.of(want), Map.of());
        }
        return new Case(conv, fusion, inputs, params, want, conv + " on " + Arrays.toString(shape) + " " + fusion);
    }

    private static Tensor run(Case c, ConvAlgorithm algorithm, boolean scalar, ForkJoinPool pool) {
        List<int[]> shapes = Arrays.stream(c.inputs()).map(Tensor::shape).toList();
        Kernel k = ConvKernels.prepare(c.conv(), shapes, c.params(), c.fusion(),
                new KernelOptions(scalar, pool == null ? 1 : pool.getParallelism()), algorithm);
        Tensor got = Tensor.zeros(k.outputShape());
        k.run(c.inputs(), got, Workspace.forKernel(pool, k));
        return got;
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void equalsTheReferenceOnRandomShapes(long seed) {
        Random rnd = new Random(seed);
        int ran = 0;
        for (int trial = 0; trial < 30; trial++) {
            Case c = randomCase(rnd, trial);
            if (c == null) {
                continue;
            }
            for (ConvAlgorithm algorithm : List.of(ConvAlgorithm.WINOGRAD,
                    ConvAlgorithm.WINOGRAD_F4)) {
                double bound = algorithm == ConvAlgorithm.WINOGRAD ? F2_BOUND : F4_BOUND;
                for (boolean scalar : new boolean[] {false, true}) {
                    for (ForkJoinPool pool : new ForkJoinPool[] {null, POOL}) {
                        double error = relativeError(c.want(), run(c, algorithm, scalar, pool));
                        assertTrue(error <= bound, c.what() + " " + algorithm + (scalar ? " scalar" : " vector")
                                + (pool == null ? "" : " 2 threads") + ": relative error " + error);
                    }
                }
            }
            ran++;
        }
        assertTrue(ran > 20, "too few valid random shapes: " + ran);
    }

    /**
     * Both loop orders, forced (the rule takes the weight-heavy one only with hundreds of channels):
     * random shapes, and one with more output channels than a chunk holds (several chunks).
     */
    @ParameterizedTest
    @ValueSource(longs = {4, 5})
    void bothLoopOrdersEqualTheReference(long seed) {
        Random rnd = new Random(seed);
        List<Case> cases = new java.util.ArrayList<>();
        for (int trial = 0; trial < 12; trial++) {
            Case c = randomCase(rnd, trial);
            if (c != null) {
                cases.add(c);
            }
        }
        Op.Conv wide = new Op.Conv(200, Size2.square(3), Size2.square(1), Padding.symmetric(1, 1), Size2.square(1), 1,
                true);
        Map<String, Tensor> params = Map.of("weight", random(rnd, 200, 24, 3, 3), "bias", random(rnd, 200));
        Tensor x = random(rnd, 1, 24, 7, 7);
        cases.add(new Case(wide, Fusion.NONE, new Tensor[] {x}, params, OpRunner.runReference(wide, List.of(x), params),
                "200 channels on 7x7"));
        for (Case c : cases) {
            int[] shape = c.inputs()[0].shape();
            Window w = Window.of(c.conv(), shape);
            int[] outShape = ShapeInference.batched(c.conv(), List.of(shape));
            Folding folded = Folding.forConv(c.conv(), c.params(), shape[1], c.fusion());
            for (int m : new int[] {Winograd.F2, Winograd.F4}) {
                for (WinogradConvKernel.Order order : WinogradConvKernel.Order.values()) {
                    for (boolean scalar : new boolean[] {false, true}) {
                        for (ForkJoinPool pool : new ForkJoinPool[] {null, POOL, THREE}) {
                            KernelOptions options =
                                    new KernelOptions(scalar, pool == null ? 1 : pool.getParallelism());
                            Kernel k = new WinogradConvKernel(shape, outShape, w, m, folded, c.fusion(), options,
                                    order);
                            Tensor got = Tensor.zeros(k.outputShape());
                            k.run(c.inputs(), got, Workspace.forKernel(pool, k));
                            double error = relativeError(c.want(), got);
                            assertTrue(error <= (m == Winograd.F2 ? F2_BOUND : F4_BOUND), c.what() + " F(" + m
                                    + ",3) " + order + (scalar ? " scalar" : "") + ": relative error " + error);
                        }
                    }
                }
            }
        }
    }

    /** ResNet-18-like layers: many channels, maps of 7 to 28, fused batchnorm, residual and relu. */
    @Test
    void staysWithinTheBoundOnWideLayers() {
        Random rnd = new Random(9);
        for (int[] layer : new int[][] {{64, 28}, {128, 14}, {256, 7}}) {
            int channels = layer[0], size = layer[1];
            Op.Conv conv = new Op.Conv(channels, Size2.square(3), Size2.square(1), Padding.symmetric(1, 1),
                    Size2.square(1), 1, false);
            Map<String, Tensor> params = Map.of("weight", random(rnd, channels, channels, 3, 3));
            Tensor x = random(rnd, 1, channels, size, size);
            Tensor residual = random(rnd, 1, channels, size, size);
            Map<String, Tensor> bn = batchNormParams(rnd, channels);
            Tensor want = OpRunner.runReference(conv, List.of(x), params);
            want = OpRunner.runReference(new Op.BatchNorm(1e-5), List.of(want), bn);
            want = OpRunner.runReference(new Op.Add(), List.of(want, residual), Map.of());
            want = OpRunner.runReference(new Op.Relu(), List.of(want), Map.of());
            Fusion fusion = Fusion.NONE.withBatchNorm(new Op.BatchNorm(1e-5), bn).withResidual()
                    .withActivation(Activation.of(new Op.Relu()).orElseThrow());
            Case c = new Case(conv, fusion, new Tensor[] {x, residual}, params, want, channels + "x" + size);
            double f2 = relativeError(want, run(c, ConvAlgorithm.WINOGRAD, false, POOL));
            double f4 = relativeError(want, run(c, ConvAlgorithm.WINOGRAD_F4, false, POOL));
            assertTrue(f2 <= F2_BOUND, c.what() + " F(2,3): relative error " + f2);
            assertTrue(f4 <= F4_BOUND, c.what() + " F(4,3): relative error " + f4);
        }
    }

    @Test
    void refusesOtherWindows() {
        Random rnd = new Random(10);
        Tensor x = random(rnd, 1, 4, 9, 9);
        for (Op.Conv conv : List.of(
                new Op.Conv(4, Size2.square(3), Size2.square(2), Padding.symmetric(1, 1), Size2.square(1), 1, false),
                new Op.Conv(4, Size2.square(3), Size2.square(1), Padding.symmetric(1, 1), Size2.square(2), 1, false),
                new Op.Conv(4, Size2.square(5), Size2.square(1), Padding.symmetric(1, 1), Size2.square(1), 1, false),
                new Op.Conv(4, Size2.square(3), Size2.square(1), Padding.symmetric(1, 1), Size2.square(1), 2, false))) {
            Map<String, Tensor> params = Map.of("weight", random(rnd, 4, 4 / conv.groups(), conv.kernel().h(),
                    conv.kernel().w()));
            assertThrows(IllegalArgumentException.class, () -> ConvKernels.prepare(conv, List.of(x.shape()), params,
                    Fusion.NONE, new KernelOptions(false, 1), ConvAlgorithm.WINOGRAD), conv.toString());
        }
    }

    @Test
    void filterTransformIsGgGtOfEachFilterRoundedOnce() {
        Random random = new Random(3);
        double[][][] gms = {{{1, 0, 0}, {0.5, 0.5, 0.5}, {0.5, -0.5, 0.5}, {0, 0, 1}},
            {{1.0 / 4, 0, 0}, {-1.0 / 6, -1.0 / 6, -1.0 / 6}, {-1.0 / 6, 1.0 / 6, -1.0 / 6},
                {1.0 / 24, 1.0 / 12, 1.0 / 6}, {1.0 / 24, -1.0 / 12, 1.0 / 6}, {0, 0, 1}}};
        int rows = 5, cols = 19;
        float[] g = new float[rows * cols * 9];
        for (int i = 0; i < g.length; i++) {
            g[i] = random.nextFloat() * 4 - 2;
        }
        for (int m : new int[] {Winograd.F2, Winograd.F4}) {
            double[][] gm = gms[m == Winograd.F2 ? 0 : 1];
            int alpha = Winograd.alpha(m);
            float[] u = Winograd.transformFilters(g, rows, cols, m);
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < cols; c++) {
                    for (int i = 0; i < alpha; i++) {
                        for (int k = 0; k < alpha; k++) {
                            double s = 0;
                            for (int kx = 0; kx < 3; kx++) {
                                double column = 0;
                                for (int ky = 0; ky < 3; ky++) {
                                    column += gm[i][ky] * g[(r * cols + c) * 9 + ky * 3 + kx];
                                }
                                s += column * gm[k][kx];
                            }
                            assertEquals(Float.floatToRawIntBits((float) s),
                                    Float.floatToRawIntBits(u[((i * alpha + k) * rows + r) * cols + c]),
                                    "F(" + m + ",3) filter " + r + "," + c + " at " + i + "," + k);
                        }
                    }
                }
            }
        }
    }

    @Test
    void packedFiltersArePackedPanelsOfTheTransform() {
        Random random = new Random(4);
        int rows = 29, cols = 7;
        float[] g = new float[rows * cols * 9];
        for (int i = 0; i < g.length; i++) {
            g[i] = random.nextFloat() - 0.5f;
        }
        for (int m : new int[] {Winograd.F2, Winograd.F4}) {
            int alpha = Winograd.alpha(m);
            for (int width : new int[] {8, 12}) {
                float[] packed = Sgemm.packPanels(Winograd.transformFilters(g, rows, cols, m), alpha * alpha, rows,
                        cols, width);
                assertTrue(Arrays.equals(packed, Winograd.packedFilters(g, rows, cols, m, width)),
                        "F(" + m + ",3) in panels of " + width);
                float[] earlier = Winograd.packedFilters(g, rows, cols, m, width);
                Arrays.fill(earlier, Float.NaN);
                float[] again = Winograd.packedFilters(g, rows, cols, m, width, earlier);
                assertTrue(again == earlier, "the earlier array of the same size is overwritten");
                // the padding rows of the last panel held NaN here, never zero: compare the rest
                for (int i = 0; i < packed.length; i++) {
                    if (packed[i] != 0 || !Float.isNaN(again[i])) {
                        assertEquals(packed[i], again[i], "F(" + m + ",3), panels of " + width + ", at " + i);
                    }
                }
                float[] other = new float[packed.length + 1];
                assertTrue(Winograd.packedFilters(g, rows, cols, m, width, other) != other, "another size: a new array");
            }
        }
    }
}
