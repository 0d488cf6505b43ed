package io.cnnkit.exec.kernel;

import io.cnnkit.exec.Tensor;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@code layernorm} over channels, a vector of positions at a time: in an N×C×H×W map the channels
 * of one position are a plane apart, so a vector holds neighbouring positions and walks down the
 * channels three times (the mean, the variance around it, the normalised and scaled output). The
 * two passes keep the variance exact where {@code E[x²] − E[x]²} would cancel. A vector input
 * (N×F) is one position of F channels. Work items are runs of positions of one sample; it may run
 * in place, since each position's output is written after its statistics are complete.
 */
record LayerNormKernel(float eps, float[] weight, float[] bias, int[] outputShape, boolean scalar) implements Kernel {
    private static final VectorSpecies<Float> S = Simd.S;
    /** Positions per work item. */
    private static final int RUN = 256;

    @Override
    public boolean inPlace() {
        return true;
    }

    @Override
    public void run(Tensor[] inputs, Tensor output, Workspace ws) {
        Tensor x = inputs[0];
        int n = outputShape[0], channels = outputShape[1];
        int area = Tensor.sampleSize(outputShape) / channels;
        int runs = (area + RUN - 1) / RUN;
        Parallel.forRange(ws, n * runs, (long) Math.min(RUN, area) * channels * 6, (slot, from, to) -> {
            for (int item = from; item < to; item++) {
                int sample = item / runs, start = item % runs * RUN, end = Math.min(area, start + RUN);
                int xBase = x.offset() + sample * channels * area, oBase = output.offset() + sample * channels * area;
                int p = start;
                if (!scalar) {
                    for (; p + S.length() <= end; p += S.length()) {
                        vectorRun(x.data(), xBase + p, output.data(), oBase + p, channels, area);
                    }
                }
                for (; p < end; p++) {
                    scalarPosition(x.data(), xBase + p, output.data(), oBase + p, channels, area);
                }
            }
        });
    }

    private void vectorRun(float[] in, int xi, float[] out, int oi, int channels, int area) {
        FloatVector sum = FloatVector.zero(S);
        for (int c = 0; c < channels; c++) {
            sum = sum.add(FloatVector.fromArray(S, in, xi + c * area));
        }
        // the sums are loop phis: used through the exact class (Simd.EXACT), which C2 intrinsifies in every parse order
        FloatVector mean = Simd.EXACT.cast(sum).div(channels);
        FloatVector squares = FloatVector.zero(S);
        for (int c = 0; c < channels; c++) {
            FloatVector d = FloatVector.fromArray(S, in, xi + c * area).sub(mean);
            squares = d.fma(d, squares);
        }
        FloatVector invStd = FloatVector.broadcast(S, 1f).div(Simd.EXACT.cast(squares).div(channels).add(eps).sqrt());
        for (int c = 0; c < channels; c++) {
            FloatVector v = FloatVector.fromArray(S, in, xi + c * area).sub(mean).mul(invStd);
            v.fma(weight[c], bias[c]).intoArray(out, oi + c * area);
        }
    }

    private void scalarPosition(float[] in, int xi, float[] out, int oi, int channels, int area) {
        float sum = 0;
        for (int c = 0; c < channels; c++) {
            sum += in[xi + c * area];
        }
        float mean = sum / channels, squares = 0;
        for (int c = 0; c < channels; c++) {
            float d = in[xi + c * area] - mean;
            squares += d * d;
        }
        float invStd = 1f / (float) Math.sqrt(squares / channels + eps);
        for (int c = 0; c < channels; c++) {
            out[oi + c * area] = (in[xi + c * area] - mean) * invStd * weight[c] + bias[c];
        }
    }
}
