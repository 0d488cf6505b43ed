package io.cnnkit.exec.kernel.conv;

import io.cnnkit.exec.Tensor;
import io.cnnkit.exec.kernel.Folding;
import io.cnnkit.exec.kernel.Fusion;
import io.cnnkit.exec.kernel.KernelOptions;
import io.cnnkit.exec.kernel.Parallel;
import io.cnnkit.exec.kernel.Window;
import io.cnnkit.exec.kernel.Workspace;

/**
 * A GEMM-based convolution that reads its input from zero-padded phase planes
 * ({@link PhasePlanes}, in the shared scratch), image by image, so that an image's planes are
 * read while they are in the cache of the core that filled them. Where the threads can take
 * whole images each (a batch that is a multiple of the threads), each fills and computes its own
 * images in planes of its own; otherwise the threads fill each image's planes together and split
 * its work into ranges of weight panels x chunks of output positions, one per thread
 * ({@link GemmConv#imageParts}).
 */
abstract class PhasePlaneConvKernel extends GemmConvKernel {
    protected final PhasePlanes planes;
    protected final GemmConv.Chunks chunks;
    /** One image's work split between the threads. */
    private final int[] parts;
    /** Whether each thread takes whole images, in planes of its own. */
    private final boolean imagesPerThread;
    /** Planes of one image (and the floats past them that dropped positions read); buffers in the shared scratch. */
    private final int imageFloats, buffers;

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
        this.imagesPerThread = g.batch() > 1 && g.batch() % options.threads() == 0;
        this.imageFloats = planes.bufferSize(g.cin());
        this.buffers = imagesPerThread ? options.threads() : 1;
    }

    @Override
    public final int sharedScratch() {
        return buffers * imageFloats;
    }

    @Override
    public final void run(Tensor[] inputs, Tensor output, Workspace ws) {
        float[] padded = ws.shared();
        Tensor x = inputs[0], res = g.residual() ? inputs[1] : null;
        int cin = g.cin(), chunkCount = chunks.count();
        if (imagesPerThread && ws.slots() <= buffers) {
            Parallel.forRange(ws, g.batch(), macs() / g.batch(), (slot, from, to) -> {
                int at = slot * imageFloats;
                for (int image = from; image < to; image++) {
                    planes.fill(x, image * cin, cin, padded, at);
                    g.forEachItem(image, chunkCount, ws.scratch(slot), (i, group, p0, p1, chunk, scratch) ->
                            compute(padded, at, res, output, i, group, p0, p1, chunk, scratch));
                }
            });
            return;
        }
        for (int image = 0; image < g.batch(); image++) {
            planes.fill(ws, x, image * cin, cin, padded, 0);
            g.forEachItem(ws, parts, image, chunkCount, macs() / g.batch(), (i, group, p0, p1, chunk, scratch) ->
                    compute(padded, 0, res, output, i, group, p0, p1, chunk, scratch));
        }
    }

    /**
     * Weight panels [p0, p1) of one image and group for position chunk {@code chunk}, reading the
     * image's planes at {@code planesAt} in {@code padded}; {@code res} is null without a fused
     * residual.
     */
    abstract void compute(float[] padded, int planesAt, Tensor res, Tensor out, int image, int group, int p0, int p1,
                          int chunk, float[] scratch);
}
