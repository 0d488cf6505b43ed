package io.cnnkit.train.grad;

import io.cnnkit.compiler.op.Op;
import io.cnnkit.exec.Tensor;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The two operators whose training-mode forward differs from inference, as PyTorch's
 * {@code model.train()} runs them: batchnorm normalises with the batch's own statistics and
 * updates the running ones, dropout zeroes a seeded random mask and scales the rest by 1 / (1 - p).
 */
public final class TrainingForward {
    /** PyTorch's default BatchNorm2d momentum: running = (1 - m) running + m batch. */
    public static final double BATCHNORM_MOMENTUM = 0.1;

    private TrainingForward() {
    }

    /**
     * Normalises {@code x} per channel with the batch mean and biased variance into {@code out},
     * and moves {@code running_mean} / {@code running_var} in {@code params} towards the batch mean
     * and the unbiased variance (N·H·W / (N·H·W - 1) times the biased one), as PyTorch does. Sums in double.
     */
    public static Saved batchNorm(Op.BatchNorm bn, Tensor x, Map<String, Tensor> params, Tensor out) {
        int n = x.dim(0), ch = x.dim(1), area = x.size() / (n * ch);
        Tensor weight = params.get("weight"), bias = params.get("bias");
        Tensor runningMean = params.get("running_mean"), runningVar = params.get("running_var");
        double[] mean = new double[ch], invStd = new double[ch];
        long count = (long) n * area;
        for (int c = 0; c < ch; c++) {
            double sum = 0;
            for (int b = 0; b < n; b++) {
                int base = (b * ch + c) * area;
                for (int i = 0; i < area; i++) {
                    sum += x.get(base + i);
                }
            }
            double mu = sum / count, squares = 0;
            for (int b = 0; b < n; b++) {
                int base = (b * ch + c) * area;
                for (int i = 0; i < area; i++) {
                    double d = x.get(base + i) - mu;
                    squares += d * d;
                }
            }
            double variance = squares / count;
            mean[c] = mu;
            invStd[c] = 1 / Math.sqrt(variance + bn.eps());
            double gamma = weight.get(c), beta = bias.get(c);
            for (int b = 0; b < n; b++) {
                int base = (b * ch + c) * area;
                for (int i = 0; i < area; i++) {
                    out.set(base + i, (float) ((x.get(base + i) - mu) * invStd[c] * gamma + beta));
                }
            }
            double unbiased = count > 1 ? squares / (count - 1) : variance;
            runningMean.set(c, (float) ((1 - BATCHNORM_MOMENTUM) * runningMean.get(c) + BATCHNORM_MOMENTUM * mu));
            runningVar.set(c, (float) ((1 - BATCHNORM_MOMENTUM) * runningVar.get(c) + BATCHNORM_MOMENTUM * unbiased));
        }
        return Saved.batchNorm(mean, invStd);
    }

    /**
     * Keeps each element with probability 1 - p, drawing from {@code random} in element order, and
     * scales the kept ones by 1 / (1 - p); p = 1 zeroes everything, p = 0 copies.
     */
    public static Saved dropout(Op.Dropout d, Tensor x, SplittableRandom random, Tensor out) {
        float[] scale = new float[x.size()];
        float keep = d.p() >= 1 ? 0f : (float) (1 / (1 - d.p()));
        for (int i = 0; i < scale.length; i++) {
            scale[i] = d.p() == 0 || random.nextDouble() >= d.p() ? keep : 0f;
        }
        return applyDropout(x, scale, out);
    }

    /**
     * torchvision's stochastic_depth in training: each sample ("row" mode) or the whole batch is kept
     * with probability 1 - p and then scaled by 1 / (1 - p), or zeroed; the scale is saved as dropout's.
     */
    public static Saved stochasticDepth(Op.StochasticDepth op, Tensor x, SplittableRandom random, Tensor out) {
        float[] scale = new float[x.size()];
        int n = x.dim(0), perSample = x.size() / n;
        float keep = op.p() >= 1 ? 0f : (float) (1 / (1 - op.p()));
        float batchScale = op.p() == 0 || random.nextDouble() >= op.p() ? keep : 0f;
        for (int b = 0; b < n; b++) {
            float s = !op.rowMode() ? batchScale : op.p() == 0 || random.nextDouble() >= op.p() ? keep : 0f;
            java.util.Arrays.fill(scale, b * perSample, (b + 1) * perSample, s);
        }
        return applyDropout(x, scale, out);
    }

    /** Dropout with a given mask of 0 or 1 / (1 - p) per element (a mask PyTorch drew, in the tests). */
    public static Saved applyDropout(Tensor x, float[] scale, Tensor out) {
        for (int i = 0; i < scale.length; i++) {
            out.set(i, x.get(i) * scale[i]);
        }
        return Saved.dropout(scale);
    }
}
