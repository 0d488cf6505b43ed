package io.cnnkit.train.grad;

import io.cnnkit.compiler.op.Op;
import io.cnnkit.exec.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ForkJoinPool;
import java.util.function.DoubleBinaryOperator;
import java.util.function.Function;

/**
 * The training passes of the layers without multiply-adds, on the arrays and in parallel on the
 * pool: batchnorm (forward on batch statistics and backward) per channel, element-wise operators
 * in fixed blocks, and every operator whose samples are independent (pools, LRN, softmax,
 * merges, padding, channel moves) image by image through its reference backward. Each block,
 * channel or image is computed by one thread in a fixed order, so the results are the same bit for
 * bit on any number of threads.
 */
public final class FastLayers {
    /** Elements per parallel block of an element-wise operator. */
    static final int BLOCK = 1 << 14;

    private FastLayers() {
    }

    /**
     * Training-mode batchnorm as {@link TrainingForward#batchNorm}, one task per channel: the batch
     * mean and biased variance (sums in double), the normalised output, the running statistics.
     */
    public static Saved batchNormForward(Op.BatchNorm bn, Tensor x, Map<String, Tensor> params, Tensor out,
                                         ForkJoinPool pool) {
        int n = x.dim(0), ch = x.dim(1), area = x.size() / (n * ch);
        float[] xs = x.data(), ys = out.data(), gamma = params.get("weight").data(), beta = params.get("bias").data();
        float[] runningMean = params.get("running_mean").data(), runningVar = params.get("running_var").data();
        int xo = x.offset(), yo = out.offset(), go = params.get("weight").offset(), bo = params.get("bias").offset();
        int mo = params.get("running_mean").offset(), vo = params.get("running_var").offset();
        double[] mean = new double[ch], invStd = new double[ch];
        long count = (long) n * area;
        double m = TrainingForward.BATCHNORM_MOMENTUM;
        List<Runnable> work = new ArrayList<>();
        for (int c0 = 0; c0 < ch; c0++) {
            int c = c0;
            work.add(() -> {
                double sum = 0;
                for (int b = 0; b < n; b++) {
                    int base = xo + (b * ch + c) * area;
                    for (int i = 0; i < area; i++) {
                        sum += xs[base + i];
                    }
                }
                double mu = sum / count, squares = 0;
                for (int b = 0; b < n; b++) {
                    int base = xo + (b * ch + c) * area;
                    for (int i = 0; i < area; i++) {
                        double d = xs[base + i] - mu;
                        squares += d * d;
                    }
                }
                double variance = squares / count, inv = 1 / Math.sqrt(variance + bn.eps());
                mean[c] = mu;
                invStd[c] = inv;
                float scale = (float) (inv * gamma[go + c]), shift = (float) (beta[bo + c] - mu * inv * gamma[go + c]);
                for (int b = 0; b < n; b++) {
                    int from = xo + (b * ch + c) * area, to = yo + (b * ch + c) * area;
                    for (int i = 0; i < area; i++) {
                        ys[to + i] = xs[from + i] * scale + shift;
                    }
                }
                double unbiased = count > 1 ? squares / (count - 1) : variance;
                runningMean[mo + c] = (float) ((1 - m) * runningMean[mo + c] + m * mu);
                runningVar[vo + c] = (float) ((1 - m) * runningVar[vo + c] + m * unbiased);
            });
        }
        FastBackward.run(work, pool);
        return Saved.batchNorm(mean, invStd);
    }

    /** {@link ReferenceBackward#batchNorm} per channel on the arrays; the two sums in double. */
    static Gradients batchNormBackward(Tensor x, Tensor dy, Map<String, Tensor> params, Saved saved,
                                       ForkJoinPool pool, Buffers buffers) {
        int n = x.dim(0), ch = x.dim(1), area = x.size() / (n * ch);
        Tensor dx = buffers.any(x.shape()), dGamma = Tensor.zeros(ch), dBeta = Tensor.zeros(ch);
        float[] xs = x.data(), d = dy.data(), g = dx.data(), gamma = params.get("weight").data();
        int xo = x.offset(), dyo = dy.offset(), go = params.get("weight").offset();
        long count = (long) n * area;
        List<Runnable> work = new ArrayList<>();
        for (int c0 = 0; c0 < ch; c0++) {
            int c = c0;
            work.add(() -> {
                double mean = saved.batchMean()[c], inv = saved.batchInvStd()[c];
                double sumDy = 0, sumDyXhat = 0;
                for (int b = 0; b < n; b++) {
                    int xb = xo + (b * ch + c) * area, db = dyo + (b * ch + c) * area;
                    for (int i = 0; i < area; i++) {
                        double v = d[db + i];
                        sumDy += v;
                        sumDyXhat += v * (xs[xb + i] - mean);
                    }
                }
                sumDyXhat *= inv;
                dGamma.set(c, (float) sumDyXhat);
                dBeta.set(c, (float) sumDy);
                // dx = a·dy + slope·(x - μ) + k, from γ/σ · (dy - mean(dy) - x̂·mean(dy·x̂)) with x̂ = (x - μ)/σ
                double scale = gamma[go + c] * inv;
                float a = (float) scale, slope = (float) (-scale * inv * sumDyXhat / count);
                float k = (float) (-scale * sumDy / count), mu = (float) mean;
                for (int b = 0; b < n; b++) {
                    int xb = xo + (b * ch + c) * area, db = dyo + (b * ch + c) * area, gb = (b * ch + c) * area;
                    for (int i = 0; i < area; i++) {
                        g[gb + i] = a * d[db + i] + slope * (xs[xb + i] - mu) + k;
                    }
                }
            });
        }
        FastBackward.run(work, pool);
        return new Gradients(List.of(dx), Map.of("weight", dGamma, "bias", dBeta));
    }

    /** dx = dy · slope(x, y) in blocks; slope in double as the reference's. */
    static Gradients elementwise(Tensor x, Tensor y, Tensor dy, DoubleBinaryOperator slope, ForkJoinPool pool,
                                 Buffers buffers) {
        Tensor dx = buffers.any(x.shape());
        float[] xs = x.data(), ys = y == null ? null : y.data(), d = dy.data(), g = dx.data();
        int xo = x.offset(), yo = y == null ? 0 : y.offset(), dyo = dy.offset(), size = x.size();
        List<Runnable> work = new ArrayList<>();
        for (int start = 0; start < size; start += BLOCK) {
            int from = start, to = Math.min(size, start + BLOCK);
            work.add(() -> {
                for (int i = from; i < to; i++) {
                    g[i] = (float) (d[dyo + i] * slope.applyAsDouble(xs[xo + i], ys == null ? 0 : ys[yo + i]));
                }
            });
        }
        FastBackward.run(work, pool);
        return new Gradients(List.of(dx), Map.of());
    }

    /** dx = dy · scale (dropout's and stochastic depth's saved mask; none: dy) in blocks. */
    static Gradients scaled(Tensor dy, float[] scale, ForkJoinPool pool, Buffers buffers) {
        Tensor dx = buffers.any(dy.shape());
        float[] d = dy.data(), g = dx.data();
        int dyo = dy.offset(), size = dy.size();
        List<Runnable> work = new ArrayList<>();
        for (int start = 0; start < size; start += BLOCK) {
            int from = start, to = Math.min(size, start + BLOCK);
            work.add(() -> {
                if (scale == null) {
                    System.arraycopy(d, dyo + from, g, from, to - from);
                    return;
                }
                for (int i = from; i < to; i++) {
                    g[i] = d[dyo + i] * scale[i];
                }
            });
        }
        FastBackward.run(work, pool);
        return new Gradients(List.of(dx), Map.of());
    }

    /**
     * Runs {@code backward} (a reference backward without parameters whose samples are independent)
     * on each image's views of the inputs, output and gradient, one task per image, and gathers the
     * input gradients.
     */
    static Gradients perImage(List<Tensor> inputs, Tensor output, Tensor dy, ForkJoinPool pool, Buffers buffers,
                              Function<Sample, Gradients> backward) {
        int n = dy.dim(0);
        List<Tensor> dx = inputs.stream().map(t -> buffers.any(t.shape())).toList();
        List<Runnable> work = new ArrayList<>();
        for (int b0 = 0; b0 < n; b0++) {
            int b = b0;
            work.add(() -> {
                Gradients g = backward.apply(new Sample(inputs.stream().map(t -> sample(t, b)).toList(),
                        output == null ? null : sample(output, b), sample(dy, b)));
                for (int j = 0; j < dx.size(); j++) {
                    Tensor part = g.inputs().get(j), all = dx.get(j);
                    System.arraycopy(part.data(), part.offset(), all.data(), b * part.size(), part.size());
                }
            });
        }
        FastBackward.run(work, pool);
        return new Gradients(dx, Map.of());
    }

    /** One image's views. */
    record Sample(List<Tensor> inputs, Tensor output, Tensor dy) {
    }

    private static Tensor sample(Tensor t, int b) {
        int[] shape = t.shape();
        int per = t.size() / shape[0];
        shape[0] = 1;
        return Tensor.view(t.data(), t.offset() + b * per, shape);
    }
}
