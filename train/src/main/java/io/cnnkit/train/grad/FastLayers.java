package io.cnnkit.train.grad;

import io.cnnkit.compiler.op.Op;
import io.cnnkit.exec.Tensor;
import io.cnnkit.exec.kernel.KernelOptions;
import io.cnnkit.exec.kernel.Simd;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ForkJoinPool;
import java.util.function.DoubleBinaryOperator;
import java.util.function.Function;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

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
    /** Elements a float vector sum takes before it is added to the double total. */
    private static final int FLUSH = 256;
    private static final VectorSpecies<Float> S = Simd.S;
    private static final boolean SCALAR = Boolean.getBoolean(KernelOptions.SCALAR_PROPERTY);

    private FastLayers() {
    }

    /**
     * Training-mode batchnorm as {@link TrainingForward#batchNorm}, one task per channel: the batch
     * mean and biased variance (float vector sums of 256 elements, added in double), the normalised
     * output, the running statistics.
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
                    sum += sum(xs, xo + (b * ch + c) * area, area);
                }
                double mu = sum / count, squares = 0;
                for (int b = 0; b < n; b++) {
                    squares += squaredDeviations(xs, xo + (b * ch + c) * area, area, (float) mu);
                }
                double variance = squares / count, inv = 1 / Math.sqrt(variance + bn.eps());
                mean[c] = mu;
                invStd[c] = inv;
                float scale = (float) (inv * gamma[go + c]), shift = (float) (beta[bo + c] - mu * inv * gamma[go + c]);
                for (int b = 0; b < n; b++) {
                    affine(xs, xo + (b * ch + c) * area, scale, null, 0, 0, shift, ys, yo + (b * ch + c) * area, area);
                }
                double unbiased = count > 1 ? squares / (count - 1) : variance;
                runningMean[mo + c] = (float) ((1 - m) * runningMean[mo + c] + m * mu);
                runningVar[vo + c] = (float) ((1 - m) * runningVar[vo + c] + m * unbiased);
            });
        }
        FastBackward.run(work, pool);
        return Saved.batchNorm(mean, invStd);
    }

    /** {@link ReferenceBackward#batchNorm} per channel on the arrays; the two sums as the forward's, in vectors. */
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
                double[] two = new double[2];
                for (int b = 0; b < n; b++) {
                    gradientSums(d, dyo + (b * ch + c) * area, xs, xo + (b * ch + c) * area, area, (float) mean, two);
                    sumDy += two[0];
                    sumDyXhat += two[1];
                }
                sumDyXhat *= inv;
                dGamma.set(c, (float) sumDyXhat);
                dBeta.set(c, (float) sumDy);
                // dx = a·dy + slope·(x - μ) + k, from γ/σ · (dy - mean(dy) - x̂·mean(dy·x̂)) with x̂ = (x - μ)/σ
                double scale = gamma[go + c] * inv;
                float a = (float) scale, slope = (float) (-scale * inv * sumDyXhat / count);
                float k = (float) (-scale * sumDy / count), mu = (float) mean;
                for (int b = 0; b < n; b++) {
                    affine(xs, xo + (b * ch + c) * area, slope, d, dyo + (b * ch + c) * area, a, k - slope * mu, g,
                            (b * ch + c) * area, area);
                }
            });
        }
        FastBackward.run(work, pool);
        return new Gradients(List.of(dx), Map.of("weight", dGamma, "bias", dBeta));
    }

    /**
     * Σ a[from, from + len) in double, from float vector sums of at most {@link #FLUSH} elements
     * each: as exact as a double sum for the tolerance of the tests, at the speed of vectors.
     */
    static double sum(float[] a, int from, int len) {
        double total = 0;
        int i = 0;
        if (!SCALAR) {
            for (; i + FLUSH <= len; i += FLUSH) {
                FloatVector acc = FloatVector.zero(S);
                for (int j = i; j < i + FLUSH; j += S.length()) {
                    acc = acc.add(FloatVector.fromArray(S, a, from + j));
                }
                total += acc.reduceLanes(VectorOperators.ADD);
            }
        }
        for (; i < len; i++) {
            total += a[from + i];
        }
        return total;
    }

    /** Σ (a - mu)² over a[from, from + len), as {@link #sum}. */
    static double squaredDeviations(float[] a, int from, int len, float mu) {
        double total = 0;
        int i = 0;
        if (!SCALAR) {
            FloatVector m = FloatVector.broadcast(S, mu);
            for (; i + FLUSH <= len; i += FLUSH) {
                FloatVector acc = FloatVector.zero(S);
                for (int j = i; j < i + FLUSH; j += S.length()) {
                    FloatVector v = FloatVector.fromArray(S, a, from + j).sub(m);
                    acc = v.fma(v, acc);
                }
                total += acc.reduceLanes(VectorOperators.ADD);
            }
        }
        for (; i < len; i++) {
            double v = a[from + i] - mu;
            total += v * v;
        }
        return total;
    }

    /** out[0] = Σ dy, out[1] = Σ dy·(x - mu) over len elements, as {@link #sum}. */
    static void gradientSums(float[] dy, int dyFrom, float[] x, int xFrom, int len, float mu, double[] out) {
        double sumDy = 0, sumDyX = 0;
        int i = 0;
        if (!SCALAR) {
            FloatVector m = FloatVector.broadcast(S, mu);
            for (; i + FLUSH <= len; i += FLUSH) {
                FloatVector a = FloatVector.zero(S), b = FloatVector.zero(S);
                for (int j = i; j < i + FLUSH; j += S.length()) {
                    FloatVector d = FloatVector.fromArray(S, dy, dyFrom + j);
                    a = a.add(d);
                    b = d.fma(FloatVector.fromArray(S, x, xFrom + j).sub(m), b);
                }
                sumDy += a.reduceLanes(VectorOperators.ADD);
                sumDyX += b.reduceLanes(VectorOperators.ADD);
            }
        }
        for (; i < len; i++) {
            double d = dy[dyFrom + i];
            sumDy += d;
            sumDyX += d * (x[xFrom + i] - mu);
        }
        out[0] = sumDy;
        out[1] = sumDyX;
    }

    /** out = x·xScale + d·dScale + shift over len elements (no d: x·xScale + shift), in vectors. */
    static void affine(float[] x, int xFrom, float xScale, float[] d, int dFrom, float dScale, float shift, float[] out,
                       int outFrom, int len) {
        int i = 0;
        if (!SCALAR) {
            FloatVector xs = FloatVector.broadcast(S, xScale), ds = FloatVector.broadcast(S, dScale);
            FloatVector sh = FloatVector.broadcast(S, shift);
            for (int end = len - len % S.length(); i < end; i += S.length()) {
                FloatVector v = FloatVector.fromArray(S, x, xFrom + i).fma(xs, sh);
                if (d != null) {
                    v = FloatVector.fromArray(S, d, dFrom + i).fma(ds, v);
                }
                v.intoArray(out, outFrom + i);
            }
        }
        for (; i < len; i++) {
            float v = x[xFrom + i] * xScale + shift;
            out[outFrom + i] = d == null ? v : d[dFrom + i] * dScale + v;
        }
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
