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
import jdk.incubator.vector.VectorSpecies;

/**
 * Convolution where every output channel reads a single input channel (groups == Cin, depthwise
 * with any channel multiplier): a direct kernel, one output plane per work item. For each tap it
 * adds weight * shifted input row into the output row over the range of columns whose input lies
 * inside the image, so padding costs nothing; with stride 1 that inner loop is a vector fma.
 *
 * <p>Large kernels of stride 1 (5×5 and up: MobileNet-v3's and EfficientNet's 5×5, ConvNeXt's
 * 7×7) take a flat path instead, which keeps the sums in registers rather than loading and storing
 * the output row once per tap: the plane is copied into scratch with its zero padding, rows
 * {@code pw = outW + kw − 1} apart, so that output (oy, ox) is position oy·pw + ox of a flat run
 * and every tap is the same shift of it for all outputs; two vectors of that run take all
 * kh·kw taps, then the epilogue copies each row's outW valid positions out (the kw − 1 between
 * rows are computed and dropped). Small planes (7×7, 14×14) are vectorised this way too.
 */
final class DepthwiseConvKernel implements Kernel {
    private static final VectorSpecies<Float> S = Simd.S;

    private final int[] outShape;
    private final Window w;
    private final int batch, cin, cout, multiplier;
    private final float[] weights;
    private final float[] bias;
    private final boolean residual, scalar;
    private final Epilogue epilogue;
    /** The flat path's padded row length and the floats of its padded plane and flat output; 0 off it. */
    private final int pw, paddedLength, flatLength;
    /** The flat path's offset of each tap (ky, kx) in the padded plane: ky·pw + kx. */
    private final int[] tapOffsets;

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
        boolean flat = !scalar && w.kh() >= 5 && w.kw() >= 5 && w.sh() == 1 && w.sw() == 1 && w.dh() == 1
                && w.dw() == 1;
        int step = 2 * S.length();
        this.pw = flat ? w.outW() + w.kw() - 1 : 0;
        this.flatLength = flat ? (w.outH() * pw + step - 1) / step * step : 0;
        this.paddedLength = flat ? flatLength + (w.kh() - 1) * pw + w.kw() : 0;
        this.tapOffsets = new int[flat ? w.kh() * w.kw() : 0];
        for (int t = 0; t < tapOffsets.length; t++) {
            tapOffsets[t] = t / w.kw() * pw + t % w.kw();
        }
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
            for (int plane = from; plane < to; plane++) {
                if (pw > 0) {
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
                    if (w.sw() == 1 && !scalar) {
                        FloatVector wvv = FloatVector.broadcast(S, wv);
                        for (; ox <= hi - S.length(); ox += S.length()) {
                            FloatVector acc = FloatVector.fromArray(S, o, orow + ox);
                            wvv.fma(FloatVector.fromArray(S, xs, irow + ox + shift), acc).intoArray(o, orow + ox);
                        }
                    }
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
        Arrays.fill(scratch, padded, padded + paddedLength, 0f);
        for (int iy = 0; iy < w.inH(); iy++) {
            System.arraycopy(xs, src + iy * w.inW(), scratch, padded + (iy + w.padTop()) * pw + w.padLeft(), w.inW());
        }
        int taps = w.kh() * w.kw(), first = co * taps, lanes = S.length();
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
        float[] r = res == null ? null : res.data();
        int resAt = res == null ? 0 : res.offset() + plane * w.outSize();
        for (int oy = 0; oy < w.outH(); oy++) {
            epilogue.apply(scratch, flat + oy * pw, out.data(), dst + oy * w.outW(), w.outW(), bias[co], r,
                    resAt + oy * w.outW());
        }
    }
}
