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
 * A fully connected layer as one GEMV per sample (memory-bound at batch 1), its weight rows read
 * in order. Blocks of outputs are split over the slots.
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

    /**
     * Outputs [o0, o1) of one sample. The weight rows are read one after the other, so that the
     * layer's weights, which come from memory at batch 1, are one sequential stream (four rows
     * read side by side made four short streams, which the prefetchers followed less well); four
     * partial sums per row keep the multiply-adds independent.
     */
    private void rows(float[] x, int xAt, int o0, int o1, float[] y, int yAt) {
        int lanes = S.length(), step = 4 * lanes;
        for (int o = o0; o < o1; o++) {
            int w = o * in, i = 0;
            float s = 0;
            if (!scalar) {
                FloatVector a0 = FloatVector.zero(S), a1 = FloatVector.zero(S);
                FloatVector a2 = FloatVector.zero(S), a3 = FloatVector.zero(S);
                for (; i <= in - step; i += step) {
                    a0 = FloatVector.fromArray(S, weights, w + i).fma(FloatVector.fromArray(S, x, xAt + i), a0);
                    a1 = FloatVector.fromArray(S, weights, w + i + lanes)
                            .fma(FloatVector.fromArray(S, x, xAt + i + lanes), a1);
                    a2 = FloatVector.fromArray(S, weights, w + i + 2 * lanes)
                            .fma(FloatVector.fromArray(S, x, xAt + i + 2 * lanes), a2);
                    a3 = FloatVector.fromArray(S, weights, w + i + 3 * lanes)
                            .fma(FloatVector.fromArray(S, x, xAt + i + 3 * lanes), a3);
                }
                for (; i <= in - lanes; i += lanes) {
                    a0 = FloatVector.fromArray(S, weights, w + i).fma(FloatVector.fromArray(S, x, xAt + i), a0);
                }
                s = a0.add(a1).add(a2.add(a3)).reduceLanes(VectorOperators.ADD);
            }
            for (; i < in; i++) {
                s += weights[w + i] * x[xAt + i];
            }
            y[yAt + o] = activation.apply(s + bias[o]);
        }
    }
}
