package io.cnnkit.exec.kernel.dense;

import io.cnnkit.exec.Tensor;
import io.cnnkit.exec.kernel.Activation;
import io.cnnkit.exec.kernel.Folding;
import io.cnnkit.exec.kernel.Fusion;
import io.cnnkit.exec.kernel.Kernel;
import io.cnnkit.exec.kernel.KernelOptions;
import io.cnnkit.exec.kernel.Parallel;
import io.cnnkit.exec.kernel.Simd;
import io.cnnkit.exec.kernel.Workspace;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * A fully connected layer as one GEMV per sample (memory-bound at batch 1): four weight rows at a
 * time share each load of the input vector. Rows of outputs are split over the slots.
 */
public final class DenseKernel implements Kernel {
    private static final VectorSpecies<Float> S = Simd.S;
    private static final int ROWS = 4;

    private final int batch, in, units;
    private final float[] weights;
    private final float[] bias;
    private final boolean scalar;
    private final Activation activation;

    public DenseKernel(int batch, int in, int units, Folding folded, Fusion fusion, KernelOptions options) {
        this.batch = batch;
        this.in = in;
        this.units = units;
        this.weights = folded.weights();
        this.bias = folded.bias();
        this.scalar = options.scalar();
        this.activation = fusion.activation();
        if (fusion.residual()) {
            throw new IllegalArgumentException("dense does not fuse a residual add");
        }
    }

    @Override
    public int[] outputShape() {
        return new int[] {batch, units};
    }

    @Override
    public long macs() {
        return (long) batch * units * in;
    }

    @Override
    public void run(Tensor[] inputs, Tensor output, Workspace ws) {
        Tensor x = inputs[0];
        int blocks = (units + ROWS - 1) / ROWS;
        Parallel.forRange(ws, batch * blocks, (long) ROWS * in, (slot, from, to) -> {
            for (int item = from; item < to; item++) {
                int image = item / blocks, o0 = (item % blocks) * ROWS;
                rows(x.data(), x.offset() + image * in, o0, Math.min(units, o0 + ROWS),
                        output.data(), output.offset() + image * units);
            }
        });
    }

    private void rows(float[] x, int xAt, int o0, int o1, float[] y, int yAt) {
        int o = o0;
        if (!scalar && o1 - o0 == ROWS) {
            int w0 = o * in, w1 = w0 + in, w2 = w1 + in, w3 = w2 + in;
            FloatVector a0 = FloatVector.zero(S), a1 = FloatVector.zero(S);
            FloatVector a2 = FloatVector.zero(S), a3 = FloatVector.zero(S);
            int i = 0;
            for (; i <= in - S.length(); i += S.length()) {
                FloatVector xv = FloatVector.fromArray(S, x, xAt + i);
                a0 = FloatVector.fromArray(S, weights, w0 + i).fma(xv, a0);
                a1 = FloatVector.fromArray(S, weights, w1 + i).fma(xv, a1);
                a2 = FloatVector.fromArray(S, weights, w2 + i).fma(xv, a2);
                a3 = FloatVector.fromArray(S, weights, w3 + i).fma(xv, a3);
            }
            float s0 = a0.reduceLanes(VectorOperators.ADD), s1 = a1.reduceLanes(VectorOperators.ADD);
            float s2 = a2.reduceLanes(VectorOperators.ADD), s3 = a3.reduceLanes(VectorOperators.ADD);
            for (; i < in; i++) {
                float xv = x[xAt + i];
                s0 += weights[w0 + i] * xv;
                s1 += weights[w1 + i] * xv;
                s2 += weights[w2 + i] * xv;
                s3 += weights[w3 + i] * xv;
            }
            y[yAt + o] = activation.apply(s0 + bias[o]);
            y[yAt + o + 1] = activation.apply(s1 + bias[o + 1]);
            y[yAt + o + 2] = activation.apply(s2 + bias[o + 2]);
            y[yAt + o + 3] = activation.apply(s3 + bias[o + 3]);
            return;
        }
        for (; o < o1; o++) {
            float s = 0;
            for (int i = 0; i < in; i++) {
                s += weights[o * in + i] * x[xAt + i];
            }
            y[yAt + o] = activation.apply(s + bias[o]);
        }
    }
}
