package io.cnnkit.exec.kernel.conv;

import io.cnnkit.analyzer.ShapeInference;
import io.cnnkit.compiler.op.Op;
import io.cnnkit.exec.Tensor;
import io.cnnkit.exec.kernel.Folding;
import io.cnnkit.exec.kernel.Fusion;
import io.cnnkit.exec.kernel.Kernel;
import io.cnnkit.exec.kernel.KernelOptions;
import io.cnnkit.exec.kernel.Window;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Prepares a convolution with the algorithm the cost model chooses ({@link ConvCostModel#choose}), or a forced one. */
public final class ConvKernels {
    private ConvKernels() {
    }

    /** A convolution kernel with the algorithm {@link ConvCostModel#choose} picks for its shapes. */
    public static Kernel prepare(Op.Conv c, List<int[]> inputShapes, Map<String, Tensor> params, Fusion fusion,
                                 KernelOptions options) {
        return prepare(c, inputShapes, params, fusion, options, null);
    }

    /** {@code forced} null: the algorithm is chosen by {@link ConvCostModel#choose}. */
    public static Kernel prepare(Op.Conv c, List<int[]> inputShapes, Map<String, Tensor> params, Fusion fusion,
                                 KernelOptions options, ConvAlgorithm forced) {
        return prepare(c, inputShapes, params, fusion, options, forced, null);
    }

    /**
     * {@code reuse}: a kernel of an earlier preparation that is no longer run, whose weight arrays
     * the new kernel may overwrite where they have its sizes (Winograd's transformed filters, the GEMM
     * kernels' weight panels), or null.
     */
    public static Kernel prepare(Op.Conv c, List<int[]> inputShapes, Map<String, Tensor> params, Fusion fusion,
                                 KernelOptions options, ConvAlgorithm forced, Kernel reuse) {
        int[] x = inputShapes.get(0);
        int[] outShape = ShapeInference.batched(c, inputShapes.subList(0, 1));
        Window w = Window.of(x, outShape, c.kernel(), c.stride(), c.pad(), c.dilation());
        if (fusion.residual()) {
            requireResidual(inputShapes, outShape);
        }
        GemmConvKernel packed = reuse instanceof GemmConvKernel earlier ? earlier : null;
        ConvAlgorithm algorithm = forced != null ? forced : ConvCostModel.choose(w, x[1], c.filters(), c.groups());
        // every kernel but the depthwise one packs or transforms the weights and keeps no reference to them
        Folding folded = Folding.forConv(c, params, x[1], fusion, algorithm != ConvAlgorithm.DEPTHWISE);
        switch (algorithm) {
            case DEPTHWISE:
                if (!options.scalar() && BlockedDepthwiseConvKernel.chosen(x, outShape, w)) {
                    return new BlockedDepthwiseConvKernel(x, outShape, w, folded, fusion);
                }
                return new DepthwiseConvKernel(x, outShape, w, folded, fusion, options);
            case IMPLICIT_GEMM:
                return new ImplicitConvKernel(x, outShape, w, c.groups(), folded, fusion, options, packed);
            case DIRECT:
                return new DirectConvKernel(x, outShape, w, c.groups(), folded, fusion, options, packed);
            case TRANSPOSED_GEMM:
                return new TransposedConvKernel(x, outShape, w, c.groups(), folded, fusion, options, packed);
            case WINOGRAD:
            case WINOGRAD_F4:
                if (!algorithm.applies(w, x[1], c.groups())) {
                    throw new IllegalArgumentException(algorithm + " does not apply to " + c);
                }
                return new WinogradConvKernel(x, outShape, w,
                        algorithm == ConvAlgorithm.WINOGRAD ? Winograd.F2 : Winograd.F4, folded, fusion, options,
                        null, reuse instanceof WinogradConvKernel earlier ? earlier : null);
            default:
                return new ConvGemmKernel(x, outShape, w, c.groups(), folded, fusion, options, packed);
        }
    }

    private static void requireResidual(List<int[]> inputShapes, int[] outShape) {
        if (inputShapes.size() != 2 || !Arrays.equals(inputShapes.get(1), outShape)) {
            throw new IllegalArgumentException("a fused residual must be a second input of the output's shape");
        }
    }
}
