package io.cnnkit.exec.kernel.conv;

import io.cnnkit.exec.kernel.Epilogue;
import io.cnnkit.exec.kernel.Folding;
import io.cnnkit.exec.kernel.Fusion;
import io.cnnkit.exec.kernel.KernelOptions;
import io.cnnkit.exec.kernel.Parallel;
import io.cnnkit.exec.kernel.Window;
import io.cnnkit.exec.kernel.Workspace;
import io.cnnkit.exec.kernel.gemm.Sgemm;

/**
 * What the GEMM-based convolution kernels share: the dimensions of the product of the weights
 * [Cout/g x K] and the im2col matrix [K x positions] per image and group, the weights (batchnorm
 * folded) packed into panels of {@code width} output channels in K blocks of {@code kc}
 * ({@link Sgemm#packPanels}), the epilogue, and the split of the work into balanced ranges of
 * weight panels x chunks of output positions ({@link #parts}).
 */
record GemmConv(int batch, int cin, int cout, int groups, int cinG, int coutG, int k, int kc, int width, int mPanels,
                float[] packedWeights, float[] bias, boolean residual, boolean scalar, Epilogue epilogue) {
    /**
     * Most K-rows per block, K being split into equal blocks ({@link Sgemm#kBlock}): a block of one
     * packed panel (KC x NR floats, 16 KiB at 512 bits) stays in L1; 64 and 192 were no faster.
     */
    static final int KC = 128;

    /** {@code width}: output channels per weight panel, MR when they are C's rows, NR when its columns. */
    static GemmConv of(int[] inShape, int[] outShape, Window w, int groups, Folding folded, Fusion fusion,
                       KernelOptions options, int width) {
        return of(inShape, outShape, w, groups, folded, fusion, options, width, null);
    }

    /** As above, packing into {@code reuse}'s weight panels (a kernel's no longer run) where the layout is the same. */
    static GemmConv of(int[] inShape, int[] outShape, Window w, int groups, Folding folded, Fusion fusion,
                       KernelOptions options, int width, GemmConv reuse) {
        return of(inShape, outShape, w, groups, folded, fusion, options, width, KC, reuse);
    }

    /** As above, in K blocks of at most {@code kcMax} rows rather than {@link #KC}. */
    static GemmConv of(int[] inShape, int[] outShape, Window w, int groups, Folding folded, Fusion fusion,
                       KernelOptions options, int width, int kcMax, GemmConv reuse) {
        int cinG = inShape[1] / groups, coutG = outShape[1] / groups;
        int k = cinG * w.kh() * w.kw(), kc = Sgemm.kBlock(k, kcMax);
        return new GemmConv(inShape[0], inShape[1], outShape[1], groups, cinG, coutG, k, kc, width,
                (coutG + width - 1) / width,
                Sgemm.packPanels(folded.weights(), groups, coutG, k, width, kc,
                        reuse != null && reuse.groups == groups && reuse.coutG == coutG && reuse.k == k
                                && reuse.width == width && reuse.kc == kc ? reuse.packedWeights : null),
                folded.bias(), fusion.residual(),
                options.scalar(), new Epilogue(fusion.activation(), options.scalar()));
    }

    /** Where K-rows [k0, k0 + kc) of weight panel {@code p} of group {@code group} start. */
    int weightsAt(int group, int p, int k0) {
        return Sgemm.panelAt(group, p, k0, k, kc, mPanels, width);
    }

    long macs(Window w) {
        return (long) batch * cout * w.outSize() * k;
    }

    /**
     * The work split into {@code threads} contiguous ranges of units, a unit being one weight panel
     * of one chunk of output positions of one image and group, in the order image, group, chunk,
     * panel. A range's work: its panels' multiply-adds, plus {@code prepare} multiply-adds per B
     * value of each chunk it meets (a range packs or gathers its chunks' B once for all its panels).
     * Ranges are balanced by that work: fewer chunks than threads, or chunks that do not divide,
     * split a chunk's panels between two threads (64x56-3s2-128: 17 panels of positions, in chunks
     * 6, 6 and 5 on two threads).
     */
    int[] parts(Chunks chunks, double prepare, int threads) {
        return parts(batch, chunks, prepare, threads);
    }

    /** As {@link #parts}, over the units of one image (for {@link #forEachItem(Workspace, int[], int, int, long, Item)}). */
    int[] imageParts(Chunks chunks, double prepare, int threads) {
        return parts(1, chunks, prepare, threads);
    }

    private int[] parts(int images, Chunks chunks, double prepare, int threads) {
        return Parallel.balancedRanges(images * groups * chunks.count() * mPanels, threads, (from, to) -> {
            double[] work = {0};
            forEachRun(from, to, (segment, p0, p1) ->
                    work[0] += (double) chunks.length(segment % chunks.count()) * k * ((p1 - p0) * width + prepare));
            return work[0];
        });
    }

    @FunctionalInterface
    private interface Run {
        /** Weight panels [p0, p1) of {@code segment}, the segment being (image * groups + group) * chunks + chunk. */
        void accept(int segment, int p0, int p1);
    }

    /** Units [from, to) as runs of consecutive weight panels of one segment (one chunk of one image and group). */
    private void forEachRun(int from, int to, Run run) {
        for (int u = from; u < to; ) {
            int segment = u / mPanels, end = Math.min(to, (segment + 1) * mPanels);
            run.accept(segment, u - segment * mPanels, end - segment * mPanels);
            u = end;
        }
    }

    /** Output positions cut into {@code count} chunks of {@code size} (the last may be shorter), {@code positions} in all. */
    record Chunks(int count, int size, int positions) {
        /**
         * Chunks of whole runs of {@code unit} positions (a tile panel), at most {@code maxUnits} per
         * chunk and as equal as whole runs allow: 17 panels in chunks of at most 8 are 6, 6 and 5.
         */
        static Chunks of(int positions, int unit, int maxUnits) {
            int units = ceilDiv(positions, unit), count = ceilDiv(units, maxUnits);
            int size = ceilDiv(units, count) * unit;
            return new Chunks(ceilDiv(positions, size), size, positions);
        }

        int start(int chunk) {
            return chunk * size;
        }

        int end(int chunk) {
            return Math.min(positions, start(chunk) + size);
        }

        int length(int chunk) {
            return end(chunk) - start(chunk);
        }

        private static int ceilDiv(int a, int b) {
            return (a + b - 1) / b;
        }
    }

    @FunctionalInterface
    interface Item {
        /** Weight panels [p0, p1) of one group of one image, for chunk {@code chunk} of output positions. */
        void run(int image, int group, int p0, int p1, int chunk, float[] scratch);
    }

    /** Runs the units of {@code parts} ({@link #parts}), each range as runs of panels of one chunk. */
    void forEachItem(Workspace ws, int[] parts, int chunks, long macs, Item body) {
        Parallel.forRanges(ws, parts, macs, (slot, from, to) -> forEachItem(from, to, chunks, ws.scratch(slot), body));
    }

    /** Runs the units of image {@code image} split by {@code parts} ({@link #imageParts}). */
    void forEachItem(Workspace ws, int[] parts, int image, int chunks, long macs, Item body) {
        int first = image * unitsPerImage(chunks);
        Parallel.forRanges(ws, parts, macs, (slot, from, to) ->
                forEachItem(first + from, first + to, chunks, ws.scratch(slot), body));
    }

    /** Runs every unit of image {@code image} on the calling thread. */
    void forEachItem(int image, int chunks, float[] scratch, Item body) {
        int units = unitsPerImage(chunks);
        forEachItem(image * units, (image + 1) * units, chunks, scratch, body);
    }

    private void forEachItem(int from, int to, int chunks, float[] scratch, Item body) {
        forEachRun(from, to, (segment, p0, p1) -> {
            int rest = segment / chunks;
            body.run(rest / groups, rest % groups, p0, p1, segment % chunks, scratch);
        });
    }

    private int unitsPerImage(int chunks) {
        return groups * chunks * mPanels;
    }

    /** Base of image {@code image}, group {@code g} in an NCHW tensor of {@code channels} planes of {@code plane}. */
    int planeBase(int image, int g, int channels, int channelsPerGroup, int plane) {
        return (image * channels + g * channelsPerGroup) * plane;
    }
}
