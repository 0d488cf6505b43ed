package io.cnnkit.exec.kernel.conv;

import io.cnnkit.exec.Tensor;
import io.cnnkit.exec.kernel.Folding;
import io.cnnkit.exec.kernel.Fusion;
import io.cnnkit.exec.kernel.KernelOptions;
import io.cnnkit.exec.kernel.Window;
import io.cnnkit.exec.kernel.Workspace;

/**
 * A GEMM-based convolution that reads its input from zero-padded phase planes
 * ({@link PhasePlanes}, built once per run in the shared scratch) and splits its work into ranges
 * of weight panels x chunks of output positions, one per thread ({@link GemmConv#parts}).
 */
abstract class PhasePlaneConvKernel extends GemmConvKernel {
    protected final PhasePlanes planes;
    protected final GemmConv.Chunks chunks;
    private final int[] parts;

    /**
     * {@code chunks}: of the output positions per image and group (in the subclass's numbering);
     * {@code prepare}: multiply-adds per B value that each range of work pays for a chunk it meets
     * ({@link GemmConv#parts}).
     */
    PhasePlaneConvKernel(int[] inShape, int[] outShape, Window w, int groups, Folding folded, Fusion fusion,
                         KernelOptions options, int width, GemmConv.Chunks chunks, double prepare) {
        this(inShape, outShape, w, groups, folded, fusion, options, width, chunks, prepare, null);
    }

    /** As above, {@code reuse}: a kernel no longer run whose packed weights this one may overwrite, or null. */
    PhasePlaneConvKernel(int[] inShape, int[] outShape, Window w, int groups, Folding folded, Fusion fusion,
                         KernelOptions options, int width, GemmConv.Chunks chunks, double prepare,
                         GemmConvKernel reuse) {
        super(inShape, outShape, w, groups, folded, fusion, options, width, reuse);
        this.planes = new PhasePlanes(w, g.cinG());
        this.chunks = chunks;
        this.parts = g.parts(chunks, prepare, options.threads());
    }

    @Override
    public final int sharedScratch() {
        return planes.bufferSize(g.batch() * g.cin());
    }

    @Override
    public final void run(Tensor[] inputs, Tensor output, Workspace ws) {
        float[] padded = ws.shared();
        planes.fill(ws, inputs[0], g.batch() * g.cin(), padded);
        Tensor res = g.residual() ? inputs[1] : null;
        g.forEachItem(ws, parts, chunks.count(), macs(), (image, group, p0, p1, chunk, scratch) ->
                compute(padded, res, output, image, group, p0, p1, chunk, scratch));
    }

    /**
     * Weight panels [p0, p1) of one image and group for position chunk {@code chunk}, reading the
     * planes {@code padded}; {@code res} is null without a fused residual.
     */
    abstract void compute(float[] padded, Tensor res, Tensor out, int image, int group, int p0, int p1, int chunk,
                          float[] scratch);
}
