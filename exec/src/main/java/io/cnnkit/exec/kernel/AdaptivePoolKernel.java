package io.cnnkit.exec.kernel;

import io.cnnkit.analyzer.ConvArithmetic;
import io.cnnkit.exec.Tensor;

/**
 * Adaptive average or max pooling whose output does not divide its input, so that windows differ
 * in size and overlap (PyTorch's rule, {@link ConvArithmetic#adaptiveStart}); one channel plane per
 * work item, the window bounds computed once per kernel. Outputs that divide the input run as a
 * plain {@link PoolKernel} instead ({@link Kernels}).
 */
final class AdaptivePoolKernel implements Kernel {
    private final int[] outputShape;
    private final boolean max;
    private final int inH, inW;
    private final int[] rowStart, rowEnd, colStart, colEnd;

    AdaptivePoolKernel(int[] inputShape, int[] outputShape, boolean max) {
        this.outputShape = outputShape.clone();
        this.max = max;
        this.inH = inputShape[2];
        this.inW = inputShape[3];
        int outH = outputShape[2], outW = outputShape[3];
        rowStart = new int[outH];
        rowEnd = new int[outH];
        colStart = new int[outW];
        colEnd = new int[outW];
        for (int i = 0; i < outH; i++) {
            rowStart[i] = ConvArithmetic.adaptiveStart(i, inH, outH);
            rowEnd[i] = ConvArithmetic.adaptiveEnd(i, inH, outH);
        }
        for (int j = 0; j < outW; j++) {
            colStart[j] = ConvArithmetic.adaptiveStart(j, inW, outW);
            colEnd[j] = ConvArithmetic.adaptiveEnd(j, inW, outW);
        }
    }

    @Override
    public int[] outputShape() {
        return outputShape.clone();
    }

    @Override
    public void run(Tensor[] inputs, Tensor output, Workspace ws) {
        Tensor x = inputs[0];
        int planes = outputShape[0] * outputShape[1];
        int outH = rowStart.length, outW = colStart.length;
        Parallel.forRange(ws, planes, (long) inH * inW, (slot, from, to) -> {
            float[] in = x.data(), out = output.data();
            for (int plane = from; plane < to; plane++) {
                int base = x.offset() + plane * inH * inW;
                int o = output.offset() + plane * outH * outW;
                for (int i = 0; i < outH; i++) {
                    for (int j = 0; j < outW; j++) {
                        out[o++] = max ? maximum(in, base, i, j) : average(in, base, i, j);
                    }
                }
            }
        });
    }

    private float average(float[] in, int base, int i, int j) {
        float sum = 0;
        for (int y = rowStart[i]; y < rowEnd[i]; y++) {
            for (int x = colStart[j]; x < colEnd[j]; x++) {
                sum += in[base + y * inW + x];
            }
        }
        return sum / ((rowEnd[i] - rowStart[i]) * (colEnd[j] - colStart[j]));
    }

    /** As PyTorch, a NaN in the window wins. */
    private float maximum(float[] in, int base, int i, int j) {
        float m = Float.NEGATIVE_INFINITY;
        for (int y = rowStart[i]; y < rowEnd[i]; y++) {
            for (int x = colStart[j]; x < colEnd[j]; x++) {
                float v = in[base + y * inW + x];
                if (v > m || Float.isNaN(v)) {
                    m = v;
                }
            }
        }
        return m;
    }
}
