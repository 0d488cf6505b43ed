package io.cnnkit.exec.kernel.conv;

import io.cnnkit.exec.Tensor;
import io.cnnkit.exec.kernel.Epilogue;
import io.cnnkit.exec.kernel.Folding;
import io.cnnkit.exec.kernel.Fusion;
import io.cnnkit.exec.kernel.Kernel;
import io.cnnkit.exec.kernel.KernelOptions;
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
 * Convolution where every output channel reads a single input channel (groups == Cin, depthwise
 * with any channel multiplier): a direct kernel, one output plane per work item.
 *
 * <p>The vector path is flat: it keeps the sums in registers rather than loading and storing the
 * output row once per tap. The plane is copied into scratch with its zero padding and split by
 * the stride into sh·sw phase planes ({@code xq[a][b][i][j] = xpad[i·sh + a][j·sw + b]}, rows
 * {@code wq = ceil(padded width / sw)} apart; for stride 1 the single plane is the padded input).
 * Output (oy, ox) is then position oy·wq + ox of a flat run, and every tap (ky, kx) reads the same
 * shift of that run for all outputs: its phase plane plus (ky·dh / sh)·wq + kx·dw / sw, a
 * stride-1 access whatever the stride and dilation. Two vectors of the run take all kh·kw taps,
 * then the epilogue copies each row's outW valid positions out (the wq − outW between rows are
 * computed and dropped). Planes narrower than a vector (7×7, 14×14) are vectorised this way too.
 *
 * <p>The scalar path (forced by {@link KernelOptions#scalar()}) adds weight × shifted input row into
 * the output row for each tap over the columns whose input lies inside the image.
 */
final class DepthwiseConvKernel implements Kernel {
    private static final VectorSpecies<Float> S = Simd.S;
    /**
     * The even (odd) columns of two vectors: lane i takes lane 2i (2i + 1) modulo the length of
     * the first vector in the low half and of the second in the high half ({@link #HIGH_HALF}).
     * Constant shuffles and a blend: the two-vector rearrange wraps its shuffle on every call.
     */
    private static final VectorShuffle<Float> EVEN = VectorShuffle.fromOp(S, i -> 2 * i % S.length()),
            ODD = VectorShuffle.fromOp(S, i -> (2 * i + 1) % S.length());
    private static final VectorMask<Float> HIGH_HALF = VectorMask.fromLong(S,
            ((1L << S.length()) - 1) & -(1L << S.length() / 2));

    private final int[] outShape;
    private final Window w;
    private final int batch, cin, cout, multiplier;
    private final float[] weights;
    private final float[] bias;
    private final boolean residual, scalar;
    private final Epilogue epilogue;
    /** The flat path's phase row length wq and phase plane size, and the floats of its phase planes and flat output. */
    private final int wq, planeQ, paddedLength, flatLength;
    /** The flat path's offset of each tap (ky, kx) in the phase planes. */
    private final int[] tapOffsets;
    /** Stride-1 input rows no longer than a vector: the lanes of one row, copied as one vector with zeros past it. */
    private final VectorMask<Float> rowLanes;
    /**
     * Column stride 2: the lanes of the last pair of vectors of a row (split into even and odd
     * columns) that hold columns of the row, or null where the row is whole pairs.
     */
    private final VectorMask<Float> lastEvens, lastOdds;

    DepthwiseConvKernel(int[] inShape, int[] outShape, Window w, Folding folded, Fusion fusion,
                        KernelOptions options) {
        this.outShape = outShape.clone();
        this.w = w;
        this.batch = inShape[0];
        this.cin = inShape[1];
        this.cout = outShape[1];
        this.multiplier = cout / cin;
        this.weights = folded.weights();
        this.bias = folded.bias();
        this.residual = fusion.residual();
        this.scalar = options.scalar();
        this.epilogue = new Epilogue(fusion.activation(), scalar);
        boolean flat = !scalar;
        int step = 2 * S.length();
        this.wq = flat ? ceilDiv(w.inW() + w.padLeft() + w.padRight(), w.sw()) : 0;
        // column stride 2: a vector's gap after each phase plane, where the zeros past a plane's last row land
        int gap = w.sw() == 2 ? S.length() : 0;
        this.planeQ = flat ? ceilDiv(w.inH() + w.padTop() + w.padBottom(), w.sh()) * wq + gap : 0;
        this.flatLength = flat ? ceilDiv(w.outH() * wq, step) * step : 0;
        // positions past the valid ones (dropped columns, the rounding to two vectors) read up to
        // flatLength + one phase row past the planes: zeros there, never outside the scratch
        this.paddedLength = flat ? w.sh() * w.sw() * planeQ + flatLength + wq : 0;
        // stride 1 only: with phase planes a last row's zeros would land on the next plane's first rows
        this.rowLanes = flat && w.sh() == 1 && w.sw() == 1 && w.inW() <= S.length()
                ? VectorMask.fromLong(S, (1L << w.inW()) - 1) : null;
        int last = w.inW() % (2 * S.length());
        this.lastEvens = flat && w.sw() == 2 && last > 0 ? VectorMask.fromLong(S, (1L << (last + 1) / 2) - 1) : null;
        this.lastOdds = flat && w.sw() == 2 && last > 0 ? VectorMask.fromLong(S, (1L << last / 2) - 1) : null;
        this.tapOffsets = new int[flat ? w.kh() * w.kw() : 0];
        for (int t = 0; t < tapOffsets.length; t++) {
            int dy = t / w.kw() * w.dh(), dx = t % w.kw() * w.dw();
            int phase = dy % w.sh() * w.sw() + dx % w.sw();
            tapOffsets[t] = phase * planeQ + dy / w.sh() * wq + dx / w.sw();
        }
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    @Override
    public int scratchPerSlot() {
        return paddedLength + flatLength;
    }

    @Override
    public int[] outputShape() {
        return outShape.clone();
    }

    @Override
    public long macs() {
        return (long) batch * cout * w.outSize() * w.kh() * w.kw();
    }

    @Override
    public void run(Tensor[] inputs, Tensor output, Workspace ws) {
        Tensor x = inputs[0];
        Tensor res = residual ? inputs[1] : null;
        int planes = batch * cout;
        Parallel.forRange(ws, planes, (long) w.outSize() * w.kh() * w.kw(), (slot, from, to) -> {
            if (!scalar) {
                // the padding and the floats past the planes are zero for every plane: copies fill only the rest
                Arrays.fill(ws.scratch(slot), Kernels.ALIGNED_START, Kernels.ALIGNED_START + paddedLength, 0f);
            }
            for (int plane = from; plane < to; plane++) {
                if (!scalar) {
                    flatPlane(x, res, output, plane, ws.scratch(slot));
                } else {
                    plane(x, res, output, plane);
                }
            }
        });
    }

    private void plane(Tensor x, Tensor res, Tensor out, int plane) {
        int image = plane / cout, co = plane % cout;
        int src = x.offset() + (image * cin + co / multiplier) * w.inH() * w.inW();
        int dst = out.offset() + plane * w.outSize();
        float[] xs = x.data(), o = out.data();
        Arrays.fill(o, dst, dst + w.outSize(), 0f);
        for (int oy = 0; oy < w.outH(); oy++) {
            int orow = dst + oy * w.outW();
            for (int ky = 0; ky < w.kh(); ky++) {
                int iy = oy * w.sh() - w.padTop() + ky * w.dh();
                if (iy < 0 || iy >= w.inH()) {
                    continue;
                }
                int irow = src + iy * w.inW();
                for (int kx = 0; kx < w.kw(); kx++) {
                    float wv = weights[(co * w.kh() + ky) * w.kw() + kx];
                    int shift = w.colShift(kx), hi = w.endCol(kx);
                    int ox = w.firstCol(kx);
                    for (; ox < hi; ox++) {
                        o[orow + ox] += wv * xs[irow + ox * w.sw() + shift];
                    }
                }
            }
        }
        epilogue.apply(o, dst, w.outSize(), bias[co], res == null ? null : res.data(),
                res == null ? 0 : res.offset() + plane * w.outSize());
    }

    private void flatPlane(Tensor x, Tensor res, Tensor out, int plane, float[] scratch) {
        int image = plane / cout, co = plane % cout;
        int src = x.offset() + (image * cin + co / multiplier) * w.inH() * w.inW();
        int dst = out.offset() + plane * w.outSize();
        int padded = Kernels.ALIGNED_START, flat = padded + paddedLength;
        float[] xs = x.data();
        copyIntoPhases(xs, src, scratch, padded);
        int taps = w.kh() * w.kw(), first = co * taps, lanes = S.length();
        if (taps == 9) {
            flat3x3(scratch, padded, flat, first);
        } else {
            for (int i = 0; i < flatLength; i += 2 * lanes) {
                // one loop over the taps (offsets precomputed): sums carried through nested loops were boxed by C2
                FloatVector a0 = FloatVector.zero(S), a1 = FloatVector.zero(S);
                int at = padded + i;
                for (int t = 0; t < taps; t++) {
                    FloatVector wv = FloatVector.broadcast(S, weights[first + t]);
                    int from = at + tapOffsets[t];
                    a0 = wv.fma(FloatVector.fromArray(S, scratch, from), a0);
                    a1 = wv.fma(FloatVector.fromArray(S, scratch, from + lanes), a1);
                }
                // the sums are loop phis: stored through the exact class (Simd.EXACT), or C2 may not intrinsify the store
                Simd.EXACT.cast(a0).intoArray(scratch, flat + i);
                Simd.EXACT.cast(a1).intoArray(scratch, flat + i + lanes);
            }
        }
        float[] r = res == null ? null : res.data();
        int resAt = res == null ? 0 : res.offset() + plane * w.outSize();
        if (w.outW() < 4 * lanes) {
            // short rows: gathered into one run first, so that the epilogue is one call rather than one per row
            boolean byVector = w.outW() <= lanes && lanes <= wq;
            for (int oy = 1; oy < w.outH(); oy++) {
                int from = oy * wq, to = oy * w.outW();
                if (byVector && from + lanes <= flatLength) {
                    // one vector per row; its lanes past the row land where later rows go, never on their sources
                    FloatVector.fromArray(S, scratch, flat + from).intoArray(scratch, flat + to);
                } else {
                    System.arraycopy(scratch, flat + from, scratch, flat + to, w.outW());
                }
            }
            epilogue.apply(scratch, flat, out.data(), dst, w.outSize(), bias[co], r, resAt);
            return;
        }
        for (int oy = 0; oy < w.outH(); oy++) {
            epilogue.apply(scratch, flat + oy * wq, out.data(), dst + oy * w.outW(), w.outW(), bias[co], r,
                    resAt + oy * w.outW());
        }
    }

    /**
     * The flat loop of a 3x3 kernel (MobileNet's, at any stride and dilation): the nine weights
     * broadcast once per plane and the nine tap offsets in locals, rather than loaded per vector pair.
     */
    private void flat3x3(float[] scratch, int padded, int flat, int first) {
        int lanes = S.length();
        FloatVector w0 = FloatVector.broadcast(S, weights[first]), w1 = FloatVector.broadcast(S, weights[first + 1]),
                w2 = FloatVector.broadcast(S, weights[first + 2]), w3 = FloatVector.broadcast(S, weights[first + 3]),
                w4 = FloatVector.broadcast(S, weights[first + 4]), w5 = FloatVector.broadcast(S, weights[first + 5]),
                w6 = FloatVector.broadcast(S, weights[first + 6]), w7 = FloatVector.broadcast(S, weights[first + 7]),
                w8 = FloatVector.broadcast(S, weights[first + 8]);
        int t0 = padded + tapOffsets[0], t1 = padded + tapOffsets[1], t2 = padded + tapOffsets[2],
                t3 = padded + tapOffsets[3], t4 = padded + tapOffsets[4], t5 = padded + tapOffsets[5],
                t6 = padded + tapOffsets[6], t7 = padded + tapOffsets[7], t8 = padded + tapOffsets[8];
        for (int i = 0; i < flatLength; i += 2 * lanes) {
            int j = i + lanes;
            FloatVector a0 = w0.mul(FloatVector.fromArray(S, scratch, t0 + i));
            FloatVector a1 = w0.mul(FloatVector.fromArray(S, scratch, t0 + j));
            a0 = w1.fma(FloatVector.fromArray(S, scratch, t1 + i), a0);
            a1 = w1.fma(FloatVector.fromArray(S, scratch, t1 + j), a1);
            a0 = w2.fma(FloatVector.fromArray(S, scratch, t2 + i), a0);
            a1 = w2.fma(FloatVector.fromArray(S, scratch, t2 + j), a1);
            a0 = w3.fma(FloatVector.fromArray(S, scratch, t3 + i), a0);
            a1 = w3.fma(FloatVector.fromArray(S, scratch, t3 + j), a1);
            a0 = w4.fma(FloatVector.fromArray(S, scratch, t4 + i), a0);
            a1 = w4.fma(FloatVector.fromArray(S, scratch, t4 + j), a1);
            a0 = w5.fma(FloatVector.fromArray(S, scratch, t5 + i), a0);
            a1 = w5.fma(FloatVector.fromArray(S, scratch, t5 + j), a1);
            a0 = w6.fma(FloatVector.fromArray(S, scratch, t6 + i), a0);
            a1 = w6.fma(FloatVector.fromArray(S, scratch, t6 + j), a1);
            a0 = w7.fma(FloatVector.fromArray(S, scratch, t7 + i), a0);
            a1 = w7.fma(FloatVector.fromArray(S, scratch, t7 + j), a1);
            a0 = w8.fma(FloatVector.fromArray(S, scratch, t8 + i), a0);
            a1 = w8.fma(FloatVector.fromArray(S, scratch, t8 + j), a1);
            Simd.EXACT.cast(a0).intoArray(scratch, flat + i);
            Simd.EXACT.cast(a1).intoArray(scratch, flat + j);
        }
    }

    /** The input plane at {@code src} into the zeroed phase planes at {@code padded}, each float at its padded place. */
    private void copyIntoPhases(float[] xs, int src, float[] scratch, int padded) {
        int sh = w.sh(), sw = w.sw(), inW = w.inW();
        for (int iy = 0; iy < w.inH(); iy++) {
            int py = iy + w.padTop(), row = src + iy * inW;
            int rowStart = padded + py % sh * sw * planeQ + py / sh * wq;
            if (sw == 1) {
                if (rowLanes != null && row + S.length() <= xs.length) {
                    // zeros past the row: they land on padding, or on the next row before its copy
                    FloatVector.zero(S).blend(FloatVector.fromArray(S, xs, row), rowLanes)
                            .intoArray(scratch, rowStart + w.padLeft());
                } else {
                    System.arraycopy(xs, row, scratch, rowStart + w.padLeft(), inW);
                }
                continue;
            }
            int ix = 0;
            if (sw == 2) {
                // two vectors of the row split into their even and odd columns, each stored whole into its phase
                int lanes = S.length();
                for (; ix <= inW - 2 * lanes; ix += 2 * lanes) {
                    FloatVector v0 = FloatVector.fromArray(S, xs, row + ix), v1 = FloatVector.fromArray(S, xs,
                            row + ix + lanes);
                    int px = ix + w.padLeft();
                    v0.rearrange(EVEN).blend(v1.rearrange(EVEN), HIGH_HALF)
                            .intoArray(scratch, rowStart + px % 2 * planeQ + px / 2);
                    v0.rearrange(ODD).blend(v1.rearrange(ODD), HIGH_HALF)
                            .intoArray(scratch, rowStart + (px + 1) % 2 * planeQ + (px + 1) / 2);
                }
                if (lastEvens != null && row + ix + 2 * lanes <= xs.length) {
                    // the row's last columns as a pair too, zeros in the lanes past the row: they land on its
                    // padding, on later rows of the phase plane before their copy, or in the gap after the plane
                    FloatVector v0 = FloatVector.fromArray(S, xs, row + ix), v1 = FloatVector.fromArray(S, xs,
                            row + ix + lanes), zero = FloatVector.zero(S);
                    int px = ix + w.padLeft();
                    zero.blend(v0.rearrange(EVEN).blend(v1.rearrange(EVEN), HIGH_HALF), lastEvens)
                            .intoArray(scratch, rowStart + px % 2 * planeQ + px / 2);
                    zero.blend(v0.rearrange(ODD).blend(v1.rearrange(ODD), HIGH_HALF), lastOdds)
                            .intoArray(scratch, rowStart + (px + 1) % 2 * planeQ + (px + 1) / 2);
                    continue;
                }
            }
            // the rest one float at a time, phase b and column j stepped along (a division per float cost more than the taps)
            int px = ix + w.padLeft(), b = px % sw, j = px / sw;
            for (; ix < inW; ix++) {
                scratch[rowStart + b * planeQ + j] = xs[row + ix];
                if (++b == sw) {
                    b = 0;
                    j++;
                }
            }
        }
    }
}
