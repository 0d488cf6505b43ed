package io.cnnkit.exec.kernel.conv;

import io.cnnkit.exec.Tensor;
import io.cnnkit.exec.kernel.Folding;
import io.cnnkit.exec.kernel.Fusion;
import io.cnnkit.exec.kernel.KernelOptions;
import io.cnnkit.exec.kernel.Window;
import io.cnnkit.exec.kernel.Workspace;

/**
 * A GEMM-based convolution that reads its input from zero-padded phase planes
 * ({@link PhasePlanes}, in the shared scratch), image by image ({@link ImageByImage}); where the
 * threads share an image they split its work into ranges of weight panels x chunks of output
 * positions, one per thread ({@link GemmConv#imageParts}).
 */
abstract class PhasePlaneConvKernel extends GemmConvKernel {
    protected final PhasePlanes planes;
    protected final GemmConv.Chunks chunks;
    /** One image's work split between the threads. */
    private final int[] parts;
    private final ImageByImage images;

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
        this.parts = g.imageParts(chunks, prepare, options.threads());
        this.images = new ImageByImage(g.batch(), planes.bufferSize(g.cin()), options.threads());
    }

    @Override
    public final int sharedScratch() {
        return images.sharedScratch();
    }

    @Override
    public final void run(Tensor[] inputs, Tensor output, Workspace ws) {
        float[] padded = ws.shared();
        Tensor x = inputs[0], res = g.residual() ? inputs[1] : null;
        int cin = g.cin(), chunkCount = chunks.count();
        images.run(ws, macs(), (image, at, slotScratch) -> {
            planes.fill(x, image * cin, cin, padded, at);
            g.forEachItem(image, chunkCount, slotScratch, (i, group, p0, p1, chunk, scratch) ->
                    compute(padded, at, res, output, i, group, p0, p1, chunk, scratch));
        }, image -> {
            planes.fill(ws, x, image * cin, cin, padded, 0);
            g.forEachItem(ws, parts, image, chunkCount, macs() / g.batch(), (i, group, p0, p1, chunk, scratch) ->
                    compute(padded, 0, res, output, i, group, p0, p1, chunk, scratch));
        });
    }

    /**
     * Weight panels [p0, p1) of one image and group for position chunk {@code chunk}, reading the
     * image's planes at {@code planesAt} in {@code padded}; {@code res} is null without a fused
     * residual.
     */
    abstract void compute(float[] padded, int planesAt, Tensor res, Tensor out, int image, int group, int p0, int p1,
                          int chunk, float[] scratch);
}
