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
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * A 1x1 convolution (stride 1, no padding, one group: MobileNet's "expand") whose output only a
 * depthwise convolution reads, as one step. Unfused, the expand writes its wide output in NCHW to
 * memory and {@link BlockedDepthwiseConvKernel} reads it back and transposes it, 16 channels at a
 * time, into a padded {@code [H][W][16]} tile. Here the expand computes straight into those tiles:
 * per unit of three 16-channel blocks, 8 positions x 48 channels at a time (24 accumulators, each
 * input value broadcast once for three vectors of weights packed {@code [unit][input channel][48]}),
 * with its bias and a relu or relu6 applied before the store to each position's place in the three
 * padded tiles; any other activation (leaky relu, silu, hardswish, ...) then runs on the tiles' rows
 * through {@link Epilogue#applyInPlace}. The depthwise taps, its epilogue and its store to NCHW are
 * {@link BlockedDepthwiseConvKernel#convolveAndStore}'s. Units are independent, so threads split them.
 */
final class ExpandDepthwiseConvKernel implements Kernel {
    private static final VectorSpecies<Float> S = Simd.S;
    private static final Class<? extends FloatVector> EXACT = Simd.EXACT;
    private static final int L = BlockedDepthwiseConvKernel.L;
    /** 16-channel blocks per unit (one 8x48 tile of accumulators), and positions per tile. */
    static final int BLOCKS = 3, ROWS = 8, WIDTH = BLOCKS * L;
    /** The system property that forces the fusion: {@code on} wherever it applies, {@code off}, or {@code auto} (the default). */
    static final String PROPERTY = "cnnkit.expandfuse";

    private final BlockedDepthwiseConvKernel depthwise;
    private final int[] outShape;
    private final int batch, inChannels, channels, blocks, units, plane, inW, inTile;
    /** The expand's weights as {@code [unit][input channel][48]}, zeros past the last channel; its bias padded alike. */
    private final float[] packed, expandBias, zeros = new float[L];
    /** The expand's activation as clamps applied with its bias (relu: low 0; relu6: also high 6). */
    private final float low, high;
    /** The expand's activation when it is not a clamp, on the tiles' rows afterwards; null for none or a clamp. */
    private final Epilogue after;
    private final int[] tilePositions;

    ExpandDepthwiseConvKernel(int[] inShape, Folding expand, Fusion expandFusion, BlockedDepthwiseConvKernel depthwise,
                              int[] depthwiseIn) {
        this.depthwise = depthwise;
        this.outShape = depthwise.outputShape();
        this.batch = inShape[0];
        this.inChannels = inShape[1];
        this.channels = depthwiseIn[1];
        this.blocks = (channels + L - 1) / L;
        this.units = (blocks + BLOCKS - 1) / BLOCKS;
        this.plane = inShape[2] * inShape[3];
        this.inW = inShape[3];
        this.inTile = depthwise.inTile();
        this.tilePositions = depthwise.tilePositions();
        if (plane < ROWS || inShape[2] != depthwiseIn[2] || inShape[3] != depthwiseIn[3]) {
            throw new IllegalArgumentException("the fused expand needs the depthwise input's map, of at least " + ROWS
                    + " positions");
        }
        this.packed = new float[units * inChannels * WIDTH];
        this.expandBias = new float[units * WIDTH];
        float[] w = expand.weights();
        for (int c = 0; c < channels; c++) {
            int u = c / WIDTH, k = c % WIDTH;
            for (int ci = 0; ci < inChannels; ci++) {
                packed[(u * inChannels + ci) * WIDTH + k] = w[c * inChannels + ci];
            }
            expandBias[c] = expand.bias()[c];
        }
        Activation.Kind kind = expandFusion.activation().kind();
        boolean clamp = kind == Activation.Kind.RELU || kind == Activation.Kind.RELU6;
        this.low = clamp ? 0f : Float.NEGATIVE_INFINITY;
        this.high = kind == Activation.Kind.RELU6 ? 6f : Float.POSITIVE_INFINITY;
        this.after = clamp || kind == Activation.Kind.NONE ? null : new Epilogue(expandFusion.activation(), false);
    }

    /**
     * Whether the pair can run as one kernel: the depthwise layer on the channel-blocked kernel's
     * terms (512 bits, no channel multiplier) on a map of at least 8 positions; the caller checks
     * the expand (1x1, stride 1, no padding, one group, no residual).
     */
    static boolean applies(int[] depthwiseIn, int[] depthwiseOut) {
        return BlockedDepthwiseConvKernel.applies(depthwiseIn, depthwiseOut) && depthwiseIn[2] * depthwiseIn[3] >= ROWS;
    }

    /**
     * Whether the pair runs fused: where the channel-blocked depthwise kernel is chosen for the
     * layer ({@link BlockedDepthwiseConvKernel#chosen}), or as the system property {@value #PROPERTY}
     * forces ({@code on} wherever it applies, {@code off} nowhere), to compare the two in a network.
     */
    static boolean chosen(int[] depthwiseIn, int[] depthwiseOut, Window w) {
        return switch (System.getProperty(PROPERTY, "auto")) {
            case "on" -> applies(depthwiseIn, depthwiseOut);
            case "off" -> false;
            default -> applies(depthwiseIn, depthwiseOut) && BlockedDepthwiseConvKernel.chosen(depthwiseIn,
                    depthwiseOut, w);
        };
    }

    @Override
    public int[] outputShape() {
        return outShape.clone();
    }

    @Override
    public int scratchPerSlot() {
        return BLOCKS * inTile + depthwise.workFloats();
    }

    @Override
    public long macs() {
        return (long) batch * channels * inChannels * plane + depthwise.macs();
    }

    @Override
    public void run(Tensor[] inputs, Tensor output, Workspace ws) {
        Tensor x = inputs[0];
        Tensor res = inputs.length > 1 ? inputs[1] : null;
        long work = (long) WIDTH * inChannels * plane + depthwise.macs() / batch / units;
        Parallel.forRange(ws, batch * units, work, (slot, from, to) -> {
            float[] scratch = ws.scratch(slot);
            for (int k = 0; k < BLOCKS; k++) {
                depthwise.zeroPadding(scratch, Kernels.ALIGNED_START + k * inTile);
            }
            for (int unit = from; unit < to; unit++) {
                unit(x, res, output, unit / units, unit % units, scratch);
            }
        });
    }

    private void unit(Tensor x, Tensor res, Tensor out, int image, int u, float[] scratch) {
        int t0 = Kernels.ALIGNED_START, work = t0 + BLOCKS * inTile;
        float[] xs = x.data();
        int xAt = x.offset() + image * inChannels * plane;
        // the last 8 positions overlap the ones before (computed twice, the same values)
        for (int p = 0; p < plane; p += ROWS) {
            expand8(xs, xAt, Math.min(p, plane - ROWS), u, scratch, t0, t0 + inTile, t0 + 2 * inTile);
        }
        int first = u * BLOCKS, last = Math.min(blocks, first + BLOCKS);
        for (int b = first; b < last; b++) {
            int tile = t0 + (b - first) * inTile;
            if (after != null) {
                activateRows(scratch, tile);
            }
            depthwise.convolveAndStore(res, out, image, b, scratch, tile, work);
        }
    }

    /** The expand's activation on every row of positions of the tile at {@code tile}. */
    private void activateRows(float[] scratch, int tile) {
        int width = inW;
        for (int p = 0; p < plane; p += width) {
            after.applyInPlace(scratch, tile + tilePositions[p], L, width, L, zeros, 0);
        }
    }

    /**
     * Positions [p, p + 8) of the unit's 48 channels: the sum over input channels of x[ci][p + j]
     * times the weight vectors, plus bias, clamped, stored at each position's place in the three
     * tiles at {@code t0}, {@code t1}, {@code t2}.
     */
    private void expand8(float[] xs, int xAt, int p, int u, float[] scratch, int t0, int t1, int t2) {
        float[] wp = packed;
        int cin = inChannels, step = plane;
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c02 = z;
        FloatVector c10 = z, c11 = z, c12 = z;
        FloatVector c20 = z, c21 = z, c22 = z;
        FloatVector c30 = z, c31 = z, c32 = z;
        FloatVector c40 = z, c41 = z, c42 = z;
        FloatVector c50 = z, c51 = z, c52 = z;
        FloatVector c60 = z, c61 = z, c62 = z;
        FloatVector c70 = z, c71 = z, c72 = z;
        int wa = u * cin * WIDTH, xa = xAt + p;
        for (int ci = 0; ci < cin; ci++, wa += WIDTH, xa += step) {
            FloatVector b0 = FloatVector.fromArray(S, wp, wa), b1 = FloatVector.fromArray(S, wp, wa + L),
                    b2 = FloatVector.fromArray(S, wp, wa + 2 * L);
            FloatVector a0 = FloatVector.broadcast(S, xs[xa]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            c02 = a0.fma(b2, c02);
            FloatVector a1 = FloatVector.broadcast(S, xs[xa + 1]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            c12 = a1.fma(b2, c12);
            FloatVector a2 = FloatVector.broadcast(S, xs[xa + 2]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            c22 = a2.fma(b2, c22);
            FloatVector a3 = FloatVector.broadcast(S, xs[xa + 3]);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
            c32 = a3.fma(b2, c32);
            FloatVector a4 = FloatVector.broadcast(S, xs[xa + 4]);
            c40 = a4.fma(b0, c40);
            c41 = a4.fma(b1, c41);
            c42 = a4.fma(b2, c42);
            FloatVector a5 = FloatVector.broadcast(S, xs[xa + 5]);
            c50 = a5.fma(b0, c50);
            c51 = a5.fma(b1, c51);
            c52 = a5.fma(b2, c52);
            FloatVector a6 = FloatVector.broadcast(S, xs[xa + 6]);
            c60 = a6.fma(b0, c60);
            c61 = a6.fma(b1, c61);
            c62 = a6.fma(b2, c62);
            FloatVector a7 = FloatVector.broadcast(S, xs[xa + 7]);
            c70 = a7.fma(b0, c70);
            c71 = a7.fma(b1, c71);
            c72 = a7.fma(b2, c72);
        }
        int bAt = u * WIDTH;
        FloatVector v0 = FloatVector.fromArray(S, expandBias, bAt), v1 = FloatVector.fromArray(S, expandBias, bAt + L),
                v2 = FloatVector.fromArray(S, expandBias, bAt + 2 * L);
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
}
