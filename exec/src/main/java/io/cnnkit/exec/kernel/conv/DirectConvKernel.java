package io.cnnkit.exec.kernel.conv;

import io.cnnkit.exec.Tensor;
import io.cnnkit.exec.kernel.Align;
import io.cnnkit.exec.kernel.Folding;
import io.cnnkit.exec.kernel.Fusion;
import io.cnnkit.exec.kernel.KernelOptions;
import io.cnnkit.exec.kernel.Simd;
import io.cnnkit.exec.kernel.Window;
import io.cnnkit.exec.kernel.gemm.Sgemm;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Direct convolution with output channels in the vectors: a tile is {@link #ROWS} consecutive
 * output columns of one output row times {@link #WIDTH} output channels (two vectors), and each of
 * its K steps broadcasts the seven inputs straight from the zero-padded phase planes ({@link
 * PhasePlanes}) at the K row's offset, against one packed row of weights; at column stride 2, where
 * some tiles read inside the input, every second float of the input where it lies, or for the tiles
 * that meet the padding of a zero-padded copy of its border ({@link BorderCopy}). Nothing is packed
 * per run besides that copy of the input, and a row of 7, 14, 28, 56 or 112 outputs (every map of the
 * zoo's networks) is cut into tiles without waste, where the implicit GEMM's 32-column panels
 * compute 64 positions for a 7x7 map's 49. The price: the tile is stored transposed. Where rows are
 * whole tiles and no residual is added, a chunk's positions are consecutive outputs and go out 16
 * positions x 16 channels per register transpose, after bias and activation on the accumulators;
 * otherwise channel by channel through the epilogue. A last channel panel of at most one vector of
 * the layer's channels (48 = 32 + 16) runs a tile of one vector ({@link #halfTile}). Work items are
 * chunks of at most {@link #TILES_PER_ITEM} tiles times a run of channel panels; within one, each K
 * block of a channel panel's weights is read once for all the item's tiles, whose accumulators
 * wait in the slot's scratch.
 */
final class DirectConvKernel extends CopiedInputConvKernel {
    private static final VectorSpecies<Float> S = Simd.S;
    private static final Class<? extends FloatVector> EXACT = Simd.EXACT;
    private static final int L = S.length();
    /** Output columns per tile. */
    static final int ROWS = 7;
    /** Output channels per tile: two vectors. */
    static final int WIDTH = 2 * L;
    private static final int TILE = ROWS * WIDTH;
    /** The tile as positions x channels, for the waste of a layer's output row and channels. */
    static final Sgemm.Shape SHAPE = new Sgemm.Shape(ROWS, WIDTH);
    /** Most tiles per chunk: their accumulators for every channel panel stay in L2. */
    private static final int TILES_PER_ITEM = 8;

    private final int tilesPerRow;
    /**
     * What the tiles read: the phase planes, or at column stride 2 the input where it lies and a
     * copy of its border ({@link #copyFor}); the other one is null.
     */
    private final PhasePlanes planes;
    private final BorderCopy border;
    private final int channelSize;
    /**
     * Whether a chunk's positions are consecutive outputs (rows a whole number of tiles) and no
     * residual is added: its accumulators then go out by 16x16 transposes.
     */
    private final boolean transposes;
    /** A chunk's position i at i · {@link #WIDTH} floats; channel j of the output at j · its plane. */
    private final int[] positionIndex = new int[16], planeIndex = new int[16];

    DirectConvKernel(int[] inShape, int[] outShape, Window w, int groups, Folding folded, Fusion fusion,
                     KernelOptions options) {
        this(inShape, outShape, w, groups, folded, fusion, options, null);
    }

    /** As above, {@code reuse}: a kernel no longer run whose packed weights this one may overwrite, or null. */
    DirectConvKernel(int[] inShape, int[] outShape, Window w, int groups, Folding folded, Fusion fusion,
                     KernelOptions options, GemmConvKernel reuse) {
        this(inShape, outShape, w, groups, folded, fusion, options, reuse, copyFor(w, inShape[1] / groups));
    }

    private DirectConvKernel(int[] inShape, int[] outShape, Window w, int groups, Folding folded, Fusion fusion,
                             KernelOptions options, GemmConvKernel reuse, InputCopy copy) {
        super(inShape, outShape, w, groups, folded, fusion, options, WIDTH, copy,
                GemmConv.Chunks.of(w.outH() * tilesPerRow(w) * ROWS, ROWS, TILES_PER_ITEM), 0, reuse);
        this.planes = copy instanceof PhasePlanes phases ? phases : null;
        this.border = copy instanceof BorderCopy borders ? borders : null;
        this.channelSize = copy.channelSize();
        this.tilesPerRow = tilesPerRow(w);
        this.transposes = transposes(w, g.residual()) && !g.scalar();
        for (int i = 0; i < 16; i++) {
            positionIndex[i] = i * WIDTH;
            planeIndex[i] = i * w.outSize();
        }
    }

    /** Whether a layer's tiles go out by 16x16 transposes: 512 bits, rows of whole tiles, no residual. */
    static boolean transposes(Window w, boolean residual) {
        return WIDTH == 32 && w.outW() % ROWS == 0 && !residual;
    }

    /** Accumulators of every tile and channel panel of an item, then 256 floats for the transposes. */
    @Override
    public int scratchPerSlot() {
        return TILES_PER_ITEM * g.mPanels() * TILE + 256;   // the workspace adds Align.FLOATS in front
    }

    /**
     * The copy of its input that a layer's tiles read: the border only at column stride 2 where
     * some tiles read inside the input, else the phase planes. Where every tile meets the padding
     * (7x7 outputs) the border copy is a whole padded copy, which ran ResNet-18's 256x14-3s2 3-8%
     * slower on two threads.
     */
    private static InputCopy copyFor(Window w, int cinG) {
        return w.sw() == 2 && BorderCopy.readsInPlace(w, ROWS) ? new BorderCopy(w, cinG, ROWS)
                : new PhasePlanes(w, cinG);
    }

    private static int tilesPerRow(Window w) {
        return (w.outW() + ROWS - 1) / ROWS;
    }

    /** Tiles of chunk {@code chunk} for channel panels [q0, q1) of one image and group. */
    @Override
    void compute(Tensor x, float[] copied, int copyAt, Tensor res, Tensor out, int image, int group, int q0, int q1,
                 int chunk, float[] scratch) {
        int t0 = chunks.start(chunk) / ROWS, t1 = chunks.end(chunk) / ROWS;
        int copyBase = copyAt + g.planeBase(0, group, g.cin(), g.cinG(), channelSize);
        int inputBase = x.offset() + g.planeBase(image, group, g.cin(), g.cinG(), w.inH() * w.inW());
        int k = g.k(), kc = g.kc();
        for (int k0 = 0; k0 < k; k0 += kc) {
            int steps = Math.min(kc, k - k0);
            for (int q = q0; q < q1; q++) {
                int wAt = g.weightsAt(group, q, k0);
                for (int t = t0; t < t1; t++) {
                    int oy = t / tilesPerRow, j = t % tilesPerRow;
                    int acc = accumulatorsAt(q - q0, t - t0);
                    if (border != null) {
                        // a last panel of one vector of channels runs the whole tile on zero weights here
                        boolean inside = border.interior(oy, j);
                        float[] src = inside ? x.data() : copied;
                        int at = inside ? inputBase + border.inputAt(oy, j) : copyBase + border.copyAt(oy, j);
                        int[] offsets = inside ? border.inputOffsets() : border.copyOffsets();
                        if (g.scalar()) {
                            tileScalar(src, at, 2, offsets, k0, steps, g.packedWeights(), wAt, scratch, acc, k0 > 0);
                        } else {
                            tileStride2(src, at, offsets, k0, steps, g.packedWeights(), wAt, scratch, acc, k0 > 0);
                        }
                        continue;
                    }
                    int at = copyBase + oy * planes.width() + j * ROWS;
                    int[] offsets = planes.offsets();
                    if (g.scalar()) {
                        tileScalar(copied, at, 1, offsets, k0, steps, g.packedWeights(), wAt, scratch, acc, k0 > 0);
                    } else if (g.coutG() - q * WIDTH <= L) {
                        halfTile(copied, at, offsets, k0, steps, g.packedWeights(), wAt, scratch, acc, k0 > 0);
                    } else {
                        tile(copied, at, offsets, k0, steps, g.packedWeights(), wAt, scratch, acc, k0 > 0);
                    }
                }
            }
        }
        for (int q = q0; q < q1; q++) {
            int channels = Math.min(WIDTH, g.coutG() - q * WIDTH);
            if (transposes && channels % L == 0 && (t1 - t0) * ROWS >= 16) {
                storeChunk(scratch, accumulatorsAt(q - q0, 0), q, channels, t0 * ROWS, (t1 - t0) * ROWS, image, group,
                        out, Align.FLOATS + TILES_PER_ITEM * g.mPanels() * TILE);
                continue;
            }
            for (int t = t0; t < t1; t++) {
                store(scratch, accumulatorsAt(q - q0, t - t0), q, t, image, group, res, out);
            }
        }
    }

    /**
     * A chunk's finished tiles of channel panel q, {@code positions} consecutive outputs from
     * {@code first} as [position][32 channels] at {@code acc}, of which the first {@code channels}
     * (16 or 32) are the layer's: bias and activation in place, then 16 positions x 16 channels per
     * transpose (the last 16 positions overlap the ones before).
     */
    private void storeChunk(float[] scratch, int acc, int q, int channels, int first, int positions, int image,
                            int group, Tensor out, int tmp) {
        int c0 = group * g.coutG() + q * WIDTH;
        g.epilogue().applyInPlace(scratch, acc, WIDTH, positions, channels, g.bias(), c0);
        BlockedDepthwiseConvKernel.transposeToPlanes(scratch, acc, positionIndex, positions, channels, out.data(),
                out.offset() + (image * g.cout() + c0) * w.outSize() + first, planeIndex, scratch, tmp);
    }

    /** Where the accumulators of channel panel q0 + dq and tile t0 + dt of an item start in the scratch. */
    private static int accumulatorsAt(int dq, int dt) {
        return Align.FLOATS + (dq * TILES_PER_ITEM + dt) * TILE;
    }

    /** The finished tile at {@code acc} ([ROWS][WIDTH]) to the output; columns past the row's end are dropped. */
    private void store(float[] scratch, int acc, int q, int t, int image, int group, Tensor res, Tensor out) {
        int oy = t / tilesPerRow, ox = (t % tilesPerRow) * ROWS;
        int c0 = group * g.coutG() + q * WIDTH;
        int at = (image * g.cout() + c0) * w.outSize() + oy * w.outW() + ox;
        g.epilogue().applyTransposed(scratch, acc, WIDTH, Math.min(ROWS, w.outW() - ox),
                Math.min(WIDTH, g.coutG() - q * WIDTH), g.bias(), c0, out.data(), out.offset() + at, w.outSize(),
                res == null ? null : res.data(), res == null ? 0 : res.offset() + at);
    }

    /**
     * One tile over K rows [k0, k0 + kc): c[r][j] (+)= sum over kk of x[at + r + offsets[kk]] *
     * w[wAt + (kk - k0) * WIDTH + j]. Written out in one method: on JDK 17 a FloatVector passed to
     * a helper is boxed. The stores go through {@link Simd#EXACT}, as in {@link Sgemm}.
     */
    private static void tile(float[] x, int at, int[] offsets, int k0, int kc, float[] w, int wAt, float[] c, int co,
                             boolean accumulate) {
        FloatVector c00 = accumulate ? FloatVector.fromArray(S, c, co) : FloatVector.zero(S);
        FloatVector c01 = accumulate ? FloatVector.fromArray(S, c, co + L) : FloatVector.zero(S);
        FloatVector c10 = accumulate ? FloatVector.fromArray(S, c, co + WIDTH) : FloatVector.zero(S);
        FloatVector c11 = accumulate ? FloatVector.fromArray(S, c, co + WIDTH + L) : FloatVector.zero(S);
        FloatVector c20 = accumulate ? FloatVector.fromArray(S, c, co + 2 * WIDTH) : FloatVector.zero(S);
        FloatVector c21 = accumulate ? FloatVector.fromArray(S, c, co + 2 * WIDTH + L) : FloatVector.zero(S);
        FloatVector c30 = accumulate ? FloatVector.fromArray(S, c, co + 3 * WIDTH) : FloatVector.zero(S);
        FloatVector c31 = accumulate ? FloatVector.fromArray(S, c, co + 3 * WIDTH + L) : FloatVector.zero(S);
        FloatVector c40 = accumulate ? FloatVector.fromArray(S, c, co + 4 * WIDTH) : FloatVector.zero(S);
        FloatVector c41 = accumulate ? FloatVector.fromArray(S, c, co + 4 * WIDTH + L) : FloatVector.zero(S);
        FloatVector c50 = accumulate ? FloatVector.fromArray(S, c, co + 5 * WIDTH) : FloatVector.zero(S);
        FloatVector c51 = accumulate ? FloatVector.fromArray(S, c, co + 5 * WIDTH + L) : FloatVector.zero(S);
        FloatVector c60 = accumulate ? FloatVector.fromArray(S, c, co + 6 * WIDTH) : FloatVector.zero(S);
        FloatVector c61 = accumulate ? FloatVector.fromArray(S, c, co + 6 * WIDTH + L) : FloatVector.zero(S);
        for (int kk = 0; kk < kc; kk++) {
            int xk = at + offsets[k0 + kk];
            int wk = wAt + kk * WIDTH;
            FloatVector w0 = FloatVector.fromArray(S, w, wk);
            FloatVector w1 = FloatVector.fromArray(S, w, wk + L);
            FloatVector x0 = FloatVector.broadcast(S, x[xk]);
            c00 = x0.fma(w0, c00);
            c01 = x0.fma(w1, c01);
            FloatVector x1 = FloatVector.broadcast(S, x[xk + 1]);
            c10 = x1.fma(w0, c10);
            c11 = x1.fma(w1, c11);
            FloatVector x2 = FloatVector.broadcast(S, x[xk + 2]);
            c20 = x2.fma(w0, c20);
            c21 = x2.fma(w1, c21);
            FloatVector x3 = FloatVector.broadcast(S, x[xk + 3]);
            c30 = x3.fma(w0, c30);
            c31 = x3.fma(w1, c31);
            FloatVector x4 = FloatVector.broadcast(S, x[xk + 4]);
            c40 = x4.fma(w0, c40);
            c41 = x4.fma(w1, c41);
            FloatVector x5 = FloatVector.broadcast(S, x[xk + 5]);
            c50 = x5.fma(w0, c50);
            c51 = x5.fma(w1, c51);
            FloatVector x6 = FloatVector.broadcast(S, x[xk + 6]);
            c60 = x6.fma(w0, c60);
            c61 = x6.fma(w1, c61);
        }
        EXACT.cast(c00).intoArray(c, co);
        EXACT.cast(c01).intoArray(c, co + L);
        EXACT.cast(c10).intoArray(c, co + WIDTH);
        EXACT.cast(c11).intoArray(c, co + WIDTH + L);
        EXACT.cast(c20).intoArray(c, co + 2 * WIDTH);
        EXACT.cast(c21).intoArray(c, co + 2 * WIDTH + L);
        EXACT.cast(c30).intoArray(c, co + 3 * WIDTH);
        EXACT.cast(c31).intoArray(c, co + 3 * WIDTH + L);
        EXACT.cast(c40).intoArray(c, co + 4 * WIDTH);
        EXACT.cast(c41).intoArray(c, co + 4 * WIDTH + L);
        EXACT.cast(c50).intoArray(c, co + 5 * WIDTH);
        EXACT.cast(c51).intoArray(c, co + 5 * WIDTH + L);
        EXACT.cast(c60).intoArray(c, co + 6 * WIDTH);
        EXACT.cast(c61).intoArray(c, co + 6 * WIDTH + L);
    }

    /**
     * {@link #tile} on inputs two floats apart: x[at + 2r + offsets[kk]] for the tile's column r, a
     * layer of column stride 2 read where its input lies or from its border copy ({@link BorderCopy}).
     * A method of its own so that the offsets stay constants: C2 then checks only the first and last
     * broadcast's index per K step (39 instructions per K step on Temurin 25, as {@link #tile}).
     */
    private static void tileStride2(float[] x, int at, int[] offsets, int k0, int kc, float[] w, int wAt, float[] c,
                                    int co, boolean accumulate) {
        FloatVector c00 = accumulate ? FloatVector.fromArray(S, c, co) : FloatVector.zero(S);
        FloatVector c01 = accumulate ? FloatVector.fromArray(S, c, co + L) : FloatVector.zero(S);
        FloatVector c10 = accumulate ? FloatVector.fromArray(S, c, co + WIDTH) : FloatVector.zero(S);
        FloatVector c11 = accumulate ? FloatVector.fromArray(S, c, co + WIDTH + L) : FloatVector.zero(S);
        FloatVector c20 = accumulate ? FloatVector.fromArray(S, c, co + 2 * WIDTH) : FloatVector.zero(S);
        FloatVector c21 = accumulate ? FloatVector.fromArray(S, c, co + 2 * WIDTH + L) : FloatVector.zero(S);
        FloatVector c30 = accumulate ? FloatVector.fromArray(S, c, co + 3 * WIDTH) : FloatVector.zero(S);
        FloatVector c31 = accumulate ? FloatVector.fromArray(S, c, co + 3 * WIDTH + L) : FloatVector.zero(S);
        FloatVector c40 = accumulate ? FloatVector.fromArray(S, c, co + 4 * WIDTH) : FloatVector.zero(S);
        FloatVector c41 = accumulate ? FloatVector.fromArray(S, c, co + 4 * WIDTH + L) : FloatVector.zero(S);
        FloatVector c50 = accumulate ? FloatVector.fromArray(S, c, co + 5 * WIDTH) : FloatVector.zero(S);
        FloatVector c51 = accumulate ? FloatVector.fromArray(S, c, co + 5 * WIDTH + L) : FloatVector.zero(S);
        FloatVector c60 = accumulate ? FloatVector.fromArray(S, c, co + 6 * WIDTH) : FloatVector.zero(S);
        FloatVector c61 = accumulate ? FloatVector.fromArray(S, c, co + 6 * WIDTH + L) : FloatVector.zero(S);
        for (int kk = 0; kk < kc; kk++) {
            int xk = at + offsets[k0 + kk];
            int wk = wAt + kk * WIDTH;
            FloatVector w0 = FloatVector.fromArray(S, w, wk);
            FloatVector w1 = FloatVector.fromArray(S, w, wk + L);
            FloatVector x0 = FloatVector.broadcast(S, x[xk]);
            c00 = x0.fma(w0, c00);
            c01 = x0.fma(w1, c01);
            FloatVector x1 = FloatVector.broadcast(S, x[xk + 2]);
            c10 = x1.fma(w0, c10);
            c11 = x1.fma(w1, c11);
            FloatVector x2 = FloatVector.broadcast(S, x[xk + 4]);
            c20 = x2.fma(w0, c20);
            c21 = x2.fma(w1, c21);
            FloatVector x3 = FloatVector.broadcast(S, x[xk + 6]);
            c30 = x3.fma(w0, c30);
            c31 = x3.fma(w1, c31);
            FloatVector x4 = FloatVector.broadcast(S, x[xk + 8]);
            c40 = x4.fma(w0, c40);
            c41 = x4.fma(w1, c41);
            FloatVector x5 = FloatVector.broadcast(S, x[xk + 10]);
            c50 = x5.fma(w0, c50);
            c51 = x5.fma(w1, c51);
            FloatVector x6 = FloatVector.broadcast(S, x[xk + 12]);
            c60 = x6.fma(w0, c60);
            c61 = x6.fma(w1, c61);
        }
        EXACT.cast(c00).intoArray(c, co);
        EXACT.cast(c01).intoArray(c, co + L);
        EXACT.cast(c10).intoArray(c, co + WIDTH);
        EXACT.cast(c11).intoArray(c, co + WIDTH + L);
        EXACT.cast(c20).intoArray(c, co + 2 * WIDTH);
        EXACT.cast(c21).intoArray(c, co + 2 * WIDTH + L);
        EXACT.cast(c30).intoArray(c, co + 3 * WIDTH);
        EXACT.cast(c31).intoArray(c, co + 3 * WIDTH + L);
        EXACT.cast(c40).intoArray(c, co + 4 * WIDTH);
        EXACT.cast(c41).intoArray(c, co + 4 * WIDTH + L);
        EXACT.cast(c50).intoArray(c, co + 5 * WIDTH);
        EXACT.cast(c51).intoArray(c, co + 5 * WIDTH + L);
        EXACT.cast(c60).intoArray(c, co + 6 * WIDTH);
        EXACT.cast(c61).intoArray(c, co + 6 * WIDTH + L);
    }

    /**
     * {@link #tile} for a last channel panel of at most one vector of the layer's channels (48 output
     * channels: 32 + 16): only the first vector of each weight row and of each position's
     * accumulators, half the multiply-adds of a whole tile for the same broadcasts.
     */
    private static void halfTile(float[] x, int at, int[] offsets, int k0, int kc, float[] w, int wAt, float[] c,
                                 int co, boolean accumulate) {
        FloatVector c0 = accumulate ? FloatVector.fromArray(S, c, co) : FloatVector.zero(S);
        FloatVector c1 = accumulate ? FloatVector.fromArray(S, c, co + WIDTH) : FloatVector.zero(S);
        FloatVector c2 = accumulate ? FloatVector.fromArray(S, c, co + 2 * WIDTH) : FloatVector.zero(S);
        FloatVector c3 = accumulate ? FloatVector.fromArray(S, c, co + 3 * WIDTH) : FloatVector.zero(S);
        FloatVector c4 = accumulate ? FloatVector.fromArray(S, c, co + 4 * WIDTH) : FloatVector.zero(S);
        FloatVector c5 = accumulate ? FloatVector.fromArray(S, c, co + 5 * WIDTH) : FloatVector.zero(S);
        FloatVector c6 = accumulate ? FloatVector.fromArray(S, c, co + 6 * WIDTH) : FloatVector.zero(S);
        for (int kk = 0; kk < kc; kk++) {
            int xk = at + offsets[k0 + kk];
            FloatVector w0 = FloatVector.fromArray(S, w, wAt + kk * WIDTH);
            c0 = FloatVector.broadcast(S, x[xk]).fma(w0, c0);
            c1 = FloatVector.broadcast(S, x[xk + 1]).fma(w0, c1);
            c2 = FloatVector.broadcast(S, x[xk + 2]).fma(w0, c2);
            c3 = FloatVector.broadcast(S, x[xk + 3]).fma(w0, c3);
            c4 = FloatVector.broadcast(S, x[xk + 4]).fma(w0, c4);
            c5 = FloatVector.broadcast(S, x[xk + 5]).fma(w0, c5);
            c6 = FloatVector.broadcast(S, x[xk + 6]).fma(w0, c6);
        }
        EXACT.cast(c0).intoArray(c, co);
        EXACT.cast(c1).intoArray(c, co + WIDTH);
        EXACT.cast(c2).intoArray(c, co + 2 * WIDTH);
        EXACT.cast(c3).intoArray(c, co + 3 * WIDTH);
        EXACT.cast(c4).intoArray(c, co + 4 * WIDTH);
        EXACT.cast(c5).intoArray(c, co + 5 * WIDTH);
        EXACT.cast(c6).intoArray(c, co + 6 * WIDTH);
    }

    /** {@link #tile} and {@link #tileStride2} in plain Java, inputs {@code stride} apart: the forced-scalar path. */
    private static void tileScalar(float[] x, int at, int stride, int[] offsets, int k0, int kc, float[] w, int wAt,
                                   float[] c, int co, boolean accumulate) {
        if (!accumulate) {
            java.util.Arrays.fill(c, co, co + TILE, 0f);
        }
        for (int kk = 0; kk < kc; kk++) {
            int xk = at + offsets[k0 + kk];
            int wk = wAt + kk * WIDTH;
            for (int r = 0; r < ROWS; r++) {
                float xv = x[xk + r * stride];
                for (int j = 0; j < WIDTH; j++) {
                    c[co + r * WIDTH + j] += xv * w[wk + j];
                }
            }
        }
    }
}
