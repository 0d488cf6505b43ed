package io.cnnkit.exec.kernel.conv;

import io.cnnkit.exec.Tensor;
import io.cnnkit.exec.kernel.Folding;
import io.cnnkit.exec.kernel.Fusion;
import io.cnnkit.exec.kernel.KernelOptions;
import io.cnnkit.exec.kernel.Window;
import io.cnnkit.exec.kernel.Workspace;

/**
 * A GEMM-based convolution that first copies what it reads of each image's input into the shared
 * scratch ({@link InputCopy}: zero-padded phase planes, or the zero-padded border only), image by
 * image ({@link ImageByImage}); where the threads share an image they split its work into ranges
 * of weight panels x chunks of output positions, one per thread ({@link GemmConv#imageParts}).
 */
abstract class CopiedInputConvKernel extends GemmConvKernel {
    protected final GemmConv.Chunks chunks;
    private final InputCopy copy;
    /** One image's work split between the threads. */
    private final int[] parts;
    private final ImageByImage images;

    /**
     * {@code copy}: what the tiles read of the input, its offsets over one group's channels;
     * {@code chunks}: of the output positions per image and group (in the subclass's numbering);
     * {@code prepare}: multiply-adds per B value that each range of work pays for a chunk it meets
     * ({@link GemmConv#parts}); {@code reuse}: a kernel no longer run whose packed weights this one
     * may overwrite, or null.
     */
    CopiedInputConvKernel(int[] inShape, int[] outShape, Window w, int groups, Folding folded, Fusion fusion,
                          KernelOptions options, int width, InputCopy copy, GemmConv.Chunks chunks, double prepare,
                          GemmConvKernel reuse) {
        super(inShape, outShape, w, groups, folded, fusion, options, width, reuse);
        this.copy = copy;
        this.chunks = chunks;
        this.parts = g.imageParts(chunks, prepare, options.threads());
        this.images = new ImageByImage(g.batch(), copy.bufferSize(g.cin()), options.threads());
    }

    @Override
    public final int sharedScratch() {
        return images.sharedScratch();
    }

    @Override
    public final void run(Tensor[] inputs, Tensor output, Workspace ws) {
        float[] copied = ws.shared();
        Tensor x = inputs[0], res = g.residual() ? inputs[1] : null;
        int cin = g.cin(), chunkCount = chunks.count();
        images.run(ws, macs(), (image, at, slotScratch) -> {
            copy.fill(x, image * cin, cin, copied, at);
            g.forEachItem(image, chunkCount, slotScratch, (i, group, p0, p1, chunk, scratch) ->
                    compute(x, copied, at, res, output, i, group, p0, p1, chunk, scratch));
        }, image -> {
            copy.fill(ws, x, image * cin, cin, copied, 0);
            g.forEachItem(ws, parts, image, chunkCount, macs() / g.batch(), (i, group, p0, p1, chunk, scratch) ->
                    compute(x, copied, 0, res, output, i, group, p0, p1, chunk, scratch));
        });
    }

    /**
     * Weight panels [p0, p1) of one image and group for position chunk {@code chunk}, reading the
     * image's input {@code x} or its copy at {@code copyAt} in {@code copied}; {@code res} is null
     * without a fused residual.
     */
    abstract void compute(Tensor x, float[] copied, int copyAt, Tensor res, Tensor out, int image, int group, int p0,
                          int p1, int chunk, float[] scratch);
}
