package io.cnnkit.exec.kernel.conv;

import io.cnnkit.exec.Tensor;
import io.cnnkit.exec.kernel.Epilogue;
import io.cnnkit.exec.kernel.Folding;
import io.cnnkit.exec.kernel.Fusion;
import io.cnnkit.exec.kernel.Kernel;
import io.cnnkit.exec.kernel.Kernels;
import io.cnnkit.exec.kernel.Parallel;
import io.cnnkit.exec.kernel.Simd;
import io.cnnkit.exec.kernel.Window;
import io.cnnkit.exec.kernel.Workspace;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Depthwise convolution (one output channel per input channel) in a channel-blocked layout, for
 * maps whose rows fill little of a vector: the channels are taken 16 at a time, one per lane of a
 * 512-bit vector, as ONNX Runtime's NCHWc layout does. Per block, the input planes are transposed
 * 16 positions at a time (16x16 in registers) into a zero-padded tile {@code [inH + pads][inW +
 * pads][16]}; each output position is then kh·kw multiply-adds of whole vectors (weights arranged
 * {@code [block][tap][16]} at preparation), for any stride and dilation, into an output tile
 * {@code [position][16]}. With no activation or a piecewise-linear one and no residual, bias and
 * activation are applied to its vectors and it is transposed back into the NCHW planes; otherwise
 * it is transposed into one run per channel, which the epilogue (bias, residual, activation)
 * writes out. The last block when the channels are not a multiple of 16, and planes of fewer than
 * 16 positions, use scalar copies instead of the transposes. Past 56x56 the map goes in bands of
 * output rows ({@link #bandRows}), each with a tile of its own input rows: the rows two bands
 * share move up the tile rather than being copied in again. On one or two blocks and two threads,
 * threads take parts of the map (bands) as well as blocks.
 */
final class BlockedDepthwiseConvKernel implements Kernel {
    private static final VectorSpecies<Float> S = Simd.S;
    /** Channels per block: the lanes of a 512-bit vector, the only width this kernel runs at. */
    static final int L = 16;
    /** The system property that forces a depthwise kernel: {@code blocked}, {@code rows} or {@code auto} (the default). */
    static final String PROPERTY = "cnnkit.depthwise";
    /** The padded input tile of a whole map up to half a core's L2 (every map up to 56x56): one band. */
    static final long WHOLE_MAP_BYTES = 512 << 10;
    /** A band's padded input tile on larger maps. */
    static final long BAND_BYTES = 64 << 10;
    /** Lane i ↔ lane i xor h, and the lanes whose bit h is set: one stage of the 16x16 transpose. */
    private static final VectorShuffle<Float> X1 = xor(1), X2 = xor(2), X4 = xor(4), X8 = xor(8);
    private static final VectorMask<Float> M1 = bit(1), M2 = bit(2), M4 = bit(4), M8 = bit(8);

    private final int[] outShape;
    private final Window w;
    private final int batch, channels, blocks, taps, inPlane, outPlane;
    /** Weights as {@code [block][tap][lane]}, zeros past the last channel. */
    private final float[] blockedWeights;
    private final float[] bias;
    private final boolean residual;
    /**
     * Whether the activation is piecewise linear (or none): applied to the output tile's vectors in
     * place. A smooth one (silu, hardswish, ...) ran 2.5× slower per element there (inlined into
     * {@link #block}) than in {@link Epilogue#apply} on each channel's run, which it takes instead.
     */
    private final boolean piecewise;
    private final Epilogue epilogue;
    /**
     * Output rows per band, the bands, and the parts of the map that threads take separately (each
     * part's bands in order): the whole map is one band where its padded tile fits {@link
     * #WHOLE_MAP_BYTES}; larger maps go in bands whose tiles fit {@link #BAND_BYTES}.
     */
    private final int bandRows, bands, parts;
    /** Input rows a band reads that the next band reads again: moved up the tile, not copied twice. */
    private final int carriedRows;
    /**
     * The padded tile's row length (positions) and floats per row; its floats (one band's input
     * rows); and the output tile's positions (one band's) rounded up to whole vectors.
     */
    private final int paddedW, rowFloats, inTile, outRun;
    /** Each tap's offset in the input tile (floats). */
    private final int[] tapOffsets;
    /** Each input position's offset in the padded tile (floats). */
    private final int[] tilePositions;
    /**
     * Transpose offsets: a block's channel planes (lane c at c·inH·inW; the last block's lanes past
     * the channels repeat its first plane), the positions of the output tile (i·16), the output's
     * channel planes (c·outH·outW) and the per-channel runs in scratch (c·outRun).
     */
    private final int[] planeIndex, lastPlaneIndex, positionIndex, outPlaneIndex, runIndex;

    BlockedDepthwiseConvKernel(int[] inShape, int[] outShape, Window w, Folding folded, Fusion fusion, int threads) {
        this(inShape, outShape, w, folded, fusion, threads, bandRows(w));
    }

    /** With {@code bandRows} output rows per band (the last band may have fewer). */
    BlockedDepthwiseConvKernel(int[] inShape, int[] outShape, Window w, Folding folded, Fusion fusion, int threads,
                               int bandRows) {
        if (!applies(inShape, outShape)) {
            throw new IllegalArgumentException("the channel-blocked depthwise kernel needs 512-bit vectors and no "
                    + "channel multiplier");
        }
        this.outShape = outShape.clone();
        this.w = w;
        this.batch = inShape[0];
        this.channels = inShape[1];
        this.blocks = (channels + L - 1) / L;
        this.taps = w.kh() * w.kw();
        this.inPlane = w.inH() * w.inW();
        this.outPlane = w.outSize();
        this.bias = folded.bias();
        this.residual = fusion.residual();
        this.piecewise = switch (fusion.activation().kind()) {
            case NONE, RELU, RELU6, LEAKY_RELU -> true;
            default -> false;
        };
        this.epilogue = new Epilogue(fusion.activation(), false);
        float[] weights = folded.weights();
        this.blockedWeights = new float[blocks * taps * L];
        for (int c = 0; c < channels; c++) {
            for (int t = 0; t < taps; t++) {
                blockedWeights[(c / L * taps + t) * L + c % L] = weights[c * taps + t];
            }
        }
        this.bands = (w.outH() + bandRows - 1) / bandRows;
        this.bandRows = (w.outH() + bands - 1) / bands;
        int images = batch * blocks;
        this.parts = threads > 1 && images < 4 * threads ? Math.min(bands, (4 * threads + images - 1) / images) : 1;
        this.carriedRows = Math.max(0, tileRows(this.bandRows) - this.bandRows * w.sh());
        this.paddedW = w.inW() + w.padLeft() + w.padRight();
        this.rowFloats = paddedW * L;
        this.inTile = tileRows(this.bandRows) * rowFloats;
        this.outRun = (this.bandRows * w.outW() + L - 1) / L * L;
        this.tapOffsets = new int[taps];
        for (int t = 0; t < taps; t++) {
            tapOffsets[t] = (t / w.kw() * w.dh() * paddedW + t % w.kw() * w.dw()) * L;
        }
        this.tilePositions = new int[inPlane];
        for (int p = 0; p < inPlane; p++) {
            tilePositions[p] = ((p / w.inW() + w.padTop()) * paddedW + p % w.inW() + w.padLeft()) * L;
        }
        int last = channels - (blocks - 1) * L;
        this.planeIndex = new int[L];
        this.lastPlaneIndex = new int[L];
        this.positionIndex = new int[L];
        this.outPlaneIndex = new int[L];
        this.runIndex = new int[L];
        for (int c = 0; c < L; c++) {
            planeIndex[c] = c * inPlane;
            lastPlaneIndex[c] = c < last ? c * inPlane : 0;
            positionIndex[c] = c * L;
            outPlaneIndex[c] = c * outPlane;
            runIndex[c] = c * outRun;
        }
    }

    /** Input rows a band of {@code rows} output rows reads, padding included. */
    private int tileRows(int rows) {
        return (rows - 1) * w.sh() + (w.kh() - 1) * w.dh() + 1;
    }

    /**
     * Output rows per band: the whole map where its padded input tile takes at most {@link
     * #WHOLE_MAP_BYTES}, otherwise as many rows as keep a band's tile within {@link #BAND_BYTES}.
     */
    static int bandRows(Window w) {
        long row = (long) (w.inW() + w.padLeft() + w.padRight()) * L * Float.BYTES;
        if ((w.inH() + w.padTop() + w.padBottom()) * row <= WHOLE_MAP_BYTES) {
            return w.outH();
        }
        long rows = BAND_BYTES / row - (w.kh() - 1) * w.dh() - 1;
        return (int) Math.max(1, Math.min(w.outH(), rows / w.sh() + 1));
    }

    /** Whether this kernel computes the layer: depthwise without a channel multiplier, at 512 bits. */
    static boolean applies(int[] inShape, int[] outShape) {
        return S.length() == L && inShape[1] == outShape[1];
    }

    /**
     * Whether a depthwise layer runs on this kernel rather than {@link DepthwiseConvKernel}: as
     * {@link #pays} says, or as the system property {@value #PROPERTY} forces ({@code blocked}
     * wherever it applies, {@code rows} nowhere), to compare the two in a network.
     */
    static boolean chosen(int[] inShape, int[] outShape, Window w) {
        String forced = System.getProperty(PROPERTY, "auto");
        return switch (forced) {
            case "blocked" -> applies(inShape, outShape);
            case "rows" -> false;
            default -> pays(inShape, outShape, w);
        };
    }

    /**
     * Whether this kernel was measured faster than {@link DepthwiseConvKernel}'s flat rows for the
     * layer: where its padded input tile takes at most 512 KiB, half a core's L2 (every map up to
     * 56x56, 3x3 and 5x5, stride 1 and 2). On 112x112 maps (830 KB) the rows were as fast or faster,
     * in bands too (MobileNet-v2's 32-channel 3x3: 0.53 ms against 0.34); the bands serve {@link
     * ExpandDepthwiseConvKernel}, where they save the expand's trip through memory.
     */
    static boolean pays(int[] inShape, int[] outShape, Window w) {
        long tile = (long) (w.inH() + w.padTop() + w.padBottom()) * (w.inW() + w.padLeft() + w.padRight()) * L;
        return applies(inShape, outShape) && tile * Float.BYTES <= 512 << 10;
    }

    private static VectorShuffle<Float> xor(int h) {
        return VectorShuffle.fromOp(S, i -> i ^ h);
    }

    private static VectorMask<Float> bit(int h) {
        boolean[] set = new boolean[S.length()];
        for (int i = 0; i < set.length; i++) {
            set[i] = (i & h) != 0;
        }
        return VectorMask.fromArray(S, set, 0);
    }

    @Override
    public int scratchPerSlot() {
        return inTile + workFloats();
    }

    @Override
    public int[] outputShape() {
        return outShape.clone();
    }

    @Override
    public long macs() {
        return (long) batch * channels * outPlane * taps;
    }

    @Override
    public void run(Tensor[] inputs, Tensor output, Workspace ws) {
        Tensor x = inputs[0];
        Tensor res = residual ? inputs[1] : null;
        Parallel.forRange(ws, batch * blocks * parts, (long) L * outPlane * taps / parts, (slot, from, to) -> {
            float[] scratch = ws.scratch(slot);
            zeroPadding(scratch, Kernels.ALIGNED_START);
            for (int unit = from; unit < to; unit++) {
                int part = unit % parts, imageBlock = unit / parts;
                blockPart(x, res, output, imageBlock / blocks, imageBlock % blocks, part, scratch);
            }
        });
    }

    /**
     * The left and right padding of the input tile at {@code in}: never written by the copies, so
     * zeroed once per range (rows of padding above and below the map are zeroed per band).
     */
    void zeroPadding(float[] scratch, int in) {
        for (int at = in; at < in + inTile; at += rowFloats) {
            Arrays.fill(scratch, at, at + w.padLeft() * L, 0f);
            Arrays.fill(scratch, at + (w.padLeft() + w.inW()) * L, at + rowFloats, 0f);
        }
    }

    private void blockPart(Tensor x, Tensor res, Tensor out, int image, int block, int part, float[] scratch) {
        int in = Kernels.ALIGNED_START, tile = in + inTile;
        int c0 = block * L, valid = Math.min(L, channels - c0);
        int src = x.offset() + (image * channels + c0) * inPlane;
        for (int band = firstBand(part); band < firstBand(part + 1); band++) {
            int from = startBand(scratch, in, band, band > firstBand(part));
            int rowA = Math.max(0, firstRow(band) + from), rowB = lastRow(band);
            if (rowA < rowB) {
                copyIn(x.data(), src, valid, scratch, in - bandShift(band), rowA * w.inW(), rowB * w.inW(),
                        tile + 2 * outRun * L);
            }
            convolveAndStore(res, out, image, block, band, scratch, in, tile);
        }
    }

    /** Input rows a band's tile holds, padding included: the most input rows a band fills. */
    int bandInputRows() {
        return tileRows(bandRows);
    }

    /** The bands, and the first band of each part (of {@code parts}) and past the last. */
    int bands() {
        return bands;
    }

    int firstBand(int part) {
        return part * bands / parts;
    }

    /** The input row (of the map; negative in the top padding) of a band's tile's first row. */
    int firstRow(int band) {
        return band * bandRows * w.sh() - w.padTop();
    }

    /** Past the last input row of the map a band reads. */
    int lastRow(int band) {
        int rows = Math.min(bandRows, w.outH() - band * bandRows);
        return Math.min(w.inH(), firstRow(band) + tileRows(rows));
    }

    /**
     * How far a band's tile sits from the whole padded map's ({@link #tilePositions} are the
     * latter's offsets): position p of the map goes to {@code in - bandShift + tilePositions[p]}.
     */
    int bandShift(int band) {
        return (firstRow(band) + w.padTop()) * rowFloats;
    }

    /**
     * Readies the tile at {@code in} for a band: with {@code carried}, moves up the rows the
     * previous band (in the tile) shares with it; zeroes the rows past it that lie in the padding
     * above or below the map. Returns the first tile row left to fill from the input.
     */
    int startBand(float[] scratch, int in, int band, boolean carried) {
        int from = carried ? carriedRows : 0;
        if (from > 0) {
            System.arraycopy(scratch, in + bandRows * w.sh() * rowFloats, scratch, in, from * rowFloats);
        }
        int rows = tileRows(Math.min(bandRows, w.outH() - band * bandRows)), top = firstRow(band);
        for (int r = from; r < rows; r++) {
            if (top + r < 0 || top + r >= w.inH()) {
                Arrays.fill(scratch, in + r * rowFloats, in + (r + 1) * rowFloats, 0f);
            }
        }
        return from;
    }

    /** Floats of the padded input tile of one block. */
    int inTile() {
        return inTile;
    }

    /** Floats {@link #convolveAndStore} needs past the input tile: the output tile, the per-channel runs, the transpose's. */
    int workFloats() {
        return outRun * L + outRun * L + L * L;
    }

    /** Each input position's offset in the padded tile (floats); the caller must not change it. */
    int[] tilePositions() {
        return tilePositions;
    }

    /**
     * A band's taps on the padded input tile at {@code in} (filled and padded by the caller), then
     * bias, residual and activation into its rows of the output planes, using {@link #workFloats}
     * of scratch at {@code tile}.
     */
    void convolveAndStore(Tensor res, Tensor out, int image, int block, int band, float[] scratch, int in,
                          int tile) {
        int runs = tile + outRun * L, tmp = runs + outRun * L;
        int c0 = block * L, valid = Math.min(L, channels - c0);
        int wAt = block * taps * L;
        int rows = Math.min(bandRows, w.outH() - band * bandRows), positions = rows * w.outW();
        if (taps == 9) {
            convolve3x3(scratch, in, tile, wAt, rows);
        } else {
            convolve(scratch, in, tile, wAt, rows);
        }
        int first = band * bandRows * w.outW();
        int dst = out.offset() + (image * channels + c0) * outPlane + first;
        boolean whole = valid == L && positions >= L;
        if (whole && res == null && piecewise) {
            // bias and a piecewise-linear activation on the output vectors, then a transpose out
            epilogue.applyInPlace(scratch, tile, L, positions, L, bias, c0);
            transposeToPlanes(scratch, tile, positionIndex, positions, L, out.data(), dst, outPlaneIndex, scratch, tmp);
            return;
        }
        if (whole) {
            transposeToPlanes(scratch, tile, positionIndex, positions, L, scratch, runs, runIndex, scratch, tmp);
        } else {
            for (int j = 0; j < valid; j++) {
                for (int p = 0; p < positions; p++) {
                    scratch[runs + j * outRun + p] = scratch[tile + p * L + j];
                }
            }
        }
        float[] r = res == null ? null : res.data();
        int resAt = res == null ? 0 : res.offset() + (image * channels + c0) * outPlane + first;
        for (int j = 0; j < valid; j++) {
            epilogue.apply(scratch, runs + j * outRun, out.data(), dst + j * outPlane, positions, bias[c0 + j], r,
                    resAt + j * outPlane);
        }
    }

    /**
     * The block's {@code valid} channel planes at {@code src}, map positions [from, to), to their
     * places {@code in + tilePositions[p]}.
     */
    private void copyIn(float[] xs, int src, int valid, float[] scratch, int in, int from, int to, int tmp) {
        if (to - from >= L) {
            int[] planes = valid == L ? planeIndex : lastPlaneIndex;
            for (int p = from; p < to; p += L) {
                int at = Math.min(p, to - L);
                transpose(xs, src + at, planes, scratch, in, tilePositions, at, scratch, tmp);
            }
            return;
        }
        for (int c = 0; c < valid; c++) {
            for (int p = from; p < to; p++) {
                scratch[in + tilePositions[p] + c] = xs[src + c * inPlane + p];
            }
        }
    }

    /**
     * A 16x16 transpose: loads vector i from {@code src[srcAt + srcIndex[i]]}, and stores lane i of
     * every vector, as vector i, at {@code dst[dstAt + dstIndex[dstFrom + i]]}. Four stages each
     * swap the off-diagonal blocks of 1, 2, 4, 8 lanes between pairs of vectors (a rearrange and a
     * blend per vector): those of 1 and 2 within the vectors 4g..4g+3, into 256 floats of scratch at
     * {@code tmp}, those of 4 and 8 within the vectors j, j+4, j+8, j+12. (All 16 vectors in one
     * method exceed C2's inlining budget, and vectors left in calls are boxed.)
     */
    static void transpose(float[] src, int srcAt, int[] srcIndex, float[] dst, int dstAt, int[] dstIndex,
                                  int dstFrom, float[] scratch, int tmp) {
        for (int g = 0; g < 16; g += 4) {
            stages12(src, srcAt + srcIndex[g], srcAt + srcIndex[g + 1], srcAt + srcIndex[g + 2],
                    srcAt + srcIndex[g + 3], scratch, tmp + g * L, tmp + (g + 1) * L, tmp + (g + 2) * L,
                    tmp + (g + 3) * L);
        }
        for (int j = 0; j < 4; j++) {
            stages48(scratch, tmp + j * L, tmp + (j + 4) * L, tmp + (j + 8) * L, tmp + (j + 12) * L, dst,
                    dstAt + dstIndex[dstFrom + j], dstAt + dstIndex[dstFrom + j + 4],
                    dstAt + dstIndex[dstFrom + j + 8], dstAt + dstIndex[dstFrom + j + 12]);
        }
    }

    /**
     * Positions [0, positions) (at least 16) x channels [0, channels) (whole vectors) of {@code src}
     * to channel planes: position p's channels from {@code srcAt + p · positionIndex[1]}, channel c's
     * run at {@code dstAt + c · planeIndex[1]}, with {@code positionIndex[i]} and {@code
     * planeIndex[i]} i times those; 16x16 per transpose, the last 16 positions overlapping the ones
     * before (stored twice, the same values).
     */
    static void transposeToPlanes(float[] src, int srcAt, int[] positionIndex, int positions, int channels,
                                  float[] dst, int dstAt, int[] planeIndex, float[] scratch, int tmp) {
        for (int c = 0; c < channels; c += L) {
            for (int p = 0; p < positions; p += L) {
                int from = Math.min(p, positions - L);
                transpose(src, srcAt + from * positionIndex[1] + c, positionIndex, dst,
                        dstAt + c * planeIndex[1] + from, planeIndex, 0, scratch, tmp);
            }
        }
    }

    /** The transpose's stages of 1 and 2 lanes on four vectors: a↔b and c↔d by 1, then a↔c and b↔d by 2. */
    private static void stages12(float[] src, int s0, int s1, int s2, int s3, float[] dst, int d0, int d1, int d2,
                                 int d3) {
        FloatVector a = FloatVector.fromArray(S, src, s0), b = FloatVector.fromArray(S, src, s1),
                c = FloatVector.fromArray(S, src, s2), d = FloatVector.fromArray(S, src, s3);
        FloatVector ab = a.blend(b.rearrange(X1), M1), ba = a.rearrange(X1).blend(b, M1);
        FloatVector cd = c.blend(d.rearrange(X1), M1), dc = c.rearrange(X1).blend(d, M1);
        ab.blend(cd.rearrange(X2), M2).intoArray(dst, d0);
        ba.blend(dc.rearrange(X2), M2).intoArray(dst, d1);
        ab.rearrange(X2).blend(cd, M2).intoArray(dst, d2);
        ba.rearrange(X2).blend(dc, M2).intoArray(dst, d3);
    }

    /**
     * The transpose's stages of 4 and 8 lanes on four vectors: a↔b and c↔d by 4, then a↔c and b↔d by
     * 8. The same code as {@link #stages12} on other constants: with the shuffles and masks as
     * parameters of one method (not inlined: too large) they are loaded on every call, and a
     * transpose took 2.6× as long.
     */
    private static void stages48(float[] src, int s0, int s1, int s2, int s3, float[] dst, int d0, int d1, int d2,
                                 int d3) {
        FloatVector a = FloatVector.fromArray(S, src, s0), b = FloatVector.fromArray(S, src, s1),
                c = FloatVector.fromArray(S, src, s2), d = FloatVector.fromArray(S, src, s3);
        FloatVector ab = a.blend(b.rearrange(X4), M4), ba = a.rearrange(X4).blend(b, M4);
        FloatVector cd = c.blend(d.rearrange(X4), M4), dc = c.rearrange(X4).blend(d, M4);
        ab.blend(cd.rearrange(X8), M8).intoArray(dst, d0);
        ba.blend(dc.rearrange(X8), M8).intoArray(dst, d1);
        ab.rearrange(X8).blend(cd, M8).intoArray(dst, d2);
        ba.rearrange(X8).blend(dc, M8).intoArray(dst, d3);
    }

    /**
     * Every output position's taps for any kernel size, two positions of a row at a time so that
     * each weight vector loaded serves two multiply-adds.
     */
    private void convolve(float[] scratch, int in, int tile, int wAt, int rows) {
        int rowStep = w.sh() * paddedW * L, colStep = w.sw() * L, outW = w.outW();
        int o = tile;
        for (int oy = 0; oy < rows; oy++) {
            int base = in + oy * rowStep, ox = 0;
            for (; ox + 1 < outW; ox += 2, base += 2 * colStep, o += 2 * L) {
                FloatVector a0 = FloatVector.zero(S), a1 = FloatVector.zero(S);
                for (int t = 0; t < taps; t++) {
                    FloatVector wt = FloatVector.fromArray(S, blockedWeights, wAt + t * L);
                    int at = base + tapOffsets[t];
                    a0 = wt.fma(FloatVector.fromArray(S, scratch, at), a0);
                    a1 = wt.fma(FloatVector.fromArray(S, scratch, at + colStep), a1);
                }
                Simd.EXACT.cast(a0).intoArray(scratch, o);
                Simd.EXACT.cast(a1).intoArray(scratch, o + L);
            }
            if (ox < outW) {
                FloatVector acc = FloatVector.zero(S);
                for (int t = 0; t < taps; t++) {
                    acc = FloatVector.fromArray(S, blockedWeights, wAt + t * L)
                            .fma(FloatVector.fromArray(S, scratch, base + tapOffsets[t]), acc);
                }
                Simd.EXACT.cast(acc).intoArray(scratch, o);
                o += L;
            }
        }
    }

    /** A 3x3 kernel with its nine weight vectors and tap offsets in registers. */
    private void convolve3x3(float[] scratch, int in, int tile, int wAt, int rows) {
        float[] wb = blockedWeights;
        FloatVector w0 = FloatVector.fromArray(S, wb, wAt), w1 = FloatVector.fromArray(S, wb, wAt + L),
                w2 = FloatVector.fromArray(S, wb, wAt + 2 * L), w3 = FloatVector.fromArray(S, wb, wAt + 3 * L),
                w4 = FloatVector.fromArray(S, wb, wAt + 4 * L), w5 = FloatVector.fromArray(S, wb, wAt + 5 * L),
                w6 = FloatVector.fromArray(S, wb, wAt + 6 * L), w7 = FloatVector.fromArray(S, wb, wAt + 7 * L),
                w8 = FloatVector.fromArray(S, wb, wAt + 8 * L);
        int t1 = tapOffsets[1], t2 = tapOffsets[2], t3 = tapOffsets[3], t4 = tapOffsets[4], t5 = tapOffsets[5],
                t6 = tapOffsets[6], t7 = tapOffsets[7], t8 = tapOffsets[8];
        int rowStep = w.sh() * paddedW * L, colStep = w.sw() * L;
        // stride 1, no column dilation: two positions of a row share the loads of their middle columns
        boolean pairs = w.sw() == 1 && w.dw() == 1;
        int r1 = t3, r2 = t6;
        int o = tile;
        for (int oy = 0; oy < rows; oy++) {
            int base = in + oy * rowStep, ox = 0;
            for (; pairs && ox + 1 < w.outW(); ox += 2, base += 2 * L, o += 2 * L) {
                FloatVector x0 = FloatVector.fromArray(S, scratch, base), x1 = FloatVector.fromArray(S, scratch, base + L),
                        x2 = FloatVector.fromArray(S, scratch, base + 2 * L),
                        x3 = FloatVector.fromArray(S, scratch, base + 3 * L);
                FloatVector a0 = w0.mul(x0), a1 = w0.mul(x1);
                a0 = w1.fma(x1, a0);
                a1 = w1.fma(x2, a1);
                a0 = w2.fma(x2, a0);
                a1 = w2.fma(x3, a1);
                x0 = FloatVector.fromArray(S, scratch, base + r1);
                x1 = FloatVector.fromArray(S, scratch, base + r1 + L);
                x2 = FloatVector.fromArray(S, scratch, base + r1 + 2 * L);
                x3 = FloatVector.fromArray(S, scratch, base + r1 + 3 * L);
                a0 = w3.fma(x0, a0);
                a1 = w3.fma(x1, a1);
                a0 = w4.fma(x1, a0);
                a1 = w4.fma(x2, a1);
                a0 = w5.fma(x2, a0);
                a1 = w5.fma(x3, a1);
                x0 = FloatVector.fromArray(S, scratch, base + r2);
                x1 = FloatVector.fromArray(S, scratch, base + r2 + L);
                x2 = FloatVector.fromArray(S, scratch, base + r2 + 2 * L);
                x3 = FloatVector.fromArray(S, scratch, base + r2 + 3 * L);
                a0 = w6.fma(x0, a0);
                a1 = w6.fma(x1, a1);
                a0 = w7.fma(x1, a0);
                a1 = w7.fma(x2, a1);
                a0 = w8.fma(x2, a0);
                a1 = w8.fma(x3, a1);
                a0.intoArray(scratch, o);
                a1.intoArray(scratch, o + L);
            }
            for (; ox < w.outW(); ox++, base += colStep, o += L) {
                FloatVector acc = w0.mul(FloatVector.fromArray(S, scratch, base));
                acc = w1.fma(FloatVector.fromArray(S, scratch, base + t1), acc);
                acc = w2.fma(FloatVector.fromArray(S, scratch, base + t2), acc);
                acc = w3.fma(FloatVector.fromArray(S, scratch, base + t3), acc);
                acc = w4.fma(FloatVector.fromArray(S, scratch, base + t4), acc);
                acc = w5.fma(FloatVector.fromArray(S, scratch, base + t5), acc);
                acc = w6.fma(FloatVector.fromArray(S, scratch, base + t6), acc);
                acc = w7.fma(FloatVector.fromArray(S, scratch, base + t7), acc);
                acc = w8.fma(FloatVector.fromArray(S, scratch, base + t8), acc);
                acc.intoArray(scratch, o);
            }
        }
    }
}
