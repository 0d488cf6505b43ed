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
        if (forced == null && !options.scalar() && StemConvKernel.chosen(x, outShape, w, c.groups(), fusion, null)) {
            return new StemConvKernel(x, outShape, w, null, Folding.forConv(c, params, x[1], fusion, true), fusion,
                    options.threads());
        }
        GemmConvKernel packed = reuse instanceof GemmConvKernel earlier ? earlier : null;
        ConvAlgorithm algorithm = forced != null ? forced : ConvCostModel.choose(w, x[1], c.filters(), c.groups(),
                fusion.residual());
        // every kernel but the depthwise one packs or transforms the weights and keeps no reference to them
        Folding folded = Folding.forConv(c, params, x[1], fusion, algorithm != ConvAlgorithm.DEPTHWISE);
        switch (algorithm) {
            case DEPTHWISE:
                if (!options.scalar() && BlockedDepthwiseConvKernel.chosen(x, outShape, w)) {
                    return new BlockedDepthwiseConvKernel(x, outShape, w, folded, fusion, options.threads());
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

    /**
     * A 1x1 convolution ({@code expand}, with its fusion; or a convolution of few taps, such as a
     * stem) and the depthwise convolution that alone reads its output (with its own fusion and inputs: the expand's output, then any residual) as
     * one kernel, where {@link ExpandDepthwiseConvKernel#chosen} says that pays; otherwise null, and
     * the two run as steps of their own. {@code staged}: the kernel takes one more input last, a
     * buffer of at least the expand input's size, into which it first copies that input, because
     * its output may overlap it.
     */
    public static Kernel prepareExpandDepthwise(Op.Conv expand, int[] x, Map<String, Tensor> expandParams,
                                                Fusion expandFusion, Op.Conv depthwise, List<int[]> depthwiseInputs,
                                                Map<String, Tensor> depthwiseParams, Fusion depthwiseFusion,
                                                boolean staged, KernelOptions options) {
        int[] mid = depthwiseInputs.get(0);
        if (options.scalar() || expandFusion.residual() || expand.groups() != 1 || depthwise.groups() != mid[1]) {
            return null;
        }
        int[] expanded = ShapeInference.batched(expand, List.of(x));
        Window e = Window.of(x, expanded, expand.kernel(), expand.stride(), expand.pad(), expand.dilation());
        int[] outShape = ShapeInference.batched(depthwise, List.of(mid));
        Window w = Window.of(mid, outShape, depthwise.kernel(), depthwise.stride(), depthwise.pad(),
                depthwise.dilation());
        if (!Arrays.equals(expanded, mid) || !ExpandDepthwiseConvKernel.chosen(e, x[1], mid, outShape, w)) {
            return null;
        }
        if (depthwiseFusion.residual()) {
            requireResidual(depthwiseInputs, outShape);
        }
        BlockedDepthwiseConvKernel dw = new BlockedDepthwiseConvKernel(mid, outShape, w,
                Folding.forConv(depthwise, depthwiseParams, mid[1], depthwiseFusion), depthwiseFusion, 1);
        return new ExpandDepthwiseConvKernel(x, e, Folding.forConv(expand, expandParams, x[1], expandFusion, true),
                expandFusion, dw, mid, staged, options.threads());
    }

    /**
     * A stem ({@code conv}, with its fusion) and the max pool that alone reads its output as one
     * kernel ({@link StemConvKernel}), or null where that kernel does not take them.
     */
    public static Kernel prepareConvPool(Op.Conv conv, int[] x, Map<String, Tensor> params, Fusion fusion,
                                         Op.MaxPool pool, KernelOptions options) {
        if (options.scalar()) {
            return null;
        }
        int[] convShape = ShapeInference.batched(conv, List.of(x));
        Window w = Window.of(x, convShape, conv.kernel(), conv.stride(), conv.pad(), conv.dilation());
        int[] pooled = ShapeInference.batched(pool, List.of(convShape));
        Window p = Window.of(convShape, pooled, pool.kernel(), pool.stride(), pool.pad(), pool.dilation());
        if (!StemConvKernel.chosen(x, convShape, w, conv.groups(), fusion, p)) {
            return null;
        }
        return new StemConvKernel(x, convShape, w, p, Folding.forConv(conv, params, x[1], fusion, true), fusion,
                options.threads());
    }

    private static void requireResidual(List<int[]> inputShapes, int[] outShape) {
        if (inputShapes.size() != 2 || !Arrays.equals(inputShapes.get(1), outShape)) {
            throw new IllegalArgumentException("a fused residual must be a second input of the output's shape");
        }
    }
}
