package io.cnnkit.exec.kernel.conv;

import io.cnnkit.exec.Tensor;
import io.cnnkit.exec.kernel.Epilogue;
import io.cnnkit.exec.kernel.Folding;
import io.cnnkit.exec.kernel.Fusion;
import io.cnnkit.exec.kernel.Kernel;
import io.cnnkit.exec.kernel.KernelOptions;
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
                plane(x, res, output, plane);
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
}
