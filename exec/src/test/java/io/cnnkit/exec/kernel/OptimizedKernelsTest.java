package io.cnnkit.exec.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import io.cnnkit.analyzer.ShapeInference;
import io.cnnkit.compiler.op.Op;
import io.cnnkit.compiler.op.Padding;
import io.cnnkit.compiler.op.Size2;
import io.cnnkit.exec.Tensor;
import io.cnnkit.exec.kernel.conv.ConvAlgorithm;
import io.cnnkit.exec.kernel.conv.ConvKernels;
import java.util.ArrayList;
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
 * Optimised kernels (vector and forced-scalar paths, one and two threads) against the reference
 * kernels on seeded random shapes: odd sizes, strides, asymmetric and same pads, dilations, groups.
 */
public class OptimizedKernelsTest {
    private static final ForkJoinPool POOL = new ForkJoinPool(2);

    @AfterAll
    static void shutdown() {
        POOL.shutdown();
    }

    public static Tensor random(Random rnd, int... shape) {
        Tensor t = Tensor.zeros(shape);
        for (int i = 0; i < t.size(); i++) {
            t.set(i, (float) rnd.nextGaussian());
        }
        return t;
    }

    static Tensor positive(Random rnd, int n) {
        Tensor t = Tensor.zeros(n);
        for (int i = 0; i < n; i++) {
            t.set(i, 0.5f + rnd.nextFloat());
        }
        return t;
    }

    /** |got - want| <= 1e-4 * max(1, max |want|) everywhere (float sums against double sums). */
    public static void assertClose(Tensor want, Tensor got, String what) {
        assertArrayEquals(want.shape(), got.shape(), what);
        float scale = 1f;
        for (int i = 0; i < want.size(); i++) {
            scale = Math.max(scale, Math.abs(want.get(i)));
        }
        for (int i = 0; i < want.size(); i++) {
            float diff = Math.abs(want.get(i) - got.get(i));
            boolean same = diff <= 1e-4f * scale || want.get(i) == got.get(i);
            assertTrue(same, what + ": element " + i + " want " + want.get(i) + " got " + got.get(i));
        }
    }

    public static Map<String, Tensor> batchNormParams(Random rnd, int channels) {
        return Map.of("weight", random(rnd, channels), "bias", random(rnd, channels),
                "running_mean", random(rnd, channels), "running_var", positive(rnd, channels));
    }

    static Padding randomPad(Random rnd, int kh, int kw) {
        if (rnd.nextInt(5) == 0) {
            return new Padding.Same();
        }
        return new Padding.Explicit(rnd.nextInt(kh), rnd.nextInt(kw), rnd.nextInt(kh), rnd.nextInt(kw));
    }

    /** Runs both paths on one and two threads and compares each with the reference. */
    static void checkAllPaths(Op op, List<Tensor> inputs, Map<String, Tensor> params, String what) {
        Tensor want = OpRunner.runReference(op, inputs, params);
        for (boolean scalar : new boolean[] {false, true}) {
            assertClose(want, OpRunner.runOptimized(op, inputs, params, null, new KernelOptions(scalar, 1)),
                    what + (scalar ? " scalar" : " vector"));
            assertClose(want, OpRunner.runOptimized(op, inputs, params, POOL, new KernelOptions(scalar, 2)),
                    what + (scalar ? " scalar" : " vector") + " 2 threads");
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void convolutionOnRandomShapes(long seed) {
        Random rnd = new Random(seed);
        int ran = 0;
        for (int trial = 0; trial < 60; trial++) {
            int groups = rnd.nextInt(4) == 0 ? 1 + rnd.nextInt(3) : 1;
            boolean depthwise = rnd.nextInt(5) == 0;
            int cinG = depthwise ? 1 : 1 + rnd.nextInt(trial % 3 == 0 ? 24 : 6);
            int coutG = 1 + rnd.nextInt(trial % 4 == 0 ? 20 : 8);
            if (depthwise) {
                groups = 1 + rnd.nextInt(5);
            }
            int kh = 1 + rnd.nextInt(4), kw = 1 + rnd.nextInt(4);
            Size2 stride = new Size2(1 + rnd.nextInt(3), 1 + rnd.nextInt(3));
            Size2 dilation = rnd.nextInt(4) == 0 ? new Size2(1 + rnd.nextInt(2), 1 + rnd.nextInt(3)) : Size2.square(1);
            Op.Conv conv = new Op.Conv(coutG * groups, new Size2(kh, kw), stride, randomPad(rnd, kh, kw), dilation,
                    groups, rnd.nextBoolean());
            int[] shape = {1 + rnd.nextInt(3), cinG * groups, 1 + rnd.nextInt(trial % 5 == 0 ? 30 : 12),
                    1 + rnd.nextInt(trial % 5 == 0 ? 30 : 12)};
            try {
                ShapeInference.batched(conv, List.of(shape));
            } catch (IllegalArgumentException tooSmall) {
                continue;
            }
            Map<String, Tensor> params = new HashMap<>();
            params.put("weight", random(rnd, conv.filters(), cinG, kh, kw));
            if (conv.bias()) {
                params.put("bias", random(rnd, conv.filters()));
            }
            Tensor x = random(rnd, shape);
            String what = conv + " on " + java.util.Arrays.toString(shape);
            checkAllPaths(conv, List.of(x), params, what);
            checkEveryAlgorithm(conv, x, params, what);
            ran++;
        }
        assertTrue(ran > 30, "too few valid random shapes: " + ran);
    }

    /**
     * Layers with more output channels than an item's column panels (the implicit GEMM then reads
     * each weight block once for all of them) and with few, on maps of one and of several items.
     */
    @Test
    void wideAndNarrowLayersOnSmallAndLargeMaps() {
        Random rnd = new Random(11);
        for (int cout : new int[] {300, 20}) {
            for (int size : new int[] {5, 20}) {
                for (int stride : new int[] {1, 2}) {
                    Op.Conv conv = new Op.Conv(cout, Size2.square(3), Size2.square(stride), Padding.symmetric(1, 1),
                            Size2.square(1), 1, true);
                    Tensor x = random(rnd, 2, 19, size, size + 1);
                    Map<String, Tensor> params = Map.of("weight", random(rnd, cout, 19, 3, 3), "bias", random(rnd, cout));
                    checkEveryAlgorithm(conv, x, params, cout + " filters on " + size + "x" + (size + 1) + " stride " + stride);
                }
            }
        }
    }

    /**
     * Output channels ending in a panel of at most one vector (48 = 32 + 16, 44, 16, 8), which the
     * direct convolution runs on its one-vector tile: on maps whose rows are whole tiles (14, its
     * transposed store of 16 channels) and are not (13), at stride 1 and 2.
     */
    @Test
    void layersWhoseLastChannelPanelIsOneVectorOrLess() {
        Random rnd = new Random(13);
        for (int cout : new int[] {48, 44, 16, 8}) {
            for (int size : new int[] {14, 13}) {
                for (int stride : new int[] {1, 2}) {
                    Op.Conv conv = new Op.Conv(cout, Size2.square(5), Size2.square(stride), Padding.symmetric(2, 2),
                            Size2.square(1), 1, true);
                    Tensor x = random(rnd, 2, 16, stride * size, stride * size);
                    Map<String, Tensor> params = Map.of("weight", random(rnd, cout, 16, 5, 5), "bias", random(rnd, cout));
                    checkEveryAlgorithm(conv, x, params, cout + " filters on " + size + "x" + size + " stride " + stride);
                }
            }
        }
    }

    /**
     * Strided 1x1 layers (ResNet's downsampling): without padding the im2col tiles gather B with
     * vector gathers from a table of input offsets, or at stride 2 on output rows of at least a
     * vector (17 and 33 columns here, the last of an odd-width input at the array's end) take the
     * even columns of pairs of vectors; with padding row by row.
     */
    @Test
    void stridedPointwiseLayers() {
        Random rnd = new Random(12);
        for (int stride : new int[] {2, 3}) {
            for (int pad : new int[] {0, 1}) {
                for (int size : new int[] {20, 33, 64}) {
                    Op.Conv conv = new Op.Conv(40, Size2.square(1), Size2.square(stride), Padding.symmetric(pad, pad),
                            Size2.square(1), 1, true);
                    Tensor x = random(rnd, 2, 19, size, size + 1);
                    Map<String, Tensor> params = Map.of("weight", random(rnd, 40, 19, 1, 1), "bias", random(rnd, 40));
                    checkEveryAlgorithm(conv, x, params, "1x1 stride " + stride + " pad " + pad + " on " + size);
                }
            }
        }
    }

    /**
     * Layers of column stride 2, whose direct tiles read the input where it lies and only their
     * border from a zero-padded copy ({@code BorderCopy}): ResNet's 3x3 stride-2 maps, odd and
     * asymmetric sizes, no padding (only columns computed and dropped read the copy), larger kernels,
     * dilation, row strides 1 and 3, a last channel panel of one vector, a batch of two.
     */
    @Test
    void columnStride2Layers() {
        Random rnd = new Random(14);
        // kernel, height, width, pad (-1: asymmetric 2, 0, 1, 3), dilation, row stride
        int[][] cases = {{3, 56, 56, 1, 1, 2}, {3, 28, 28, 1, 1, 2}, {3, 14, 14, 1, 1, 2}, {3, 7, 7, 1, 1, 2},
                {3, 29, 45, -1, 1, 2}, {3, 20, 31, 0, 1, 2}, {5, 33, 40, 2, 1, 2}, {7, 40, 40, 3, 1, 2},
                {3, 23, 60, 1, 2, 2}, {3, 17, 44, 1, 1, 1}, {3, 25, 37, 1, 1, 3}};
        for (int[] c : cases) {
            int k = c[0];
            Padding pad = c[3] < 0 ? new Padding.Explicit(2, 0, 1, 3) : Padding.symmetric(c[3], c[3]);
            Op.Conv conv = new Op.Conv(40, Size2.square(k), new Size2(c[5], 2), pad, Size2.square(c[4]), 1, true);
            Tensor x = random(rnd, 2, 5, c[1], c[2]);
            Map<String, Tensor> params = Map.of("weight", random(rnd, 40, 5, k, k), "bias", random(rnd, 40));
            checkEveryAlgorithm(conv, x, params, "column stride 2 " + Arrays.toString(c));
        }
    }

    /** Every convolution algorithm that applies to the shape (the GEMMs always), not only the one chosen. */
    static void checkEveryAlgorithm(Op.Conv conv, Tensor x, Map<String, Tensor> params, String what) {
        Tensor want = OpRunner.runReference(conv, List.of(x), params);
        for (ConvAlgorithm algorithm : ConvAlgorithm.values()) {
            boolean applies = algorithm.applies(Window.of(conv, x.shape()), x.dim(1), conv.groups());
            for (boolean scalar : new boolean[] {false, true}) {
                if (applies) {
                    Kernel k = ConvKernels.prepare(conv, List.of(x.shape()), params, Fusion.NONE,
                            new KernelOptions(scalar, 2), algorithm);
                    Tensor got = Tensor.zeros(k.outputShape());
                    k.run(new Tensor[] {x}, got, Workspace.forKernel(POOL, k));
                    assertClose(want, got, what + " " + algorithm + (scalar ? " scalar" : " vector"));
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {4, 5})
    void poolingOnRandomShapes(long seed) {
        Random rnd = new Random(seed);
        for (int trial = 0; trial < 200; trial++) {
            int kh = 1 + rnd.nextInt(4), kw = 1 + rnd.nextInt(4);
            Size2 kernel = new Size2(kh, kw);
            Size2 stride = new Size2(1 + rnd.nextInt(3), 1 + rnd.nextInt(3));
            // PyTorch allows pads up to half the kernel
            Padding pad = rnd.nextInt(6) == 0 ? new Padding.Same()
                    : new Padding.Explicit(rnd.nextInt(kh / 2 + 1), rnd.nextInt(kw / 2 + 1), rnd.nextInt(kh / 2 + 1),
                            rnd.nextInt(kw / 2 + 1));
            boolean ceil = rnd.nextBoolean();
            Op op = switch (trial % 4) {
                case 0 -> new Op.MaxPool(kernel, stride, pad,
                        rnd.nextInt(3) == 0 ? new Size2(1 + rnd.nextInt(2), 1 + rnd.nextInt(2)) : Size2.square(1), ceil);
                case 1, 2 -> new Op.AvgPool(kernel, stride, pad, ceil, rnd.nextBoolean());
                default -> rnd.nextBoolean() ? new Op.GlobalAvgPool() : new Op.GlobalMaxPool();
            };
            // widths beyond 2 x 16 lanes so that the vector loops run, not only their scalar tails
            int size = trial % 3 == 0 ? 45 : 13;
            int[] shape = {1 + rnd.nextInt(2), 1 + rnd.nextInt(5), 1 + rnd.nextInt(size), 1 + rnd.nextInt(size)};
            try {
                ShapeInference.batched(op, List.of(shape));
            } catch (IllegalArgumentException tooSmall) {
                continue;
            }
            checkPool(op, random(rnd, shape));
        }
    }

    /** The pools of the model zoo, on inputs of their real widths (fewer channels). */
    @Test
    void thePoolsOfTheZoo() {
        Random rnd = new Random(9);
        Size2 k3 = Size2.square(3), s1 = Size2.square(1), s2 = Size2.square(2), d1 = Size2.square(1);
        Padding none = Padding.symmetric(0, 0), one = Padding.symmetric(1, 1);
        checkPool(new Op.MaxPool(k3, s2, one, d1, false), random(rnd, 1, 3, 112, 112));   // ResNet
        checkPool(new Op.MaxPool(k3, s2, none, d1, true), random(rnd, 1, 3, 112, 112));   // GoogLeNet stem
        checkPool(new Op.MaxPool(k3, s2, none, d1, true), random(rnd, 1, 5, 14, 14));     // GoogLeNet, ceil overhang
        checkPool(new Op.MaxPool(k3, s1, one, d1, false), random(rnd, 2, 9, 7, 7));       // Inception branch 4
        checkPool(new Op.MaxPool(k3, s1, one, d1, false), random(rnd, 1, 4, 28, 28));
        for (int[] hw : new int[][] {{2, 2}, {14, 14}, {3, 33}, {33, 3}, {1, 5}, {5, 1}}) {   // the unpadded 3x3 path and its edges
            checkPool(new Op.MaxPool(k3, s1, one, d1, false), random(rnd, 1, 3, hw[0], hw[1]));
        }
        checkPool(new Op.MaxPool(k3, s2, none, d1, false), random(rnd, 1, 3, 55, 55));    // AlexNet
        checkPool(new Op.AvgPool(Size2.square(5), Size2.square(3), none, false, true), random(rnd, 1, 4, 14, 14));
        checkPool(new Op.AvgPool(Size2.square(7), s1, none, false, true), random(rnd, 1, 6, 7, 7));
        checkPool(new Op.AvgPool(k3, s2, one, true, false), random(rnd, 1, 3, 33, 40));
        checkPool(new Op.GlobalAvgPool(), random(rnd, 2, 5, 7, 7));
    }

    /**
     * The 3x3 stride-2 max pools (stems, GoogLeNet) on maps narrower than a vector (masked rows)
     * and from one to three vectors wide: odd and even sizes, padding 0 and 1, ceil mode on and off
     * (windows past the map's last row and column).
     */
    @Test
    void stride2MaxPools() {
        Random rnd = new Random(12);
        int ran = 0;
        for (int size = 3; size <= 48; size++) {
            for (int pad = 0; pad <= 1; pad++) {
                for (boolean ceil : new boolean[] {false, true}) {
                    Op op = new Op.MaxPool(Size2.square(3), Size2.square(2), Padding.symmetric(pad, pad),
                            Size2.square(1), ceil);
                    checkPool(op, random(rnd, 1 + size % 2, 1 + size % 3, size - pad, size));
                    ran++;
                }
            }
        }
        assertTrue(ran == 184);
    }

    /** As PyTorch's max_pool2d, a NaN wins every window it is in, on both paths, at stride 1 and 2. */
    @Test
    void maxPoolPropagatesNaN() {
        assertNaNWinsItsWindows(1, 5, 2, 20);
        assertNaNWinsItsWindows(2, 9, 4, 21);
    }

    /** A 3x3 max pool, padding 1, of a map of {@code rows} x 40 with a NaN at (row, col). */
    private static void assertNaNWinsItsWindows(int stride, int rows, int row, int col) {
        Tensor x = random(new Random(10 + stride), 1, 1, rows, 40);
        x.set(row * 40 + col, Float.NaN);
        Op pool = new Op.MaxPool(Size2.square(3), Size2.square(stride), Padding.symmetric(1, 1), Size2.square(1),
                false);
        int outH = (rows - 1) / stride + 1, outW = 39 / stride + 1;
        for (boolean scalar : new boolean[] {false, true}) {
            Tensor y = OpRunner.runOptimized(pool, List.of(x), Map.of(), null, new KernelOptions(scalar, 1));
            for (int oy = 0; oy < outH; oy++) {
                for (int ox = 0; ox < outW; ox++) {
                    // output (oy, ox) covers input rows stride·oy - 1 .. stride·oy + 1, columns alike
                    boolean covers = Math.abs(stride * oy - row) <= 1 && Math.abs(stride * ox - col) <= 1;
                    assertTrue(Float.isNaN(y.get(oy * outW + ox)) == covers, "stride " + stride + " output " + oy + ","
                            + ox + " scalar " + scalar);
                }
            }
        }
    }

    /**
     * Both paths against the reference, and the vector path bit for bit equal to the scalar one
     * (except sums over a whole plane, which the vector path adds lane by lane).
     */
    static void checkPool(Op op, Tensor x) {
        String what = op + " on " + java.util.Arrays.toString(x.shape());
        checkAllPaths(op, List.of(x), Map.of(), what);
        Tensor vector = OpRunner.runOptimized(op, List.of(x), Map.of(), POOL, new KernelOptions(false, 2));
        Tensor scalar = OpRunner.runOptimized(op, List.of(x), Map.of(), null, new KernelOptions(true, 1));
        boolean planeSums = op instanceof Op.GlobalAvgPool || op instanceof Op.AvgPool && vector.dim(2) * vector.dim(3) == 1;
        if (planeSums) {
            return;
        }
        for (int i = 0; i < vector.size(); i++) {
            assertTrue(Float.compare(vector.get(i), scalar.get(i)) == 0,
                    what + ": element " + i + " vector " + vector.get(i) + " scalar " + scalar.get(i));
        }
    }

    @Test
    void denseAndMemoryBoundOperators() {
        Random rnd = new Random(6);
        for (int in : new int[] {1, 7, 8, 33, 300}) {
            for (int units : new int[] {1, 4, 10}) {
                Op.Dense dense = new Op.Dense(units, units != 4);
                Map<String, Tensor> p = new HashMap<>();
                p.put("weight", random(rnd, units, in));
                if (dense.bias()) {
                    p.put("bias", random(rnd, units));
                }
                checkAllPaths(dense, List.of(random(rnd, 1 + rnd.nextInt(3), in)), p, "dense " + in + "->" + units);
            }
        }
        Tensor x = random(rnd, 2, 7, 5, 3);
        for (Op op : List.of(new Op.Relu(), new Op.Relu6(), new Op.LeakyRelu(0.1), new Op.Tanh(), new Op.Sigmoid(),
                new Op.Silu(), new Op.HardSigmoid(), new Op.HardSwish(), new Op.Gelu(false), new Op.Gelu(true),
                new Op.Softmax(), new Op.Lrn(5, 1e-2, 0.75, 2.0), new Op.Lrn(2, 0.5, 0.6, 1.0), new Op.Flatten(),
                new Op.Dropout(0.5), new Op.ZeroPad(new Padding.Explicit(1, 0, 2, 3)))) {
            Tensor scaled = random(rnd, 2, 7, 5, 3);
            for (int i = 0; i < scaled.size(); i++) {
                scaled.set(i, scaled.get(i) * 4);
            }
            checkAllPaths(op, List.of(scaled), Map.of(), op.kind());
        }
        checkAllPaths(new Op.BatchNorm(1e-5), List.of(x), batchNormParams(rnd, 7), "batchnorm");
        checkAllPaths(new Op.Add(), List.of(x, random(rnd, 2, 7, 5, 3), random(rnd, 2, 7, 5, 3)), Map.of(), "add");
        checkAllPaths(new Op.Concat(), List.of(x, random(rnd, 2, 2, 5, 3)), Map.of(), "concat");
        checkAllPaths(new Op.Mul(), List.of(x, random(rnd, 2, 7, 5, 3)), Map.of(), "mul");
        for (Size2 size : List.of(new Size2(1, 1), new Size2(3, 2), new Size2(5, 3), new Size2(2, 2), new Size2(7, 4))) {
            Tensor maps = random(rnd, 2, 3, 10, 7);
            checkAllPaths(new Op.AdaptiveAvgPool(size), List.of(maps), Map.of(), "adaptiveavgpool " + size);
            checkAllPaths(new Op.AdaptiveMaxPool(size), List.of(maps), Map.of(), "adaptivemaxpool " + size);
        }
        checkAllPaths(new Op.ChannelSlice(2, 6), List.of(x), Map.of(), "slice");
        checkAllPaths(new Op.ChannelShuffle(2), List.of(random(rnd, 2, 8, 5, 3)), Map.of(), "channel_shuffle 2");
        checkAllPaths(new Op.ChannelShuffle(4), List.of(random(rnd, 2, 8, 5, 3)), Map.of(), "channel_shuffle 4");
        checkAllPaths(new Op.StochasticDepth(0.2, true), List.of(x), Map.of(), "stochastic_depth");
        checkAllPaths(new Op.Mul(), List.of(random(rnd, 2, 7, 9, 11), random(rnd, 2, 7, 1, 1)), Map.of(), "mul by channel");
        checkAllPaths(new Op.Mul(), List.of(random(rnd, 3, 10), random(rnd, 3, 10)), Map.of(), "mul of vectors");
        checkAllPaths(new Op.Concat(), List.of(random(rnd, 2, 40, 30, 30), random(rnd, 2, 24, 30, 30),
                random(rnd, 2, 3, 30, 30)), Map.of(), "concat split over threads");
        checkAllPaths(new Op.Softmax(), List.of(random(rnd, 3, 10)), Map.of(), "softmax on vectors");
    }

    /** ConvNeXt's operators: layer norm over channels, layer scale and the linear layer over channels. */
    @Test
    void layerNormScaleAndLinearOverChannels() {
        Random rnd = new Random(11);
        // planes shorter, equal to and longer than a vector, and a run split across work items
        for (int[] shape : new int[][] {{2, 7, 5, 3}, {1, 96, 4, 4}, {2, 5, 17, 19}, {1, 3, 30, 30}, {3, 12}}) {
            int c = shape[1];
            Tensor x = random(rnd, shape);
            for (int i = 0; i < x.size(); i++) {
                x.set(i, x.get(i) * 3 + 5); // an offset the mean must take out
            }
            Map<String, Tensor> norm = Map.of("weight", random(rnd, c), "bias", random(rnd, c));
            String at = " on " + java.util.Arrays.toString(shape);
            checkAllPaths(new Op.LayerNorm(1e-6), List.of(x), norm, "layernorm" + at);
            int[] factors = shape.length == 4 ? new int[] {c, 1, 1} : new int[] {c};
            checkAllPaths(new Op.Scale(), List.of(x), Map.of("", random(rnd, factors)), "scale" + at);
            if (shape.length == 4) {
                for (boolean bias : new boolean[] {true, false}) {
                    Map<String, Tensor> p = new HashMap<>();
                    p.put("weight", random(rnd, 4 * c, c));
                    if (bias) {
                        p.put("bias", random(rnd, 4 * c));
                    }
                    checkAllPaths(new Op.Linear(4 * c, bias), List.of(x), p, "linear" + at);
                }
            }
        }
    }

    @Test
    void fusedBatchNormResidualAndActivationEqualTheUnfusedChain() {
        Random rnd = new Random(7);
        List<Op> activations = List.of(new Op.Relu(), new Op.Relu6(), new Op.LeakyRelu(0.2), new Op.Sigmoid(),
                new Op.Silu(), new Op.HardSigmoid(), new Op.HardSwish(), new Op.Gelu(false), new Op.Gelu(true));
        for (int trial = 0; trial < 18; trial++) {
            boolean depthwise = trial % 3 == 2;
            int cin = depthwise ? 5 : 3 + trial, cout = depthwise ? 5 : 7 + 2 * trial;
            Op.Conv conv = new Op.Conv(cout, Size2.square(3), Size2.square(1 + trial % 2), Padding.symmetric(1, 1),
                    Size2.square(1), depthwise ? cin : 1, trial % 2 == 0);
            Tensor x = random(rnd, 1 + trial % 2, cin, 9 + trial, 6 + trial);
            Map<String, Tensor> params = new HashMap<>();
            params.put("weight", random(rnd, cout, depthwise ? 1 : cin, 3, 3));
            if (conv.bias()) {
                params.put("bias", random(rnd, cout));
            }
            Map<String, Tensor> bn = batchNormParams(rnd, cout);
            // every activation once on each half of the trials, on other convolutions each time
            Op act = activations.get((trial + trial / 9) % 9);

            Tensor y = OpRunner.runReference(conv, List.of(x), params);
            y = OpRunner.runReference(new Op.BatchNorm(1e-5), List.of(y), bn);
            Tensor residual = random(rnd, y.shape());
            y = OpRunner.runReference(new Op.Add(), List.of(y, residual), Map.of());
            Tensor want = OpRunner.runReference(act, List.of(y), Map.of());

            Fusion fusion = Fusion.NONE.withBatchNorm(new Op.BatchNorm(1e-5), bn).withResidual()
                    .withActivation(Activation.of(act).orElseThrow());
            Window window = Window.of(conv, x.shape());
            for (ConvAlgorithm algorithm : ConvAlgorithm.values()) {
                for (boolean scalar : new boolean[] {false, true}) {
                    if (!algorithm.applies(window, cin, conv.groups())) {
                        continue;
                    }
                    Kernel k = ConvKernels.prepare(conv, List.of(x.shape(), residual.shape()), params, fusion,
                            new KernelOptions(scalar, 2), algorithm);
                    Tensor got = Tensor.zeros(k.outputShape());
                    k.run(new Tensor[] {x, residual}, got, Workspace.forKernel(POOL, k));
                    assertClose(want, got,
                            "fused " + conv + " " + act.kind() + " " + algorithm + (scalar ? " scalar" : ""));
                }
            }
        }
    }

    /**
     * The flat path of depthwise convolutions, 3×3 to 7×7 at stride 1 and 2 (through phase planes)
     * and with dilation: planes narrower than a vector, odd sizes, asymmetric padding, a channel
     * multiplier, and the fused batchnorm, residual and smooth activation, against the reference chain.
     */
    @Test
    void depthwiseKernelsEqualTheReference() {
        Random rnd = new Random(13);
        // kernel, height, width, pad (2: asymmetric 2,1,3,2; 4: asymmetric 0,1,1,0), multiplier, stride, dilation
        int[][] cases = {{5, 7, 7, 2, 1, 1, 1}, {7, 7, 7, 3, 1, 1, 1}, {7, 14, 14, 3, 1, 1, 1}, {5, 28, 28, 2, 1, 1, 1},
                {7, 9, 23, 3, 2, 1, 1}, {5, 17, 5, 1, 1, 1, 1}, {7, 3, 2, 3, 1, 1, 1},
                {3, 7, 7, 1, 1, 1, 1}, {3, 14, 14, 1, 1, 1, 1}, {3, 56, 56, 1, 1, 1, 1}, {3, 13, 37, 1, 2, 1, 1},
                {3, 9, 11, 4, 1, 1, 1}, {3, 3, 1, 1, 1, 1, 1}, {3, 11, 11, 1, 1, 1, 2}, {3, 12, 9, 2, 2, 1, 3},
                {3, 14, 14, 1, 1, 2, 1}, {3, 15, 15, 1, 1, 2, 1}, {3, 28, 28, 4, 1, 2, 1}, {3, 13, 40, 1, 2, 2, 1},
                {5, 14, 14, 2, 1, 2, 1}, {5, 15, 9, 2, 1, 2, 1}, {3, 17, 17, 2, 1, 2, 2}, {3, 8, 8, 1, 1, 3, 1},
                {3, 2, 3, 1, 1, 2, 1}, {3, 5, 70, 1, 1, 2, 1}, {3, 6, 67, 4, 2, 2, 1},
                // stride-2 rows ending in a part of a vector pair: MobileNet's 112, 56 and 7 columns, odd widths
                {3, 9, 56, 1, 1, 2, 1}, {3, 4, 112, 1, 1, 2, 1}, {3, 7, 7, 1, 1, 2, 1}, {5, 11, 21, 2, 1, 2, 1},
                {3, 5, 31, 4, 1, 2, 1}};
        for (int[] c : cases) {
            int k = c[0], h = c[1], wd = c[2], pad = c[3], multiplier = c[4], stride = c[5], dilation = c[6], cin = 6;
            Padding padding = pad == 2 ? new Padding.Explicit(2, 1, 3, 2)
                    : pad == 4 ? new Padding.Explicit(0, 1, 1, 0) : Padding.symmetric(pad, pad);
            Op.Conv conv = new Op.Conv(cin * multiplier, Size2.square(k), Size2.square(stride), padding,
                    Size2.square(dilation), cin, true);
            Tensor x = random(rnd, 2, cin, h, wd);
            Map<String, Tensor> params = Map.of("weight", random(rnd, cin * multiplier, 1, k, k),
                    "bias", random(rnd, cin * multiplier));
            String what = "depthwise " + k + "x" + k + "/" + stride + " dilation " + dilation + " on " + h + "x" + wd
                    + " pad " + pad + " x" + multiplier;
            checkAllPaths(conv, List.of(x), params, what);

            Map<String, Tensor> bn = batchNormParams(rnd, cin * multiplier);
            Tensor y = OpRunner.runReference(new Op.BatchNorm(1e-5), List.of(OpRunner.runReference(conv, List.of(x),
                    params)), bn);
            Tensor residual = random(rnd, y.shape());
            Op act = new Op.Gelu(false);
            Tensor want = OpRunner.runReference(act, List.of(OpRunner.runReference(new Op.Add(), List.of(y, residual),
                    Map.of())), Map.of());
            Fusion fusion = Fusion.NONE.withBatchNorm(new Op.BatchNorm(1e-5), bn).withResidual()
                    .withActivation(Activation.of(act).orElseThrow());
            Kernel kernel = ConvKernels.prepare(conv, List.of(x.shape(), residual.shape()), params, fusion,
                    new KernelOptions(false, 2), ConvAlgorithm.DEPTHWISE);
            Tensor got = Tensor.zeros(kernel.outputShape());
            kernel.run(new Tensor[] {x, residual}, got, Workspace.forKernel(POOL, kernel));
            assertClose(want, got, "fused " + what);
        }
    }

    @Test
    void theSystemPropertyForcesTheScalarPath() {
        String before = System.getProperty(KernelOptions.SCALAR_PROPERTY);
        try {
            System.setProperty(KernelOptions.SCALAR_PROPERTY, "true");
            assertTrue(KernelOptions.defaults(1).scalar());
            System.setProperty(KernelOptions.SCALAR_PROPERTY, "false");
            assertTrue(!KernelOptions.defaults(1).scalar());
        } finally {
            if (before == null) {
                System.clearProperty(KernelOptions.SCALAR_PROPERTY);
            } else {
                System.setProperty(KernelOptions.SCALAR_PROPERTY, before);
            }
        }
    }

    @Test
    void kernelsRunRepeatedlyOnViewsIntoALargerArray() {
        Random rnd = new Random(8);
        Op.Conv conv = new Op.Conv(13, Size2.square(3), Size2.square(1), Padding.symmetric(1, 1), Size2.square(1),
                1, true);
        Map<String, Tensor> params = Map.of("weight", random(rnd, 13, 4, 3, 3), "bias", random(rnd, 13));
        Kernel k = Kernels.prepare(conv, List.of(new int[] {1, 4, 11, 9}), params, Fusion.NONE, new KernelOptions(false, 1));
        float[] arena = new float[5 + 4 * 99 + 13 * 99 + 3];
        Workspace ws = Workspace.forKernel(null, k);
        List<Tensor> outs = new ArrayList<>();
        for (int run = 0; run < 3; run++) {
            Tensor x = Tensor.view(arena, 5, 1, 4, 11, 9);
            Tensor fresh = random(rnd, 1, 4, 11, 9);
            System.arraycopy(fresh.data(), 0, arena, 5, fresh.size());
            Tensor out = Tensor.view(arena, 5 + 4 * 99, 1, 13, 11, 9);
            k.run(new Tensor[] {x}, out, ws);
            assertClose(OpRunner.runReference(conv, List.of(fresh), params), out, "run " + run);
            outs.add(out.copy());
        }
        assertTrue(arena[arena.length - 1] == 0f && arena[0] == 0f, "kernel wrote outside its view");
    }
}
