package io.cnnkit.exec.kernel;

import io.cnnkit.analyzer.ShapeInference;
import io.cnnkit.compiler.op.Op;
import io.cnnkit.compiler.op.OpVisitor;
import io.cnnkit.compiler.op.Size2;
import io.cnnkit.exec.Tensor;
import java.util.List;
import java.util.Map;

/** Chooses and prepares the optimised kernel for one layer. */
public final class Kernels {
    private Kernels() {
    }

    /** The width of the kernels' vectors in this JVM: 512 or 256 ({@code -Dcnnkit.simd}). */
    public static int vectorBits() {
        return Simd.S.vectorBitSize();
    }

    /**
     * Whether the kernels' workspace and packed weights start on cache lines in this JVM: only when
     * it aligns objects to 64 bytes ({@code -XX:ObjectAlignmentInBytes=64}, as the cnn launcher
     * does); otherwise alignment is left to chance, and a JVM may run the Winograd layers up to
     * 15% slower than another.
     */
    public static boolean alignedArrays() {
        return Align.FLOATS > 0;
    }

    /** The index of the first 64-byte aligned element of a float array from {@link #alignedFloats} (0 unaligned). */
    public static final int ALIGNED_START = Align.FLOATS;

    /** A float array holding {@code n} floats from {@link #ALIGNED_START} on. */
    public static float[] alignedFloats(long n) {
        return Align.floats(Math.toIntExact(n));
    }

    /**
     * Prepares {@code op} for inputs of {@code inputShapes} (batch included) with its parameters
     * (PyTorch names and layouts). {@code fusion} is only allowed for conv and dense. The output
     * shape is the analyzer's ({@link ShapeInference}); kernels keep no shape arithmetic.
     */
    public static Kernel prepare(Op op, List<int[]> inputShapes, Map<String, Tensor> params, Fusion fusion,
                                 KernelOptions options) {
        if (!fusion.isNone() && !(op instanceof Op.Conv || op instanceof Op.Dense)) {
            throw new IllegalArgumentException("only conv and dense kernels take fused operators, not " + op.kind());
        }
        // a fused residual is an extra input of the kernel, not of the operator
        List<int[]> opInputs = fusion.residual() ? inputShapes.subList(0, 1) : inputShapes;
        return op.accept(new Preparer(inputShapes, ShapeInference.batched(op, opInputs), params, fusion, options));
    }

    /** The optimised kernel of each operator. */
    private record Preparer(List<int[]> inputShapes, int[] outShape, Map<String, Tensor> params, Fusion fusion,
                            KernelOptions options) implements OpVisitor<Kernel> {
        private int[] x() {
            return inputShapes.get(0);
        }

        @Override
        public Kernel input(Op.Input op) {
            return new SimpleKernels.Copy(outShape);
        }

        @Override
        public Kernel conv(Op.Conv op) {
            return prepareConv(op, inputShapes, params, fusion, options, null);
        }

        @Override
        public Kernel maxPool(Op.MaxPool op) {
            Window w = Window.of(x(), outShape, op.kernel(), op.stride(), op.pad(), op.dilation());
            return new PoolKernel(outShape, w, PoolKernel.Mode.MAX, false, options);
        }

        @Override
        public Kernel avgPool(Op.AvgPool op) {
            Window w = Window.of(x(), outShape, op.kernel(), op.stride(), op.pad(), Size2.square(1));
            return new PoolKernel(outShape, w, op.countPad() ? PoolKernel.Mode.AVG_COUNT_PAD : PoolKernel.Mode.AVG,
                    false, options);
        }

        @Override
        public Kernel globalAvgPool(Op.GlobalAvgPool op) {
            return new PoolKernel(outShape, Window.whole(x()), PoolKernel.Mode.AVG, true, options);
        }

        @Override
        public Kernel globalMaxPool(Op.GlobalMaxPool op) {
            return new PoolKernel(outShape, Window.whole(x()), PoolKernel.Mode.MAX, true, options);
        }

        @Override
        public Kernel adaptiveAvgPool(Op.AdaptiveAvgPool op) {
            return adaptive(false);
        }

        @Override
        public Kernel adaptiveMaxPool(Op.AdaptiveMaxPool op) {
            return adaptive(true);
        }

        /** Global, or a plain pool of kernel and stride input/output where that divides, else uneven windows. */
        private Kernel adaptive(boolean max) {
            int[] x = x();
            PoolKernel.Mode mode = max ? PoolKernel.Mode.MAX : PoolKernel.Mode.AVG;
            if (outShape[2] == 1 && outShape[3] == 1) {
                return new PoolKernel(outShape, Window.whole(x), mode, true, options);
            }
            if (x[2] % outShape[2] == 0 && x[3] % outShape[3] == 0) {
                int kh = x[2] / outShape[2], kw = x[3] / outShape[3];
                return new PoolKernel(outShape, new Window(x[2], x[3], kh, kw, kh, kw, 1, 1, 0, 0, 0, 0, outShape[2],
                        outShape[3]), mode, false, options);
            }
            return new AdaptivePoolKernel(x, outShape, max);
        }

        @Override
        public Kernel dense(Op.Dense op) {
            int in = Tensor.sampleSize(x());
            Folding folded = Folding.of(Params.require(params, op, "weight", op.units(), in),
                    Params.bias(params, op, op.bias(), op.units()), op.units(), fusion);
            return new DenseKernel(x()[0], in, op.units(), folded, fusion, options);
        }

        @Override
        public Kernel flatten(Op.Flatten op) {
            return new SimpleKernels.Copy(outShape);
        }

        @Override
        public Kernel relu(Op.Relu op) {
            return activation(op);
        }

        @Override
        public Kernel relu6(Op.Relu6 op) {
            return activation(op);
        }

        @Override
        public Kernel leakyRelu(Op.LeakyRelu op) {
            return activation(op);
        }

        private Kernel activation(Op op) {
            Activation a = Activation.of(op).orElseThrow();
            return new SimpleKernels.Unary(a::apply, outShape);
        }

        @Override
        public Kernel tanh(Op.Tanh op) {
            return new SimpleKernels.Unary(v -> (float) Math.tanh(v), outShape);
        }

        @Override
        public Kernel sigmoid(Op.Sigmoid op) {
            return new SimpleKernels.Unary(v -> (float) (1 / (1 + Math.exp(-v))), outShape);
        }

        @Override
        public Kernel silu(Op.Silu op) {
            return smooth(SmoothActivationKernel.Kind.SILU);
        }

        @Override
        public Kernel hardSigmoid(Op.HardSigmoid op) {
            return smooth(SmoothActivationKernel.Kind.HARD_SIGMOID);
        }

        @Override
        public Kernel hardSwish(Op.HardSwish op) {
            return smooth(SmoothActivationKernel.Kind.HARD_SWISH);
        }

        @Override
        public Kernel gelu(Op.Gelu op) {
            return smooth(op.tanh() ? SmoothActivationKernel.Kind.GELU_TANH : SmoothActivationKernel.Kind.GELU_ERF);
        }

        private Kernel smooth(SmoothActivationKernel.Kind kind) {
            return new SmoothActivationKernel(kind, outShape, options.scalar());
        }

        @Override
        public Kernel softmax(Op.Softmax op) {
            return new SimpleKernels.Softmax(outShape);
        }

        @Override
        public Kernel lrn(Op.Lrn op) {
            return new SimpleKernels.Lrn(op, outShape, options.scalar());
        }

        @Override
        public Kernel batchNorm(Op.BatchNorm op) {
            double[][] affine = Params.batchNormAffine(params, op, x()[1]);
            return new SimpleKernels.Affine(toFloat(affine[0]), toFloat(affine[1]), outShape);
        }

        @Override
        public Kernel dropout(Op.Dropout op) {
            return new SimpleKernels.Copy(outShape);
        }

        @Override
        public Kernel stochasticDepth(Op.StochasticDepth op) {
            return new SimpleKernels.Copy(outShape);
        }

        @Override
        public Kernel channelSlice(Op.ChannelSlice op) {
            return new ChannelSliceKernel(op.from(), x()[1], outShape);
        }

        @Override
        public Kernel channelShuffle(Op.ChannelShuffle op) {
            return new ChannelShuffleKernel(op.groups(), outShape);
        }

        @Override
        public Kernel zeroPad(Op.ZeroPad op) {
            return new SimpleKernels.ZeroPad(op, outShape);
        }

        @Override
        public Kernel concat(Op.Concat op) {
            return new SimpleKernels.Concat(outShape);
        }

        @Override
        public Kernel mul(Op.Mul op) {
            return new MulKernel(outShape, options.scalar());
        }

        @Override
        public Kernel add(Op.Add op) {
            return new SimpleKernels.Sum(Activation.NONE, outShape, options.scalar());
        }
    }

    /** Preparation cost per B value and vector lane, in multiply-adds (see {@link #choose}). */
    private static final double COPY_COST = 0.25, STRIDED_COPY_COST = 1, GATHER_COST = 5;
    static final double PACK_COST = 0.5;
    /**
     * The direct convolution's transposed store per output and lane, in multiply-adds; and its
     * 7x32 tile's rate relative to the GEMM's 12x32 (140 against 150 GFLOP/s alone in L1).
     */
    private static final double STORE_COST = 5, DIRECT_TILE_RATE = 0.93;

    /** How a convolution is computed. */
    enum ConvAlgorithm {
        DEPTHWISE, IM2COL_TILES, IMPLICIT_GEMM, TRANSPOSED_GEMM, DIRECT, WINOGRAD, WINOGRAD_F4;

        /** Whether this algorithm computes a convolution of this window, channels and groups. */
        boolean applies(Window w, int inChannels, int groups) {
            return switch (this) {
                case DEPTHWISE -> inChannels == groups;
                case WINOGRAD, WINOGRAD_F4 -> groups == 1 && WinogradConvKernel.applies(w);
                default -> true;
            };
        }
    }

    /**
     * Depthwise when every output channel reads one input channel; Winograd for the 3x3 stride-1
     * layers where it was measured faster ({@link WinogradConvKernel#preferredTile}). Otherwise the
     * algorithm that wastes least by a cost model: the useful fraction of the tile slots it
     * computes, divided by 1 + (cost of preparing one B value) / (output channels reusing it), the
     * cost counted in multiply-adds of the vector tile, which scale with its lanes: a plain row copy
     * for 1x1 stride 1 ({@link #COPY_COST}), a strided copy for other 1x1 ({@link #STRIDED_COPY_COST}),
     * a vector copy per K block for the implicit GEMM ({@link #PACK_COST}; it also computes the
     * dropped columns of its phase rows, and is not used for 1x1), a scalar gather of im2col values
     * for the other tilings ({@link #GATHER_COST}). The direct convolution (512-bit kernels, kernels
     * larger than 1x1) prepares nothing but pays a transposed store per output, spread over K
     * ({@link #STORE_COST}), and its narrower tile's rate. The constants were fitted to
     * ConvBenchmark's timings of every algorithm on ResNet-18's and GoogLeNet's layer shapes at 256
     * and 512 bits (docs/performance.md): at 512 bits the direct convolution wins small maps (7x7,
     * 5x5 kernels on 14x14 and 28x28), the implicit GEMM the stem and 64x56-3s2, im2col tiles every
     * 1x1; at 256 bits the transposed GEMM wins 7x7 maps.
     */
    static ConvAlgorithm choose(Window w, int inChannels, int outChannels, int groups) {
        if (inChannels == groups) {
            return ConvAlgorithm.DEPTHWISE;
        }
        int tile = WinogradConvKernel.preferredTile(w, inChannels, outChannels, groups);
        if (tile != 0) {
            return tile == Winograd.F4 ? ConvAlgorithm.WINOGRAD_F4 : ConvAlgorithm.WINOGRAD;
        }
        int m = outChannels / groups, n = w.outSize(), k = inChannels / groups * w.kh() * w.kw();
        int lanes = Simd.S.length();
        boolean pointwise = w.kh() * w.kw() == 1;
        double tiles = ConvGemmKernel.shape(w, m).useful(m, n) / (1 + im2colPrepareCost(w) * lanes / m);
        double transposed = Sgemm.ROWS.useful(n, m) / (1 + GATHER_COST * lanes / m);
        int padded = ImplicitConvKernel.paddedPositions(w);
        double implicit = pointwise ? 0
                : ImplicitConvKernel.shape(w, m).useful(m, padded) * n / padded / (1 + PACK_COST * lanes / m);
        double direct = pointwise || lanes != 16 ? 0
                : DIRECT_TILE_RATE * DirectConvKernel.SHAPE.useful(w.outW(), m)
                        / (1 + STORE_COST * lanes / k);
        double best = Math.max(Math.max(tiles, transposed), Math.max(implicit, direct));
        if (direct == best) {
            return ConvAlgorithm.DIRECT;
        }
        if (implicit == best) {
            return ConvAlgorithm.IMPLICIT_GEMM;
        }
        return transposed > tiles ? ConvAlgorithm.TRANSPOSED_GEMM : ConvAlgorithm.IM2COL_TILES;
    }

    /** What preparing one B value of the im2col tiles costs per lane: a row copy, a strided copy or a gather. */
    static double im2colPrepareCost(Window w) {
        return w.isPointwise() ? COPY_COST : w.kh() * w.kw() == 1 ? STRIDED_COPY_COST : GATHER_COST;
    }

    /** {@code forced} null: the algorithm is chosen by {@link #choose}. */
    static Kernel prepareConv(Op.Conv c, List<int[]> inputShapes, Map<String, Tensor> params, Fusion fusion,
                              KernelOptions options, ConvAlgorithm forced) {
        int[] x = inputShapes.get(0);
        int[] outShape = ShapeInference.batched(c, inputShapes.subList(0, 1));
        Window w = Window.of(x, outShape, c.kernel(), c.stride(), c.pad(), c.dilation());
        Folding folded = Folding.forConv(c, params, x[1], fusion);
        if (fusion.residual()) {
            requireResidual(inputShapes, outShape);
        }
        ConvAlgorithm algorithm = forced != null ? forced : choose(w, x[1], c.filters(), c.groups());
        switch (algorithm) {
            case DEPTHWISE:
                return new DepthwiseConvKernel(x, outShape, w, folded, fusion, options);
            case IMPLICIT_GEMM:
                return new ImplicitConvKernel(x, outShape, w, c.groups(), folded, fusion, options);
            case DIRECT:
                return new DirectConvKernel(x, outShape, w, c.groups(), folded, fusion, options);
            case TRANSPOSED_GEMM:
                return new TransposedConvKernel(x, outShape, w, c.groups(), folded, fusion, options);
            case WINOGRAD:
            case WINOGRAD_F4:
                if (!algorithm.applies(w, x[1], c.groups())) {
                    throw new IllegalArgumentException(algorithm + " does not apply to " + c);
                }
                return new WinogradConvKernel(x, outShape, w,
                        algorithm == ConvAlgorithm.WINOGRAD ? Winograd.F2 : Winograd.F4, folded, fusion, options);
            default:
                return new ConvGemmKernel(x, outShape, w, c.groups(), folded, fusion, options);
        }
    }

    /** An add followed by an activation, as one kernel. */
    public static Kernel prepareSum(List<int[]> inputShapes, Activation activation, KernelOptions options) {
        return new SimpleKernels.Sum(activation, ShapeInference.batched(new Op.Add(), inputShapes), options.scalar());
    }

    private static void requireResidual(List<int[]> inputShapes, int[] outShape) {
        if (inputShapes.size() != 2 || !java.util.Arrays.equals(inputShapes.get(1), outShape)) {
            throw new IllegalArgumentException("a fused residual must be a second input of the output's shape");
        }
    }

    private static float[] toFloat(double[] values) {
        float[] f = new float[values.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) values[i];
        }
        return f;
    }
}
