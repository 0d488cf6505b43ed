package io.cnnkit.exec.kernel.conv;

import io.cnnkit.exec.kernel.Folding;
import io.cnnkit.exec.kernel.Fusion;
import io.cnnkit.exec.kernel.Kernel;
import io.cnnkit.exec.kernel.KernelOptions;
import io.cnnkit.exec.kernel.Window;

/** The shape and prepared weights that every GEMM-based convolution kernel holds. */
abstract class GemmConvKernel implements Kernel {
    protected final int[] outShape;
    protected final Window w;
    protected final GemmConv g;

    /** {@code width}: output channels per weight panel (see {@link GemmConv#of}). */
    GemmConvKernel(int[] inShape, int[] outShape, Window w, int groups, Folding folded, Fusion fusion,
                   KernelOptions options, int width) {
        this(inShape, outShape, w, groups, folded, fusion, options, width, null);
    }

    /** As above, {@code reuse}: a kernel no longer run whose packed weights this one may overwrite, or null. */
    GemmConvKernel(int[] inShape, int[] outShape, Window w, int groups, Folding folded, Fusion fusion,
                   KernelOptions options, int width, GemmConvKernel reuse) {
        this(inShape, outShape, w, groups, folded, fusion, options, width, GemmConv.KC, reuse);
    }

    /** As above, in K blocks of at most {@code kcMax} rows. */
    GemmConvKernel(int[] inShape, int[] outShape, Window w, int groups, Folding folded, Fusion fusion,
                   KernelOptions options, int width, int kcMax, GemmConvKernel reuse) {
        this.outShape = outShape.clone();
        this.w = w;
        this.g = GemmConv.of(inShape, outShape, w, groups, folded, fusion, options, width, kcMax,
                reuse == null ? null : reuse.g);
    }

    @Override
    public final int[] outputShape() {
        return outShape.clone();
    }

    @Override
    public final long macs() {
        return g.macs(w);
    }
}
