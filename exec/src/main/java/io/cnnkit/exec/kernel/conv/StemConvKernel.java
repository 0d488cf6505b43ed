package io.cnnkit.exec.kernel.conv;

import io.cnnkit.exec.Tensor;
import io.cnnkit.exec.kernel.Activation;
import io.cnnkit.exec.kernel.Epilogue;
import io.cnnkit.exec.kernel.Folding;
import io.cnnkit.exec.kernel.Fusion;
import io.cnnkit.exec.kernel.Kernel;
import io.cnnkit.exec.kernel.Parallel;
import io.cnnkit.exec.kernel.Simd;
import io.cnnkit.exec.kernel.Window;
import io.cnnkit.exec.kernel.Workspace;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * A convolution of few input channels (a stem: ResNet's and GoogLeNet's 7x7 stride 2 on an
 * image's three channels) with its output channels in the vectors, and optionally the max pool
 * that alone reads its output. The GEMMs pack each position's K = 147 inputs and write the output
 * in NCHW through a row epilogue; here, per output row, a tile of {@link #COLS} positions x
 * {@link #GROUP} channels (24 accumulators) takes its inputs straight from the zero-padded phase
 * planes ({@link PhasePlanes}, one broadcast per position and tap) over all the taps at once, and
 * the row lands in scratch as {@code [position][channel]}, with its bias and a relu or relu6
 * applied in the tile (another activation then runs on the row, {@link Epilogue#applyInPlace}).
 * Then either the row goes to NCHW by 16x16 transposes, or, with the pool, each pooled row is the
 * maximum of whole vectors of channels over its window of rows kept in a ring, and only the pooled
 * row is transposed out: the convolution's output never leaves the core's cache. Images go one at
 * a time ({@link ImageByImage}); threads that share an image take contiguous ranges of its output
 * rows, and with the pool a range computes again the one convolution row it shares with the range
 * before.
 */
final class StemConvKernel implements Kernel {
    private static final VectorSpecies<Float> S = Simd.S;
    private static final Class<? extends FloatVector> EXACT = Simd.EXACT;
    private static final int L = BlockedDepthwiseConvKernel.L;
    /** Output positions and channels of one tile: 6 x 4 vectors. */
    static final int COLS = 6, GROUP = 4 * L;
    /** Most input channels: a stem's image (an RGB image has three, a grey one one). */
    static final int MAX_CHANNELS = 4;
    /** The system property that keeps stems on the GEMMs when {@code off} (default {@code auto}). */
    static final String PROPERTY = "cnnkit.stem";

    private final Window w;
    /** The max pool after the convolution, or null. */
    private final Window pool;
    private final PhasePlanes planes;
    private final int batch, inChannels, channels, taps, convW, outH, outW, outPlane, rowFloats;
    /** Weights as {@code [channel group][tap][64]}, each tap's 64 channels one row of vectors. */
    private final float[] packed;
    private final float[] bias, zeros;
    /** The activation as clamps applied in the tile with the bias (relu: low 0; relu6: also high 6). */
    private final float low, high;
    /** The activation when it is not a clamp, on each row afterwards; null for none or a clamp. */
    private final Epilogue after;
    private final int[] outShape;
    /** Range r of an image's output rows is [bounds[r], bounds[r + 1]). */
    private final int[] bounds;
    private final ImageByImage images;
    /** A row's position i at i · channels; the output's channel j at j · outPlane: the transposes' indices. */
    private final int[] positionIndex = new int[L], planeIndex = new int[L];

    /**
     * {@code w}: the convolution's window; {@code pool}: the max pool's over the convolution's
     * output, or null. The caller has checked {@link #chosen}.
     */
    StemConvKernel(int[] inShape, int[] convShape, Window w, Window pool, Folding folded, Fusion fusion, int threads) {
        if (!applies(inShape, convShape, w, 1, fusion, pool)) {
            throw new IllegalArgumentException("the stem kernel takes at most " + MAX_CHANNELS
                    + " input channels, a multiple of " + GROUP + " output channels, rows of at least " + COLS
                    + " outputs and no residual");
        }
        this.w = w;
        this.pool = pool;
        this.batch = inShape[0];
        this.inChannels = inShape[1];
        this.channels = convShape[1];
        this.taps = inChannels * w.kh() * w.kw();
        this.convW = w.outW();
        this.outH = pool == null ? w.outH() : pool.outH();
        this.outW = pool == null ? w.outW() : pool.outW();
        this.outPlane = outH * outW;
        this.rowFloats = convW * channels;
        this.outShape = new int[] {batch, channels, outH, outW};
        this.planes = new PhasePlanes(w, inChannels);
        Activation.Kind kind = fusion.activation().kind();
        boolean clamp = kind == Activation.Kind.RELU || kind == Activation.Kind.RELU6;
        this.low = clamp ? 0f : Float.NEGATIVE_INFINITY;
        this.high = kind == Activation.Kind.RELU6 ? 6f : Float.POSITIVE_INFINITY;
        this.after = clamp || kind == Activation.Kind.NONE ? null : new Epilogue(fusion.activation(), false);
        this.bias = folded.bias();
        this.zeros = new float[channels];
        float[] weights = folded.weights();   // [channel][tap]
        this.packed = new float[channels * taps];
        for (int c = 0; c < channels; c++) {
            int group = c / GROUP, lane = c % GROUP;
            for (int t = 0; t < taps; t++) {
                packed[(group * taps + t) * GROUP + lane] = weights[c * taps + t];
            }
        }
        for (int i = 0; i < L; i++) {
            positionIndex[i] = i * channels;
            planeIndex[i] = i * outPlane;
        }
        int parts = Math.max(1, Math.min(threads, outH));
        this.bounds = new int[parts + 1];
        for (int r = 0; r <= parts; r++) {
            bounds[r] = (int) ((long) outH * r / parts);
        }
        this.images = new ImageByImage(batch, planes.bufferSize(inChannels), threads);
    }

    /**
     * Whether the kernel computes this convolution (and pool, if not null) and is worth it: 512-bit
     * vectors, a stem's few input channels, one group, output channels in whole groups of 64, no
     * residual; a pool with stride and no dilation whose every window holds a convolution output.
     */
    static boolean chosen(int[] inShape, int[] convShape, Window w, int groups, Fusion fusion, Window pool) {
        return !"off".equals(System.getProperty(PROPERTY)) && applies(inShape, convShape, w, groups, fusion, pool);
    }

    private static boolean applies(int[] inShape, int[] convShape, Window w, int groups, Fusion fusion, Window pool) {
        boolean conv = S.length() == L && groups == 1 && inShape[1] <= MAX_CHANNELS && convShape[1] % GROUP == 0
                && w.outW() >= COLS && !fusion.residual();
        return conv && (pool == null || pool.dh() == 1 && pool.dw() == 1
                && windowsHoldAnInput(pool.outH(), pool.sh(), pool.padTop(), pool.kh(), pool.inH())
                && windowsHoldAnInput(pool.outW(), pool.sw(), pool.padLeft(), pool.kw(), pool.inW()));
    }

    private static boolean windowsHoldAnInput(int outputs, int stride, int pad, int size, int inputs) {
        for (int o = 0; o < outputs; o++) {
            int from = o * stride - pad;
            if (from + size <= 0 || from >= inputs) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int[] outputShape() {
        return outShape.clone();
    }

    @Override
    public int sharedScratch() {
        // with the pool, room for every image's planes: the pooled output may take the input's buffer
        return pool == null || batch == 1 ? images.sharedScratch()
                : Math.max(images.sharedScratch(), batch * images.imageFloats());
    }

    /** The transposes' 256 floats, then one convolution row (a ring of a pool window's rows) and a pooled row. */
    @Override
    public int scratchPerSlot() {
        int rows = pool == null ? 1 : pool.kh();
        return L * L + rows * rowFloats + (pool == null ? 0 : outW * channels);
    }

    @Override
    public long macs() {
        return (long) batch * w.outH() * convW * channels * taps;
    }

    @Override
    public void run(Tensor[] inputs, Tensor output, Workspace ws) {
        float[] padded = ws.shared();
        Tensor x = inputs[0];
        // the pooled output may take the input's buffer (ExecutionPlan): then every image is read before any is written
        boolean fillFirst = pool != null && batch > 1 && overlap(x, output);
        int imageFloats = images.imageFloats();
        for (int image = 0; fillFirst && image < batch; image++) {
            planes.fill(ws, x, image * inChannels, inChannels, padded, image * imageFloats);
        }
        images.run(ws, macs(), (image, slotAt, scratch) -> {
            int at = fillFirst ? image * imageFloats : slotAt;
            if (!fillFirst) {
                planes.fill(x, image * inChannels, inChannels, padded, at);
            }
            rows(padded, at, output, scratch, image, 0, outH);
        }, image -> {
            int at = fillFirst ? image * imageFloats : 0;
            if (!fillFirst) {
                planes.fill(ws, x, image * inChannels, inChannels, padded, 0);
            }
            Parallel.forRanges(ws, bounds, macs() / batch, (slot, from, to) ->
                    rows(padded, at, output, ws.scratch(slot), image, from, to));
        });
    }

    private static boolean overlap(Tensor a, Tensor b) {
        return a.data() == b.data() && a.offset() < b.offset() + b.size() && b.offset() < a.offset() + a.size();
    }

    /** Output rows [from, to) of {@code image}, whose planes are at {@code planesAt}. */
    private void rows(float[] padded, int planesAt, Tensor out, float[] scratch, int image, int from, int to) {
        int ring = L * L;
        if (pool == null) {
            for (int oy = from; oy < to; oy++) {
                convolveRow(padded, planesAt, oy, scratch, ring);
                storeRow(scratch, ring, out, image, oy);
            }
            return;
        }
        int pooled = ring + pool.kh() * rowFloats;
        int done = -1;   // the last convolution row in the ring
        for (int py = from; py < to; py++) {
            int r0 = Math.max(0, py * pool.sh() - pool.padTop()), r1 = Math.min(w.outH(),
                    py * pool.sh() - pool.padTop() + pool.kh());
            for (int r = Math.max(r0, done + 1); r < r1; r++) {
                convolveRow(padded, planesAt, r, scratch, ring + r % pool.kh() * rowFloats);
            }
            done = Math.max(done, r1 - 1);
            poolRow(scratch, ring, r0, r1, pooled);
            storeRow(scratch, pooled, out, image, py);
        }
    }

    /** Convolution row {@code oy} of the image whose planes are at {@code planesAt}, bias and activation applied, to {@code dst[at]} as [position][channel]. */
    private void convolveRow(float[] padded, int planesAt, int oy, float[] dst, int at) {
        int[] offsets = planes.offsets();
        int rowAt = planesAt + oy * planes.width();
        for (int group = 0; group < channels / GROUP; group++) {
            int wAt = group * taps * GROUP;
            for (int ox = 0; ox < convW; ox += COLS) {
                int x0 = Math.min(ox, convW - COLS);   // the last tile overlaps the one before
                tile(padded, rowAt + x0, offsets, taps, packed, wAt, group * GROUP, dst,
                        at + x0 * channels + group * GROUP, channels);
            }
        }
        if (after != null) {
            after.applyInPlace(dst, at, channels, convW, channels, zeros, 0);
        }
    }

    /** Pooled row of convolution rows [r0, r1) (in the ring at {@code ring}) to {@code dst[at]} as [position][channel]. */
    private void poolRow(float[] scratch, int ring, int r0, int r1, int at) {
        for (int px = 0; px < outW; px++) {
            int x0 = Math.max(0, px * pool.sw() - pool.padLeft()),
                    x1 = Math.min(convW, px * pool.sw() - pool.padLeft() + pool.kw());
            for (int c = 0; c < channels; c += L) {
                FloatVector m = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
                for (int r = r0; r < r1; r++) {
                    int row = ring + r % pool.kh() * rowFloats + c;
                    for (int x = x0; x < x1; x++) {
                        m = m.max(FloatVector.fromArray(S, scratch, row + x * channels));
                    }
                }
                m.intoArray(scratch, at + px * channels + c);
            }
        }
    }

    /** A row of {@link #outW} positions at {@code src} ([position][channel]) to output row {@code oy} of {@code image}. */
    private void storeRow(float[] scratch, int src, Tensor out, int image, int oy) {
        float[] o = out.data();
        int dst = out.offset() + image * channels * outPlane + oy * outW;
        if (outW < L) {
            for (int c = 0; c < channels; c++) {
                for (int x = 0; x < outW; x++) {
                    o[dst + c * outPlane + x] = scratch[src + x * channels + c];
                }
            }
            return;
        }
        BlockedDepthwiseConvKernel.transposeToPlanes(scratch, src, positionIndex, outW, channels, o, dst, planeIndex,
                scratch, 0);
    }

    /**
     * c[co + j · ldc + v · 16 + lane] = clamp(bias[biasAt + v · 16 + lane] + sum over taps t of x[at +
     * offsets[t] + j] · w[wAt + t · 64 + v · 16 + lane]) for positions j < 6 and vectors v < 4, the
     * clamp being the activation's ({@link #low}, {@link #high}). Written out in one method: on JDK
     * 17 a FloatVector passed to a helper is boxed.
     */
    private void tile(float[] x, int at, int[] offsets, int taps, float[] w, int wAt, int biasAt, float[] c, int co,
                      int ldc) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S), c02 = FloatVector.zero(S),
                c03 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S), c12 = FloatVector.zero(S),
                c13 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S), c22 = FloatVector.zero(S),
                c23 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S), c32 = FloatVector.zero(S),
                c33 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S), c42 = FloatVector.zero(S),
                c43 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S), c52 = FloatVector.zero(S),
                c53 = FloatVector.zero(S);
        for (int t = 0; t < taps; t++) {
            int xk = at + offsets[t], wk = wAt + t * GROUP;
            FloatVector w0 = FloatVector.fromArray(S, w, wk);
            FloatVector w1 = FloatVector.fromArray(S, w, wk + L);
            FloatVector w2 = FloatVector.fromArray(S, w, wk + 2 * L);
            FloatVector w3 = FloatVector.fromArray(S, w, wk + 3 * L);
            FloatVector x0 = FloatVector.broadcast(S, x[xk]);
            c00 = x0.fma(w0, c00);
            c01 = x0.fma(w1, c01);
            c02 = x0.fma(w2, c02);
            c03 = x0.fma(w3, c03);
            FloatVector x1 = FloatVector.broadcast(S, x[xk + 1]);
            c10 = x1.fma(w0, c10);
            c11 = x1.fma(w1, c11);
            c12 = x1.fma(w2, c12);
            c13 = x1.fma(w3, c13);
            FloatVector x2 = FloatVector.broadcast(S, x[xk + 2]);
            c20 = x2.fma(w0, c20);
            c21 = x2.fma(w1, c21);
            c22 = x2.fma(w2, c22);
            c23 = x2.fma(w3, c23);
            FloatVector x3 = FloatVector.broadcast(S, x[xk + 3]);
            c30 = x3.fma(w0, c30);
            c31 = x3.fma(w1, c31);
            c32 = x3.fma(w2, c32);
            c33 = x3.fma(w3, c33);
            FloatVector x4 = FloatVector.broadcast(S, x[xk + 4]);
            c40 = x4.fma(w0, c40);
            c41 = x4.fma(w1, c41);
            c42 = x4.fma(w2, c42);
            c43 = x4.fma(w3, c43);
            FloatVector x5 = FloatVector.broadcast(S, x[xk + 5]);
            c50 = x5.fma(w0, c50);
            c51 = x5.fma(w1, c51);
            c52 = x5.fma(w2, c52);
            c53 = x5.fma(w3, c53);
        }
        FloatVector b0 = FloatVector.fromArray(S, bias, biasAt), b1 = FloatVector.fromArray(S, bias, biasAt + L),
                b2 = FloatVector.fromArray(S, bias, biasAt + 2 * L), b3 = FloatVector.fromArray(S, bias, biasAt + 3 * L);
        FloatVector lo = FloatVector.broadcast(S, low), hi = FloatVector.broadcast(S, high);
        EXACT.cast(c00.add(b0).max(lo).min(hi)).intoArray(c, co);
        EXACT.cast(c01.add(b1).max(lo).min(hi)).intoArray(c, co + L);
        EXACT.cast(c02.add(b2).max(lo).min(hi)).intoArray(c, co + 2 * L);
        EXACT.cast(c03.add(b3).max(lo).min(hi)).intoArray(c, co + 3 * L);
        EXACT.cast(c10.add(b0).max(lo).min(hi)).intoArray(c, co + ldc);
        EXACT.cast(c11.add(b1).max(lo).min(hi)).intoArray(c, co + ldc + L);
        EXACT.cast(c12.add(b2).max(lo).min(hi)).intoArray(c, co + ldc + 2 * L);
        EXACT.cast(c13.add(b3).max(lo).min(hi)).intoArray(c, co + ldc + 3 * L);
        EXACT.cast(c20.add(b0).max(lo).min(hi)).intoArray(c, co + 2 * ldc);
        EXACT.cast(c21.add(b1).max(lo).min(hi)).intoArray(c, co + 2 * ldc + L);
        EXACT.cast(c22.add(b2).max(lo).min(hi)).intoArray(c, co + 2 * ldc + 2 * L);
        EXACT.cast(c23.add(b3).max(lo).min(hi)).intoArray(c, co + 2 * ldc + 3 * L);
        EXACT.cast(c30.add(b0).max(lo).min(hi)).intoArray(c, co + 3 * ldc);
        EXACT.cast(c31.add(b1).max(lo).min(hi)).intoArray(c, co + 3 * ldc + L);
        EXACT.cast(c32.add(b2).max(lo).min(hi)).intoArray(c, co + 3 * ldc + 2 * L);
        EXACT.cast(c33.add(b3).max(lo).min(hi)).intoArray(c, co + 3 * ldc + 3 * L);
        EXACT.cast(c40.add(b0).max(lo).min(hi)).intoArray(c, co + 4 * ldc);
        EXACT.cast(c41.add(b1).max(lo).min(hi)).intoArray(c, co + 4 * ldc + L);
        EXACT.cast(c42.add(b2).max(lo).min(hi)).intoArray(c, co + 4 * ldc + 2 * L);
        EXACT.cast(c43.add(b3).max(lo).min(hi)).intoArray(c, co + 4 * ldc + 3 * L);
        EXACT.cast(c50.add(b0).max(lo).min(hi)).intoArray(c, co + 5 * ldc);
        EXACT.cast(c51.add(b1).max(lo).min(hi)).intoArray(c, co + 5 * ldc + L);
        EXACT.cast(c52.add(b2).max(lo).min(hi)).intoArray(c, co + 5 * ldc + 2 * L);
        EXACT.cast(c53.add(b3).max(lo).min(hi)).intoArray(c, co + 5 * ldc + 3 * L);
    }
}
