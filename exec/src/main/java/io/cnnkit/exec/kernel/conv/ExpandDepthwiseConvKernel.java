package io.cnnkit.exec.kernel.conv;

import io.cnnkit.exec.Tensor;
import io.cnnkit.exec.kernel.Activation;
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
import jdk.incubator.vector.VectorSpecies;

/**
 * A 1x1 convolution (stride 1, no padding, one group: MobileNet's "expand"), or a stem, whose
 * output only a depthwise convolution reads, as one step. Unfused, the expand writes its wide output in NCHW to
 * memory and {@link BlockedDepthwiseConvKernel} reads it back and transposes it, 16 channels at a
 * time, into a padded {@code [H][W][16]} tile. Here the expand computes straight into those tiles:
 * per unit of up to three 16-channel blocks, 8 positions x 48 channels at a time (24 accumulators,
 * each input value broadcast once for three vectors of weights packed per unit as {@code [input
 * channel][48]}), with its bias and a relu or relu6 applied before the store to each position's
 * place in the unit's padded tiles; any other activation (leaky relu, silu, hardswish, ...) then
 * runs on the tiles' rows through {@link Epilogue#applyInPlace}. The depthwise taps, its epilogue
 * and its store to NCHW are {@link BlockedDepthwiseConvKernel#convolveAndStore}'s, band by band
 * where that kernel cuts the map into bands (past 56x56): each band's tiles then hold its input
 * rows only, and the expand computes the rows the previous band did not. Units are independent, so
 * threads split them ({@link #units} makes enough of them). Staged (see {@link
 * ConvKernels#prepareExpandDepthwise}), the step first copies its input into the staging buffer.
 *
 * <p>The first convolution may also be a small one (at most {@link #MAX_TAPS} taps, one group, no
 * dilation): MobileNet's and EfficientNet's stem, 3x3 stride 2 on three channels. Its taps then
 * play the input channels' part: per band, the input rows it reads are copied zero-padded into
 * scratch, and each of 8 positions of an output row broadcasts its value of each tap from there.
 */
final class ExpandDepthwiseConvKernel implements Kernel {
    private static final VectorSpecies<Float> S = Simd.S;
    private static final Class<? extends FloatVector> EXACT = Simd.EXACT;
    private static final int L = BlockedDepthwiseConvKernel.L;
    /** At most 16-channel blocks per unit (one 8x48 tile of accumulators), and positions per tile. */
    static final int BLOCKS = 3, ROWS = 8;
    /**
     * Most taps (input channels x kernel positions) of a first convolution other than a 1x1: a
     * stem's 3x3 on three channels (27). Each tap is a broadcast per position; wider convolutions
     * keep their GEMM.
     */
    static final int MAX_TAPS = 32;
    /** The system property that keeps pairs apart when {@code off} (default {@code auto}: fused where they can be). */
    static final String PROPERTY = "cnnkit.expandfuse";

    private final BlockedDepthwiseConvKernel depthwise;
    /** The first convolution's window: a 1x1 expand (pointwise) or a small convolution such as a stem. */
    private final Window expandWindow;
    private final boolean pointwise;
    private final int[] outShape;
    /** {@code plane}: the first convolution's input positions; {@code midW}, {@code midPlane}: its output's. */
    private final int batch, inChannels, channels, blocks, units, plane, midW, midPlane, inTile;
    /**
     * Where each of the first convolution's taps (input channel, row, column) reads, from a
     * position's first: input planes apart for a 1x1; otherwise in the zero-padded copy of the
     * input rows a band needs ({@code [input channel][srcRows][srcW]}, in scratch).
     */
    private final int[] tapOffsets;
    private final int srcRows, srcW;
    /** Each unit's first block, and past the last unit {@code blocks}: units of one to three blocks. */
    private final int[] firstBlock;
    /**
     * The expand's weights per unit as {@code [input channel][16 · unit's blocks]} (from {@code
     * firstBlock[u] · 16 · inChannels} on), zeros past the last channel; its bias padded alike.
     */
    private final float[] packed, expandBias, zeros = new float[L];
    /** The expand's activation as clamps applied with its bias (relu: low 0; relu6: also high 6). */
    private final float low, high;
    /** The expand's activation when it is not a clamp, on the tiles' rows afterwards; null for none or a clamp. */
    private final Epilogue after;
    private final int[] tilePositions;
    /** Whether the last input is a buffer to copy the expand's input into first (the output may overlap it). */
    private final boolean staged;

    ExpandDepthwiseConvKernel(int[] inShape, Window first, Folding expand, Fusion expandFusion,
                              BlockedDepthwiseConvKernel depthwise, int[] depthwiseIn, boolean staged, int threads) {
        this.depthwise = depthwise;
        this.expandWindow = first;
        this.pointwise = first.isPointwise();
        this.staged = staged;
        this.outShape = depthwise.outputShape();
        this.batch = inShape[0];
        this.inChannels = inShape[1];
        this.channels = depthwiseIn[1];
        this.blocks = (channels + L - 1) / L;
        this.firstBlock = units(blocks, threads);
        this.units = firstBlock.length - 1;
        this.plane = inShape[2] * inShape[3];
        this.midW = depthwiseIn[3];
        this.midPlane = depthwiseIn[2] * midW;
        this.inTile = depthwise.inTile();
        this.tilePositions = depthwise.tilePositions();
        if (!applies(first, inChannels, depthwiseIn, depthwise.bands() > 1) || first.outH() != depthwiseIn[2]
                || first.outW() != midW) {
            throw new IllegalArgumentException("the fused convolution needs the depthwise input's map, of at least "
                    + ROWS + " positions (in bands, or after a convolution other than a 1x1: per row), and at most "
                    + MAX_TAPS + " taps other than a 1x1's");
        }
        int kernelTaps = first.kh() * first.kw(), taps = inChannels * kernelTaps;
        this.srcW = first.inW() + first.padLeft() + first.padRight();
        this.srcRows = pointwise ? 0 : (depthwise.bandInputRows() - 1) * first.sh() + first.kh();
        this.tapOffsets = new int[taps];
        for (int t = 0; t < taps; t++) {
            int ci = t / kernelTaps, ky = t % kernelTaps / first.kw(), kx = t % first.kw();
            tapOffsets[t] = pointwise ? ci * plane : ci * srcRows * srcW + ky * srcW + kx;
        }
        this.packed = new float[blocks * L * taps];
        this.expandBias = new float[blocks * L];
        float[] w = expand.weights();
        for (int u = 0; u < units; u++) {
            int c0 = firstBlock[u] * L, width = (firstBlock[u + 1] - firstBlock[u]) * L;
            for (int c = c0; c < Math.min(channels, c0 + width); c++) {
                for (int t = 0; t < taps; t++) {
                    packed[c0 * taps + t * width + c - c0] = w[c * taps + t];
                }
                expandBias[c] = expand.bias()[c];
            }
        }
        Activation.Kind kind = expandFusion.activation().kind();
        boolean clamp = kind == Activation.Kind.RELU || kind == Activation.Kind.RELU6;
        this.low = clamp ? 0f : Float.NEGATIVE_INFINITY;
        this.high = kind == Activation.Kind.RELU6 ? 6f : Float.POSITIVE_INFINITY;
        this.after = clamp || kind == Activation.Kind.NONE ? null : new Epilogue(expandFusion.activation(), false);
    }

    /**
     * The first block of each unit, then {@code blocks}: as few units of at most three blocks as
     * there can be, the blocks spread evenly over them; on several threads, more units where that
     * makes their number a multiple of the threads or at least four per thread (MobileNet-v2's 9
     * blocks of 144 channels: 3 units on one thread, 3 + 2 + 2 + 2 blocks on two).
     */
    static int[] units(int blocks, int threads) {
        int units = (blocks + BLOCKS - 1) / BLOCKS;
        while (threads > 1 && units < blocks && units % threads != 0 && units < 4 * threads) {
            units++;
        }
        int[] first = new int[units + 1];
        for (int u = 0; u < units; u++) {
            first[u + 1] = first[u] + blocks / units + (u < blocks % units ? 1 : 0);
        }
        return first;
    }

    /**
     * Whether the pair can run as one kernel: the depthwise layer on the channel-blocked kernel's
     * terms (512 bits, no channel multiplier), after a first convolution on its terms (below); the
     * caller checks that one for one group and no residual.
     */
    static boolean applies(Window first, int inChannels, int[] depthwiseIn, int[] depthwiseOut, Window w) {
        return BlockedDepthwiseConvKernel.applies(depthwiseIn, depthwiseOut)
                && applies(first, inChannels, depthwiseIn, BlockedDepthwiseConvKernel.bandRows(w) < w.outH());
    }

    /**
     * The first convolution's terms: a 1x1 on a map of at least 8 positions (rows of 8 in bands),
     * or a convolution of at most {@link #MAX_TAPS} taps, no dilation, on rows of at least 8.
     */
    private static boolean applies(Window first, int inChannels, int[] depthwiseIn, boolean banded) {
        int rows = depthwiseIn[3];
        if (first.isPointwise()) {
            return depthwiseIn[2] * rows >= ROWS && (!banded || rows >= ROWS);
        }
        return first.dh() == 1 && first.dw() == 1 && rows >= ROWS && inChannels * first.kh() * first.kw() <= MAX_TAPS;
    }

    /**
     * Whether the pair runs fused: wherever it can (on maps of any size: in bands past 56x56), or
     * as the system property {@value #PROPERTY} says ({@code off}: nowhere), to compare in a network.
     */
    static boolean chosen(Window first, int inChannels, int[] depthwiseIn, int[] depthwiseOut, Window w) {
        return switch (System.getProperty(PROPERTY, "auto")) {
            case "off" -> false;
            default -> applies(first, inChannels, depthwiseIn, depthwiseOut, w);
        };
    }

    @Override
    public int[] outputShape() {
        return outShape.clone();
    }

    @Override
    public int scratchPerSlot() {
        return BLOCKS * inTile + depthwise.workFloats() + inChannels * srcRows * srcW;
    }

    @Override
    public long macs() {
        return (long) batch * channels * tapOffsets.length * midPlane + depthwise.macs();
    }

    @Override
    public void run(Tensor[] inputs, Tensor output, Workspace ws) {
        Tensor x = staged ? stage(inputs[0], inputs[inputs.length - 1], ws) : inputs[0];
        Tensor res = inputs.length > (staged ? 2 : 1) ? inputs[1] : null;
        long work = macs() / batch / units;
        Parallel.forRange(ws, batch * units, work, (slot, from, to) -> {
            float[] scratch = ws.scratch(slot);
            for (int k = 0; k < BLOCKS; k++) {
                depthwise.zeroPadding(scratch, Kernels.ALIGNED_START + k * inTile);
            }
            int src = Kernels.ALIGNED_START + BLOCKS * inTile + depthwise.workFloats();
            for (int at = src; at < src + inChannels * srcRows * srcW; at += srcW) {
                Arrays.fill(scratch, at, at + expandWindow.padLeft(), 0f);
                Arrays.fill(scratch, at + expandWindow.padLeft() + expandWindow.inW(), at + srcW, 0f);
            }
            for (int unit = from; unit < to; unit++) {
                unit(x, res, output, unit / units, unit % units, scratch);
            }
        });
    }

    /** The expand's input copied to the start of {@code staging}, one image plane per task. */
    private Tensor stage(Tensor x, Tensor staging, Workspace ws) {
        Tensor copy = Tensor.view(staging.data(), staging.offset(), x.shape());
        Parallel.forRange(ws, batch * inChannels, plane, (slot, from, to) -> System.arraycopy(x.data(),
                x.offset() + from * plane, copy.data(), copy.offset() + from * plane, (to - from) * plane));
        return copy;
    }

    /**
     * A unit's blocks band by band (the depthwise kernel's bands: one on maps up to 56x56): the
     * expand of the band's input rows not already in the tiles, then each block's depthwise step.
     */
    private void unit(Tensor x, Tensor res, Tensor out, int image, int u, float[] scratch) {
        int t0 = Kernels.ALIGNED_START, t1 = t0 + inTile, t2 = t1 + inTile, work = t2 + inTile;
        int src = work + depthwise.workFloats();
        int xAt = x.offset() + image * inChannels * plane;
        int first = firstBlock[u], last = firstBlock[u + 1], wa = first * L * tapOffsets.length, bAt = first * L;
        for (int band = 0; band < depthwise.bands(); band++) {
            int from = 0;
            for (int b = first; b < last; b++) {
                from = depthwise.startBand(scratch, t0 + (b - first) * inTile, band, band > 0);
            }
            int shift = depthwise.bandShift(band);
            int rowA = Math.max(0, depthwise.firstRow(band) + from), rowB = depthwise.lastRow(band);
            int pa = rowA * midW, pb = rowB * midW, unitBlocks = last - first;
            if (pointwise) {
                // the last 8 positions overlap the ones before (computed twice, the same values); a
                // band's rows hold at least 8 (checked at construction)
                for (int p = pa; p < pb; p += ROWS) {
                    int at = Math.min(p, pb - ROWS);
                    expand(unitBlocks, x.data(), xAt + at, 1, at, wa, bAt, scratch, t0 - shift, t1 - shift,
                            t2 - shift);
                }
            } else if (rowA < rowB) {
                copyRows(x.data(), xAt, rowA, rowB, scratch, src);
                for (int my = rowA; my < rowB; my++) {
                    int rowAt = src + (my - rowA) * expandWindow.sh() * srcW, sw = expandWindow.sw();
                    // 8 positions of a row at a time, the last 8 overlapping the ones before
                    for (int mx = 0; mx < midW; mx += ROWS) {
                        int at = Math.min(mx, midW - ROWS);
                        expand(unitBlocks, scratch, rowAt + at * sw, sw, my * midW + at, wa, bAt, scratch, t0 - shift,
                                t1 - shift, t2 - shift);
                    }
                }
            }
            for (int b = first; b < last; b++) {
                int tile = t0 + (b - first) * inTile;
                if (after != null) {
                    activateRows(scratch, tile - shift, pa, pb);
                }
                depthwise.convolveAndStore(res, out, image, b, band, scratch, tile, work);
            }
        }
    }

    /** Positions [p, p + 8) of a unit of one to three blocks, from {@code xs[xa]} on, {@code sw} apart. */
    private void expand(int blocks, float[] xs, int xa, int sw, int p, int wa, int bAt, float[] scratch, int t0,
                        int t1, int t2) {
        switch (blocks) {
            case 3 -> expand8x48(xs, xa, sw, p, wa, bAt, scratch, t0, t1, t2);
            case 2 -> expand8x32(xs, xa, sw, p, wa, bAt, scratch, t0, t1);
            default -> expand8x16(xs, xa, sw, p, wa, bAt, scratch, t0);
        }
    }

    /**
     * The input rows the first convolution reads for its output rows [rowA, rowB), all channels,
     * into the zero-padded copy at {@code src} (rows outside the map as zeros; the left and right
     * padding is zeroed once per range).
     */
    private void copyRows(float[] xs, int xAt, int rowA, int rowB, float[] scratch, int src) {
        Window e = expandWindow;
        int origin = rowA * e.sh() - e.padTop(), rows = (rowB - 1 - rowA) * e.sh() + e.kh();
        int inH = e.inH(), inW = e.inW();
        for (int ci = 0; ci < inChannels; ci++) {
            for (int r = 0; r < rows; r++) {
                int iy = origin + r, at = src + (ci * srcRows + r) * srcW + e.padLeft();
                if (iy >= 0 && iy < inH) {
                    System.arraycopy(xs, xAt + (ci * inH + iy) * inW, scratch, at, inW);
                } else {
                    Arrays.fill(scratch, at, at + inW, 0f);
                }
            }
        }
    }

    /** The expand's activation on the rows of map positions [pa, pb) in the tile placed at {@code tile}. */
    private void activateRows(float[] scratch, int tile, int pa, int pb) {
        int width = midW;
        for (int p = pa; p < pb; p += width) {
            after.applyInPlace(scratch, tile + tilePositions[p], L, width, L, zeros, 0);
        }
    }

    /**
     * Positions [p, p + 8) of a unit of three blocks (48 channels): the sum over the taps t of
     * {@code xs[xa + tapOffsets[t] + j·sw]} (position j's value of tap t) times the tap's weight
     * vectors, plus bias, clamped, stored at each position's place in the tiles at {@code t0},
     * {@code t1}, {@code t2}; {@code wa} and {@code bAt} are the unit's weights and bias.
     */
    private void expand8x48(float[] xs, int xa, int sw, int p, int wa, int bAt, float[] scratch, int t0, int t1,
                            int t2) {
        float[] wp = packed;
        int[] offsets = tapOffsets;
        int taps = offsets.length, width = 48;
        int s1 = sw, s2 = s1 + sw, s3 = s2 + sw, s4 = s3 + sw, s5 = s4 + sw, s6 = s5 + sw, s7 = s6 + sw;
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c02 = z;
        FloatVector c10 = z, c11 = z, c12 = z;
        FloatVector c20 = z, c21 = z, c22 = z;
        FloatVector c30 = z, c31 = z, c32 = z;
        FloatVector c40 = z, c41 = z, c42 = z;
        FloatVector c50 = z, c51 = z, c52 = z;
        FloatVector c60 = z, c61 = z, c62 = z;
        FloatVector c70 = z, c71 = z, c72 = z;
        for (int t = 0; t < taps; t++, wa += width) {
            int xt = xa + offsets[t];
            FloatVector b0 = FloatVector.fromArray(S, wp, wa), b1 = FloatVector.fromArray(S, wp, wa + 1 * L), b2 = FloatVector.fromArray(S, wp, wa + 2 * L);
            FloatVector a0 = FloatVector.broadcast(S, xs[xt]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            c02 = a0.fma(b2, c02);
            FloatVector a1 = FloatVector.broadcast(S, xs[xt + s1]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            c12 = a1.fma(b2, c12);
            FloatVector a2 = FloatVector.broadcast(S, xs[xt + s2]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            c22 = a2.fma(b2, c22);
            FloatVector a3 = FloatVector.broadcast(S, xs[xt + s3]);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
            c32 = a3.fma(b2, c32);
            FloatVector a4 = FloatVector.broadcast(S, xs[xt + s4]);
            c40 = a4.fma(b0, c40);
            c41 = a4.fma(b1, c41);
            c42 = a4.fma(b2, c42);
            FloatVector a5 = FloatVector.broadcast(S, xs[xt + s5]);
            c50 = a5.fma(b0, c50);
            c51 = a5.fma(b1, c51);
            c52 = a5.fma(b2, c52);
            FloatVector a6 = FloatVector.broadcast(S, xs[xt + s6]);
            c60 = a6.fma(b0, c60);
            c61 = a6.fma(b1, c61);
            c62 = a6.fma(b2, c62);
            FloatVector a7 = FloatVector.broadcast(S, xs[xt + s7]);
            c70 = a7.fma(b0, c70);
            c71 = a7.fma(b1, c71);
            c72 = a7.fma(b2, c72);
        }
        FloatVector v0 = FloatVector.fromArray(S, expandBias, bAt), v1 = FloatVector.fromArray(S, expandBias, bAt + 1 * L), v2 = FloatVector.fromArray(S, expandBias, bAt + 2 * L);
        FloatVector lo = FloatVector.broadcast(S, low), hi = FloatVector.broadcast(S, high);
        int o0 = tilePositions[p];
        EXACT.cast(c00.add(v0).max(lo).min(hi)).intoArray(scratch, t0 + o0);
        EXACT.cast(c01.add(v1).max(lo).min(hi)).intoArray(scratch, t1 + o0);
        EXACT.cast(c02.add(v2).max(lo).min(hi)).intoArray(scratch, t2 + o0);
        int o1 = tilePositions[p + 1];
        EXACT.cast(c10.add(v0).max(lo).min(hi)).intoArray(scratch, t0 + o1);
        EXACT.cast(c11.add(v1).max(lo).min(hi)).intoArray(scratch, t1 + o1);
        EXACT.cast(c12.add(v2).max(lo).min(hi)).intoArray(scratch, t2 + o1);
        int o2 = tilePositions[p + 2];
        EXACT.cast(c20.add(v0).max(lo).min(hi)).intoArray(scratch, t0 + o2);
        EXACT.cast(c21.add(v1).max(lo).min(hi)).intoArray(scratch, t1 + o2);
        EXACT.cast(c22.add(v2).max(lo).min(hi)).intoArray(scratch, t2 + o2);
        int o3 = tilePositions[p + 3];
        EXACT.cast(c30.add(v0).max(lo).min(hi)).intoArray(scratch, t0 + o3);
        EXACT.cast(c31.add(v1).max(lo).min(hi)).intoArray(scratch, t1 + o3);
        EXACT.cast(c32.add(v2).max(lo).min(hi)).intoArray(scratch, t2 + o3);
        int o4 = tilePositions[p + 4];
        EXACT.cast(c40.add(v0).max(lo).min(hi)).intoArray(scratch, t0 + o4);
        EXACT.cast(c41.add(v1).max(lo).min(hi)).intoArray(scratch, t1 + o4);
        EXACT.cast(c42.add(v2).max(lo).min(hi)).intoArray(scratch, t2 + o4);
        int o5 = tilePositions[p + 5];
        EXACT.cast(c50.add(v0).max(lo).min(hi)).intoArray(scratch, t0 + o5);
        EXACT.cast(c51.add(v1).max(lo).min(hi)).intoArray(scratch, t1 + o5);
        EXACT.cast(c52.add(v2).max(lo).min(hi)).intoArray(scratch, t2 + o5);
        int o6 = tilePositions[p + 6];
        EXACT.cast(c60.add(v0).max(lo).min(hi)).intoArray(scratch, t0 + o6);
        EXACT.cast(c61.add(v1).max(lo).min(hi)).intoArray(scratch, t1 + o6);
        EXACT.cast(c62.add(v2).max(lo).min(hi)).intoArray(scratch, t2 + o6);
        int o7 = tilePositions[p + 7];
        EXACT.cast(c70.add(v0).max(lo).min(hi)).intoArray(scratch, t0 + o7);
        EXACT.cast(c71.add(v1).max(lo).min(hi)).intoArray(scratch, t1 + o7);
        EXACT.cast(c72.add(v2).max(lo).min(hi)).intoArray(scratch, t2 + o7);
    }

    /** As {@link #expand8x48} for a unit of 2 blocks. */
    private void expand8x32(float[] xs, int xa, int sw, int p, int wa, int bAt, float[] scratch, int t0, int t1) {
        float[] wp = packed;
        int[] offsets = tapOffsets;
        int taps = offsets.length, width = 32;
        int s1 = sw, s2 = s1 + sw, s3 = s2 + sw, s4 = s3 + sw, s5 = s4 + sw, s6 = s5 + sw, s7 = s6 + sw;
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z;
        FloatVector c10 = z, c11 = z;
        FloatVector c20 = z, c21 = z;
        FloatVector c30 = z, c31 = z;
        FloatVector c40 = z, c41 = z;
        FloatVector c50 = z, c51 = z;
        FloatVector c60 = z, c61 = z;
        FloatVector c70 = z, c71 = z;
        for (int t = 0; t < taps; t++, wa += width) {
            int xt = xa + offsets[t];
            FloatVector b0 = FloatVector.fromArray(S, wp, wa), b1 = FloatVector.fromArray(S, wp, wa + 1 * L);
            FloatVector a0 = FloatVector.broadcast(S, xs[xt]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            FloatVector a1 = FloatVector.broadcast(S, xs[xt + s1]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            FloatVector a2 = FloatVector.broadcast(S, xs[xt + s2]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            FloatVector a3 = FloatVector.broadcast(S, xs[xt + s3]);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
            FloatVector a4 = FloatVector.broadcast(S, xs[xt + s4]);
            c40 = a4.fma(b0, c40);
            c41 = a4.fma(b1, c41);
            FloatVector a5 = FloatVector.broadcast(S, xs[xt + s5]);
            c50 = a5.fma(b0, c50);
            c51 = a5.fma(b1, c51);
            FloatVector a6 = FloatVector.broadcast(S, xs[xt + s6]);
            c60 = a6.fma(b0, c60);
            c61 = a6.fma(b1, c61);
            FloatVector a7 = FloatVector.broadcast(S, xs[xt + s7]);
            c70 = a7.fma(b0, c70);
            c71 = a7.fma(b1, c71);
        }
        FloatVector v0 = FloatVector.fromArray(S, expandBias, bAt), v1 = FloatVector.fromArray(S, expandBias, bAt + 1 * L);
        FloatVector lo = FloatVector.broadcast(S, low), hi = FloatVector.broadcast(S, high);
        int o0 = tilePositions[p];
        EXACT.cast(c00.add(v0).max(lo).min(hi)).intoArray(scratch, t0 + o0);
        EXACT.cast(c01.add(v1).max(lo).min(hi)).intoArray(scratch, t1 + o0);
        int o1 = tilePositions[p + 1];
        EXACT.cast(c10.add(v0).max(lo).min(hi)).intoArray(scratch, t0 + o1);
        EXACT.cast(c11.add(v1).max(lo).min(hi)).intoArray(scratch, t1 + o1);
        int o2 = tilePositions[p + 2];
        EXACT.cast(c20.add(v0).max(lo).min(hi)).intoArray(scratch, t0 + o2);
        EXACT.cast(c21.add(v1).max(lo).min(hi)).intoArray(scratch, t1 + o2);
        int o3 = tilePositions[p + 3];
        EXACT.cast(c30.add(v0).max(lo).min(hi)).intoArray(scratch, t0 + o3);
        EXACT.cast(c31.add(v1).max(lo).min(hi)).intoArray(scratch, t1 + o3);
        int o4 = tilePositions[p + 4];
        EXACT.cast(c40.add(v0).max(lo).min(hi)).intoArray(scratch, t0 + o4);
        EXACT.cast(c41.add(v1).max(lo).min(hi)).intoArray(scratch, t1 + o4);
        int o5 = tilePositions[p + 5];
        EXACT.cast(c50.add(v0).max(lo).min(hi)).intoArray(scratch, t0 + o5);
        EXACT.cast(c51.add(v1).max(lo).min(hi)).intoArray(scratch, t1 + o5);
        int o6 = tilePositions[p + 6];
        EXACT.cast(c60.add(v0).max(lo).min(hi)).intoArray(scratch, t0 + o6);
        EXACT.cast(c61.add(v1).max(lo).min(hi)).intoArray(scratch, t1 + o6);
        int o7 = tilePositions[p + 7];
        EXACT.cast(c70.add(v0).max(lo).min(hi)).intoArray(scratch, t0 + o7);
        EXACT.cast(c71.add(v1).max(lo).min(hi)).intoArray(scratch, t1 + o7);
    }

    /** As {@link #expand8x48} for a unit of 1 block. */
    private void expand8x16(float[] xs, int xa, int sw, int p, int wa, int bAt, float[] scratch, int t0) {
        float[] wp = packed;
        int[] offsets = tapOffsets;
        int taps = offsets.length, width = 16;
        int s1 = sw, s2 = s1 + sw, s3 = s2 + sw, s4 = s3 + sw, s5 = s4 + sw, s6 = s5 + sw, s7 = s6 + sw;
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z;
        FloatVector c10 = z;
        FloatVector c20 = z;
        FloatVector c30 = z;
        FloatVector c40 = z;
        FloatVector c50 = z;
        FloatVector c60 = z;
        FloatVector c70 = z;
        for (int t = 0; t < taps; t++, wa += width) {
            int xt = xa + offsets[t];
            FloatVector b0 = FloatVector.fromArray(S, wp, wa);
            FloatVector a0 = FloatVector.broadcast(S, xs[xt]);
            c00 = a0.fma(b0, c00);
            FloatVector a1 = FloatVector.broadcast(S, xs[xt + s1]);
            c10 = a1.fma(b0, c10);
            FloatVector a2 = FloatVector.broadcast(S, xs[xt + s2]);
            c20 = a2.fma(b0, c20);
            FloatVector a3 = FloatVector.broadcast(S, xs[xt + s3]);
            c30 = a3.fma(b0, c30);
            FloatVector a4 = FloatVector.broadcast(S, xs[xt + s4]);
            c40 = a4.fma(b0, c40);
            FloatVector a5 = FloatVector.broadcast(S, xs[xt + s5]);
            c50 = a5.fma(b0, c50);
            FloatVector a6 = FloatVector.broadcast(S, xs[xt + s6]);
            c60 = a6.fma(b0, c60);
            FloatVector a7 = FloatVector.broadcast(S, xs[xt + s7]);
            c70 = a7.fma(b0, c70);
        }
        FloatVector v0 = FloatVector.fromArray(S, expandBias, bAt);
        FloatVector lo = FloatVector.broadcast(S, low), hi = FloatVector.broadcast(S, high);
        int o0 = tilePositions[p];
        EXACT.cast(c00.add(v0).max(lo).min(hi)).intoArray(scratch, t0 + o0);
        int o1 = tilePositions[p + 1];
        EXACT.cast(c10.add(v0).max(lo).min(hi)).intoArray(scratch, t0 + o1);
        int o2 = tilePositions[p + 2];
        EXACT.cast(c20.add(v0).max(lo).min(hi)).intoArray(scratch, t0 + o2);
        int o3 = tilePositions[p + 3];
        EXACT.cast(c30.add(v0).max(lo).min(hi)).intoArray(scratch, t0 + o3);
        int o4 = tilePositions[p + 4];
        EXACT.cast(c40.add(v0).max(lo).min(hi)).intoArray(scratch, t0 + o4);
        int o5 = tilePositions[p + 5];
        EXACT.cast(c50.add(v0).max(lo).min(hi)).intoArray(scratch, t0 + o5);
        int o6 = tilePositions[p + 6];
        EXACT.cast(c60.add(v0).max(lo).min(hi)).intoArray(scratch, t0 + o6);
        int o7 = tilePositions[p + 7];
        EXACT.cast(c70.add(v0).max(lo).min(hi)).intoArray(scratch, t0 + o7);
    }
}
