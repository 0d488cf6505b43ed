package io.cnnkit.exec.kernel.elementwise;

import io.cnnkit.compiler.op.Op;
import io.cnnkit.exec.Tensor;
import io.cnnkit.exec.kernel.Activation;
import io.cnnkit.exec.kernel.Epilogue;
import io.cnnkit.exec.kernel.Kernel;
import io.cnnkit.exec.kernel.Parallel;
import io.cnnkit.exec.kernel.Simd;
import io.cnnkit.exec.kernel.Workspace;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Memory-bound kernels: element-wise maps, per-channel affine (batchnorm), sums, copies, concat,
 * zero padding, LRN and softmax. Each is a small immutable kernel; element-wise ones may run in
 * place on their input's buffer.
 */
public final class SimpleKernels {
    /** Elements per parallel work item of the element-wise kernels. */
    private static final int CHUNK = 1 << 14;

    private SimpleKernels() {
    }

    /** A kernel whose output may be its first input's buffer: element i is read before it is written. */
    interface InPlace extends Kernel {
        @Override
        default boolean inPlace() {
            return true;
        }
    }

    private static int chunks(int size) {
        return (size + CHUNK - 1) / CHUNK;
    }

    /** A function of one float: an element-wise operator. */
    public interface FloatFunction {
        float apply(float v);
    }

    /** An element-wise operator that is not fused into its producer: relu, relu6, leakyrelu, tanh, sigmoid. */
    public record Unary(FloatFunction function, int[] outputShape) implements InPlace {
        @Override
        public void run(Tensor[] inputs, Tensor output, Workspace ws) {
            Tensor x = inputs[0];
            int size = output.size();
            Parallel.forRange(ws, chunks(size), CHUNK, (slot, from, to) -> {
                float[] in = x.data(), out = output.data();
                for (int i = from * CHUNK, end = Math.min(size, to * CHUNK); i < end; i++) {
                    out[output.offset() + i] = function.apply(in[x.offset() + i]);
                }
            });
        }
    }

    /** Batchnorm at inference: y = x * scale[c] + shift[c]. */
    public record Affine(float[] scale, float[] shift, int[] outputShape) implements InPlace {
        @Override
        public void run(Tensor[] inputs, Tensor output, Workspace ws) {
            Tensor x = inputs[0];
            int channels = outputShape[1];
            int area = Tensor.sampleSize(outputShape) / channels;
            Parallel.forRange(ws, outputShape[0] * channels, area, (slot, from, to) -> {
                for (int plane = from; plane < to; plane++) {
                    int c = plane % channels;
                    int in = x.offset() + plane * area, out = output.offset() + plane * area;
                    for (int i = 0; i < area; i++) {
                        output.data()[out + i] = x.data()[in + i] * scale[c] + shift[c];
                    }
                }
            });
        }
    }

    /** The sum of all inputs, then an optional fused activation; vectorised through {@link Epilogue}. */
    public static final class Sum implements InPlace {
        private final int[] outputShape;
        private final Epilogue add;
        private final Epilogue addThenActivate;

        public Sum(Activation activation, int[] outputShape, boolean scalar) {
            this.outputShape = outputShape.clone();
            this.add = new Epilogue(Activation.NONE, scalar);
            this.addThenActivate = new Epilogue(activation, scalar);
        }

        @Override
        public int[] outputShape() {
            return outputShape.clone();
        }

        /** The output may be any input's buffer (the memory plan's in-place add): that input is the starting sum. */
        @Override
        public void run(Tensor[] inputs, Tensor output, Workspace ws) {
            int size = output.size();
            int own = -1;
            for (int t = 0; t < inputs.length; t++) {
                if (sameBuffer(inputs[t], output)) {
                    own = t;
                }
            }
            int start = Math.max(own, 0);
            boolean inPlace = own >= 0;
            Tensor first = inputs[start];
            int last = start == inputs.length - 1 ? inputs.length - 2 : inputs.length - 1;
            Parallel.forRange(ws, chunks(size), CHUNK, (slot, from, to) -> {
                int i0 = from * CHUNK, len = Math.min(size, to * CHUNK) - i0;
                int o = output.offset() + i0;
                if (!inPlace) {
                    System.arraycopy(first.data(), first.offset() + i0, output.data(), o, len);
                }
                for (int t = 0; t < inputs.length; t++) {
                    if (t != start) {
                        Epilogue e = t == last ? addThenActivate : add;
                        e.apply(output.data(), o, len, 0f, inputs[t].data(), inputs[t].offset() + i0);
                    }
                }
                if (inputs.length == 1) {
                    addThenActivate.apply(output.data(), o, len, 0f, null, 0);
                }
            });
        }
    }

    /** Input, flatten, dropout: the values unchanged (nothing to do when the buffers coincide). */
    public record Copy(int[] outputShape) implements InPlace {
        @Override
        public void run(Tensor[] inputs, Tensor output, Workspace ws) {
            Tensor x = inputs[0];
            if (!sameBuffer(x, output)) {
                System.arraycopy(x.data(), x.offset(), output.data(), output.offset(), output.size());
            }
        }
    }

    /** Concatenation on axis 1: per sample, the inputs' blocks one after another, one block per work item. */
    public record Concat(int[] outputShape) implements Kernel {
        @Override
        public void run(Tensor[] inputs, Tensor output, Workspace ws) {
            int batch = outputShape[0];
            int sample = Tensor.sampleSize(outputShape);
            Parallel.forRange(ws, batch * inputs.length, sample / inputs.length, (slot, from, to) -> {
                for (int item = from; item < to; item++) {
                    int b = item / inputs.length, in = item % inputs.length;
                    int at = output.offset() + b * sample;
                    for (int t = 0; t < in; t++) {
                        at += inputs[t].size() / batch;
                    }
                    Tensor t = inputs[in];
                    int block = t.size() / batch;
                    System.arraycopy(t.data(), t.offset() + b * block, output.data(), at, block);
                }
            });
        }
    }

    public record ZeroPad(Op.ZeroPad op, int[] outputShape) implements Kernel {
        @Override
        public void run(Tensor[] inputs, Tensor output, Workspace ws) {
            Tensor x = inputs[0];
            int planes = outputShape[0] * outputShape[1], outH = outputShape[2], outW = outputShape[3];
            int inH = x.dim(2), inW = x.dim(3);
            float[] o = output.data();
            Arrays.fill(o, output.offset(), output.offset() + output.size(), 0f);
            for (int pl = 0; pl < planes; pl++) {
                for (int y = 0; y < inH; y++) {
                    System.arraycopy(x.data(), x.offset() + (pl * inH + y) * inW, o,
                            output.offset() + (pl * outH + y + op.pad().top()) * outW + op.pad().left(), inW);
                }
            }
        }
    }

    /**
     * PyTorch LocalResponseNorm over runs of {@link #CHUNK_LRN} positions of one image: per channel,
     * the squares of the channel window are summed lane-wise; beta 0.75 (AlexNet, GoogLeNet) and
     * 0.5 use square roots instead of pow.
     */
    public record Lrn(Op.Lrn op, int[] outputShape, boolean scalar) implements Kernel {
        private static final int CHUNK_LRN = 512;
        private static final VectorSpecies<Float> S = Simd.S;

        @Override
        public void run(Tensor[] inputs, Tensor output, Workspace ws) {
            Tensor x = inputs[0];
            int ch = outputShape[1], area = outputShape[2] * outputShape[3];
            int chunks = (area + CHUNK_LRN - 1) / CHUNK_LRN;
            Parallel.forRange(ws, outputShape[0] * chunks, (long) ch * CHUNK_LRN * op.size(), (slot, from, to) -> {
                for (int item = from; item < to; item++) {
                    int b = item / chunks, i0 = (item % chunks) * CHUNK_LRN;
                    chunk(x.data(), x.offset() + b * ch * area, output.data(), output.offset() + b * ch * area,
                            i0, Math.min(area, i0 + CHUNK_LRN), ch, area);
                }
            });
        }

        private void chunk(float[] x, int xBase, float[] y, int yBase, int i0, int i1, int ch, int area) {
            int before = op.size() / 2, after = (op.size() - 1) / 2;
            float alphaOverSize = (float) (op.alpha() / op.size()), k = (float) op.k(), beta = (float) op.beta();
            for (int c = 0; c < ch; c++) {
                int lo = Math.max(0, c - before), hi = Math.min(ch - 1, c + after);
                int i = i0;
                if (!scalar) {
                    for (; i <= i1 - S.length(); i += S.length()) {
                        FloatVector sum = FloatVector.zero(S);
                        for (int cc = lo; cc <= hi; cc++) {
                            FloatVector v = FloatVector.fromArray(S, x, xBase + cc * area + i);
                            sum = v.fma(v, sum);
                        }
                        FloatVector base = sum.mul(alphaOverSize).add(k);
                        FloatVector div;
                        if (beta == 0.75f) {
                            FloatVector root = base.sqrt();
                            div = root.mul(root.sqrt());
                        } else if (beta == 0.5f) {
                            div = base.sqrt();
                        } else {
                            div = base.pow(beta);
                        }
                        FloatVector.fromArray(S, x, xBase + c * area + i).div(div).intoArray(y, yBase + c * area + i);
                    }
                }
                for (; i < i1; i++) {
                    double sum = 0;
                    for (int cc = lo; cc <= hi; cc++) {
                        double v = x[xBase + cc * area + i];
                        sum += v * v;
                    }
                    y[yBase + c * area + i] = (float) (x[xBase + c * area + i]
                            / Math.pow(op.k() + op.alpha() / op.size() * sum, op.beta()));
                }
            }
        }
    }

    /** Softmax over axis 1, shifted by the maximum. */
    public record Softmax(int[] outputShape) implements Kernel {
        @Override
        public void run(Tensor[] inputs, Tensor output, Workspace ws) {
            Tensor x = inputs[0];
            int ch = outputShape[1], area = Tensor.sampleSize(outputShape) / ch;
            for (int b = 0; b < outputShape[0]; b++) {
                for (int i = 0; i < area; i++) {
                    int base = b * ch * area + i;
                    float max = Float.NEGATIVE_INFINITY;
                    for (int c = 0; c < ch; c++) {
                        max = Math.max(max, x.get(base + c * area));
                    }
                    double sum = 0;
                    for (int c = 0; c < ch; c++) {
                        sum += Math.exp(x.get(base + c * area) - max);
                    }
                    for (int c = 0; c < ch; c++) {
                        output.set(base + c * area, (float) (Math.exp(x.get(base + c * area) - max) / sum));
                    }
                }
            }
        }
    }

    /** True when the two tensors are the same view of the same array (an in-place step). */
    private static boolean sameBuffer(Tensor a, Tensor b) {
        return a.data() == b.data() && a.offset() == b.offset();
    }
}
