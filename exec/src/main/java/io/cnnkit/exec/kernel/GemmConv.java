package io.cnnkit.exec.kernel;

/**
 * What the GEMM-based convolution kernels share: the dimensions of the product of the weights
 * [Cout/g x K] and the im2col matrix [K x positions] per image and group, the weights (batchnorm
 * folded) packed into panels of {@code width} output channels in K blocks of {@code kc}
 * ({@link Sgemm#packPanels}), the epilogue, and the split of work items image x group x row block x
 * column chunk.
 */
record GemmConv(int batch, int cin, int cout, int groups, int cinG, int coutG, int k, int kc, int width, int mPanels,
                float[] packedWeights, float[] bias, boolean residual, boolean scalar, Epilogue epilogue) {
    /**
     * Most K-rows per block, K being split into equal blocks ({@link Sgemm#kBlock}): a block of one
     * packed panel (KC x NR floats, 16 KiB at 512 bits) stays in L1 (64, 128 and 192 measured
     * within 5% of each other).
     */
    static final int KC = 128;

    /** {@code width}: output channels per weight panel, MR when they are C's rows, NR when its columns. */
    static GemmConv of(int[] inShape, int[] outShape, Window w, int groups, Folding folded, Fusion fusion,
                       KernelOptions options, int width) {
        int cinG = inShape[1] / groups, coutG = outShape[1] / groups;
        int k = cinG * w.kh() * w.kw(), kc = Sgemm.kBlock(k, KC);
        return new GemmConv(inShape[0], inShape[1], outShape[1], groups, cinG, coutG, k, kc, width,
                (coutG + width - 1) / width,
                Sgemm.packPanels(folded.weights(), groups, coutG, k, width, kc), folded.bias(), fusion.residual(),
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
     * Row blocks per image and group: more than one only when there are fewer than
     * {@code itemsPerThread} column chunks per thread (five chunks on two threads split 3:2). Each
     * row block packs its B panels again, so kernels whose packing is dear ask for fewer items.
     */
    int rowBlocks(int chunks, int threads, int itemsPerThread) {
        int items = batch * groups * chunks, enough = itemsPerThread * threads;
        int wanted = threads == 1 || items >= enough ? 1 : (enough + items - 1) / items;
        return Math.min(mPanels, wanted);
    }

    @FunctionalInterface
    interface Item {
        /** Row panels [p0, p1) of one group of one image, for column chunk {@code chunk}. */
        void run(int image, int group, int p0, int p1, int chunk, float[] scratch);
    }

    void forEachItem(Workspace ws, int rowBlocks, int chunks, long macs, Item body) {
        int items = batch * groups * rowBlocks * chunks;
        int panelsPerBlock = (mPanels + rowBlocks - 1) / rowBlocks;
        Parallel.forRange(ws, items, macs / Math.max(1, items), (slot, from, to) -> {
            float[] scratch = ws.scratch(slot);
            for (int item = from; item < to; item++) {
                int chunk = item % chunks;
                int rest = item / chunks;
                int p0 = (rest % rowBlocks) * panelsPerBlock;
                rest /= rowBlocks;
                body.run(rest / groups, rest % groups, p0, Math.min(mPanels, p0 + panelsPerBlock), chunk, scratch);
            }
        });
    }

    /** Base of image {@code image}, group {@code g} in an NCHW tensor of {@code channels} planes of {@code plane}. */
    int planeBase(int image, int g, int channels, int channelsPerGroup, int plane) {
        return (image * channels + g * channelsPerGroup) * plane;
    }
}
