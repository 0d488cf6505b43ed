package io.cnnkit.exec.kernel;

import io.cnnkit.compiler.op.Op;
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
     * Prepares {@code op} for inputs of {@code inputShapes} (batch included) with its parameters
     * (PyTorch names and layouts). {@code fusion} is only allowed for conv and dense.
     */
    public static Kernel prepare(Op op, List<int[]> inputShapes, Map<String, Tensor> params, Fusion fusion,
                                 KernelOptions options) {
        int[] outShape = OutputShapes.of(op, inputShapes);
        if (!fusion.isNone() && !(op instanceof Op.Conv || op instanceof Op.Dense)) {
            throw new IllegalArgumentException("only conv and dense kernels take fused operators, not " + op.kind());
        }
        int[] x = inputShapes.get(0);
        if (op instanceof Op.Conv c) {
            return prepareConv(c, inputShapes, params, fusion, options, null);
        }
        if (op instanceof Op.Dense d) {
            int in = OutputShapes.features(x);
            Folding folded = Folding.of(Params.require(params, d, "weight", d.units(), in),
                    Params.bias(params, d, d.bias(), d.units()), d.units(), fusion);
            return new DenseKernel(x[0], in, d.units(), folded, fusion, options);
        }
        if (op instanceof Op.MaxPool || op instanceof Op.AvgPool) {
            PoolKernel.Mode mode = op instanceof Op.MaxPool ? PoolKernel.Mode.MAX
                    : ((Op.AvgPool) op).countPad() ? PoolKernel.Mode.AVG_COUNT_PAD : PoolKernel.Mode.AVG;
            return new PoolKernel(outShape, OutputShapes.window(op, x), mode, false, options);
        }
        if (op instanceof Op.GlobalAvgPool || op instanceof Op.GlobalMaxPool) {
            Window whole = new Window(x[2], x[3], x[2], x[3], 1, 1, 1, 1, 0, 0, 0, 0, 1, 1);
            return new PoolKernel(outShape, whole,
                    op instanceof Op.GlobalMaxPool ? PoolKernel.Mode.MAX : PoolKernel.Mode.AVG, true, options);
        }
        if (op instanceof Op.BatchNorm bn) {
            double[][] affine = Params.batchNormAffine(params, bn, x[1]);
            return new SimpleKernels.Affine(toFloat(affine[0]), toFloat(affine[1]), outShape);
        }
        if (op instanceof Op.Add) {
            return new SimpleKernels.Sum(Activation.NONE, outShape, options.scalar());
        }
        if (op instanceof Op.Concat) {
            return new SimpleKernels.Concat(outShape);
        }
        if (op instanceof Op.ZeroPad z) {
            return new SimpleKernels.ZeroPad(z, outShape);
        }
        if (op instanceof Op.Lrn l) {
            return new SimpleKernels.Lrn(l, outShape, options.scalar());
        }
        if (op instanceof Op.Softmax) {
            return new SimpleKernels.Softmax(outShape);
        }
        if (op instanceof Op.Input || op instanceof Op.Flatten || op instanceof Op.Dropout) {
            return new SimpleKernels.Copy(outShape);
        }
        return new SimpleKernels.Unary(op, outShape);
    }

    /** How a convolution is computed. */
    enum ConvAlgorithm { DEPTHWISE, IM2COL_TILES, IMPLICIT_GEMM, TRANSPOSED_GEMM }

    /**
     * Depthwise when every output channel reads one input channel. Otherwise the GEMM whose tiles
     * waste least, by a cost model: the useful fraction of the padded tile area, divided by the
     * packing overhead for the layouts that gather the input per run (about 20 multiply-adds'
     * worth per gathered value, spread over the Cout/g rows that reuse it; a plain copy for 1x1
     * stride 1). Implicit GEMM (not for 1x1) copies the input once but computes dropped columns.
     */
    static ConvAlgorithm choose(Window w, int inChannels, int outChannels, int groups) {
        if (inChannels == groups) {
            return ConvAlgorithm.DEPTHWISE;
        }
        int m = outChannels / groups, n = w.outSize();
        double gather = 1 + (w.isPointwise() ? 2.0 : 20.0) / m;
        double tiles = useful(n, Sgemm.NR) * useful(m, Sgemm.MR) / gather;
        double transposed = useful(n, Sgemm.MR) * useful(m, Sgemm.NR) / (1 + 20.0 / m);
        double implicit = w.kh() * w.kw() > 1
                ? (double) n / roundUp(ImplicitConvKernel.paddedPositions(w), Sgemm.NR) * useful(m, Sgemm.MR) : 0;
        if (implicit >= tiles && implicit >= transposed) {
            return ConvAlgorithm.IMPLICIT_GEMM;
        }
        return transposed > tiles ? ConvAlgorithm.TRANSPOSED_GEMM : ConvAlgorithm.IM2COL_TILES;
    }

    private static double useful(int size, int tile) {
        return (double) size / roundUp(size, tile);
    }

    private static int roundUp(int size, int tile) {
        return (size + tile - 1) / tile * tile;
    }

    /** {@code forced} null: the algorithm is chosen by {@link #choose}. */
    static Kernel prepareConv(Op.Conv c, List<int[]> inputShapes, Map<String, Tensor> params, Fusion fusion,
                              KernelOptions options, ConvAlgorithm forced) {
        int[] x = inputShapes.get(0);
        int[] outShape = OutputShapes.of(c, inputShapes.subList(0, 1));
        Window w = OutputShapes.window(c, x);
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
            case TRANSPOSED_GEMM:
                return new TransposedConvKernel(x, outShape, w, c.groups(), folded, fusion, options);
            default:
                return new ConvGemmKernel(x, outShape, w, c.groups(), folded, fusion, options);
        }
    }

    /** An add followed by an activation, as one kernel. */
    public static Kernel prepareSum(List<int[]> inputShapes, Activation activation, KernelOptions options) {
        return new SimpleKernels.Sum(activation, OutputShapes.of(new Op.Add(), inputShapes), options.scalar());
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
