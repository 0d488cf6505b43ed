package io.cnnkit.exec.kernel.conv;

import io.cnnkit.exec.kernel.Parallel;
import io.cnnkit.exec.kernel.Workspace;

/**
 * How a convolution that copies each image's input into planes of the shared scratch first
 * ({@link CopiedInputConvKernel}, {@link WinogradConvKernel}, {@link StemConvKernel}) walks a
 * batch: one image at a time, so that its planes are read while they are in the cache of the core
 * that filled them. Where the batch is a multiple of the threads each thread takes whole images,
 * in planes of its own ({@link #buffers} of them), and no data moves between the cores inside the
 * layer; otherwise the threads fill each image's planes together and split its work.
 */
final class ImageByImage {
    /** One image filled and computed on the calling thread, its planes at {@code planesAt}. */
    @FunctionalInterface
    interface Whole {
        void run(int image, int planesAt, float[] scratch);
    }

    /** One image filled and computed by every thread, its planes at the start of the shared scratch. */
    @FunctionalInterface
    interface Shared {
        void run(int image);
    }

    private final int batch, imageFloats, buffers;
    private final boolean perThread;

    /** {@code imageFloats}: one image's planes and the floats past them that the kernel may read. */
    ImageByImage(int batch, int imageFloats, int threads) {
        this.batch = batch;
        this.imageFloats = imageFloats;
        this.perThread = batch > 1 && batch % threads == 0;
        this.buffers = perThread ? threads : 1;
    }

    /** Floats of shared scratch the planes take: one image's per thread that fills its own. */
    int sharedScratch() {
        return buffers * imageFloats;
    }

    int imageFloats() {
        return imageFloats;
    }

    /** Every image of the batch, {@code macs} multiply-adds in all. */
    void run(Workspace ws, long macs, Whole whole, Shared shared) {
        if (perThread && ws.slots() <= buffers) {
            Parallel.forRange(ws, batch, macs / batch, (slot, from, to) -> {
                for (int image = from; image < to; image++) {
                    whole.run(image, slot * imageFloats, ws.scratch(slot));
                }
            });
            return;
        }
        for (int image = 0; image < batch; image++) {
            shared.run(image);
        }
    }
}
