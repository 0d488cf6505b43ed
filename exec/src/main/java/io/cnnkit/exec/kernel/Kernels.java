package io.cnnkit.exec.kernel;

import io.cnnkit.analyzer.ParamSpec;
import io.cnnkit.analyzer.ShapeInference;
import io.cnnkit.compiler.op.Op;
import io.cnnkit.compiler.op.OpVisitor;
import io.cnnkit.compiler.op.Size2;
import io.cnnkit.exec.Tensor;
import io.cnnkit.exec.kernel.conv.ConvKernels;
import io.cnnkit.exec.kernel.dense.DenseKernel;
import io.cnnkit.exec.kernel.elementwise.SimpleKernels;
import io.cnnkit.exec.kernel.pool.PoolKernel;
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
     * does); otherwise alignment is left to chance, and one JVM may run the Winograd layers
     * slower than another.
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
        if (!fusion.isNone() && !(op instanceof Op.Conv || op instanceof Op.Dense || op instanceof Op.Linear)) {
            throw new IllegalArgumentException("only conv, linear and dense kernels take fused operators, not "
                    + op.kind());
        }
        // a fused residual is an extra input of the kernel, not of the operator
        List<int[]> opInputs = fusion.residual() ? inputShapes.subList(0, 1) : inputShapes;
        return op.accept(new Preparer(inputShapes, ShapeInference.batched(op, opInputs), params, fusion, options));
    }

    /**
     * As above, where {@code reuse} is a kernel of an earlier preparation of {@code op} that is no
     * longer run (a training step's, its weights since updated): the new kernel may overwrite its
     * weight arrays rather than allocate its own. Null: as above.
     */
    public static Kernel prepare(Op op, List<int[]> inputShapes, Map<String, Tensor> params, Fusion fusion,
                                 KernelOptions options, Kernel reuse) {
        if (reuse != null && op instanceof Op.Conv c) {
            return ConvKernels.prepare(c, inputShapes, params, fusion, options, null, reuse);
        }
        return prepare(op, inputShapes, params, fusion, options);
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
            return ConvKernels.prepare(op, inputShapes, params, fusion, options);
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
            return smooth(SmoothActivationKernel.Kind.SIGMOID);
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
        public Kernel layerNorm(Op.LayerNorm op) {
            int c = x()[1];
            return new LayerNormKernel((float) op.eps(), Params.require(params, op, "weight", c).toArray(),
                    Params.require(params, op, "bias", c).toArray(), outShape, options.scalar());
        }

        @Override
        public Kernel scale(Op.Scale op) {
            int c = x()[1];
            Tensor factors = Params.require(params, op, ParamSpec.BARE, x().length == 4 ? new int[] {c, 1, 1} : new int[] {c});
            return new SimpleKernels.Affine(factors.toArray(), new float[c], outShape);
        }

        /** The 1×1 convolution it is, its {@code [units, C]} weight seen as {@code [units, C, 1, 1]}. */
        @Override
        public Kernel linear(Op.Linear op) {
            return ConvKernels.prepare(Params.linearAsConv(op), inputShapes, Params.linearAsConvParams(params, op,
                    x()[1]), fusion, options);
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

    /**
     * A 1x1 convolution and the depthwise convolution that alone reads its output as one kernel,
     * or null where that does not pay: see {@link ConvKernels#prepareExpandDepthwise}.
     */
    public static Kernel prepareExpandDepthwise(Op.Conv expand, int[] x, Map<String, Tensor> expandParams,
                                                Fusion expandFusion, Op.Conv depthwise, List<int[]> depthwiseInputs,
                                                Map<String, Tensor> depthwiseParams, Fusion depthwiseFusion,
                                                boolean staged, KernelOptions options) {
        return ConvKernels.prepareExpandDepthwise(expand, x, expandParams, expandFusion, depthwise, depthwiseInputs,
                depthwiseParams, depthwiseFusion, staged, options);
    }

    /**
     * A stem and the max pool that alone reads its output as one kernel, or null where that does
     * not apply: see {@link ConvKernels#prepareConvPool}.
     */
    public static Kernel prepareConvPool(Op.Conv conv, int[] x, Map<String, Tensor> params, Fusion fusion,
                                         Op.MaxPool pool, KernelOptions options) {
        return ConvKernels.prepareConvPool(conv, x, params, fusion, pool, options);
    }

    /** An add followed by an activation, as one kernel. */
    public static Kernel prepareSum(List<int[]> inputShapes, Activation activation, KernelOptions options) {
        return new SimpleKernels.Sum(activation, ShapeInference.batched(new Op.Add(), inputShapes), options.scalar());
    }

    private static float[] toFloat(double[] values) {
        float[] f = new float[values.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) values[i];
        }
        return f;
    }
}
