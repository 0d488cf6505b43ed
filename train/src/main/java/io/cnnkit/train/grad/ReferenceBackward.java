package io.cnnkit.train.grad;

import io.cnnkit.analyzer.ConvArithmetic;
import io.cnnkit.analyzer.ParamSpec;
import io.cnnkit.compiler.op.Op;
import io.cnnkit.compiler.op.OpVisitor;
import io.cnnkit.exec.Tensor;
import io.cnnkit.exec.kernel.Kernel;
import io.cnnkit.exec.kernel.Params;
import io.cnnkit.exec.kernel.ReferenceKernels;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ForkJoinPool;
import org.apache.commons.math3.special.Erf;

/**
 * Backward kernels written for obviousness, one per operator: the test oracle of the optimised
 * ones, checked against PyTorch's autograd. Sums run in double. Each takes the layer's forward
 * inputs and output, the gradient of the loss with respect to that output, the layer's parameters
 * (PyTorch names and layouts) and what its training forward saved.
 */
public final class ReferenceBackward {
    private ReferenceBackward() {
    }

    public static Gradients backward(Op op, List<Tensor> inputs, Tensor output, Tensor dy, Map<String, Tensor> params,
                                     Saved saved) {
        return op.accept(new Dispatch(inputs, output, dy, params, saved, false, null, true, Buffers.NONE, null));
    }

    /**
     * The backward the trainer runs: conv and dense through {@link FastBackward}'s GEMMs on
     * {@code pool} (null: the calling thread), every other operator as above. Without
     * {@code inputGradient} (a layer reading only network inputs) a convolution leaves its input
     * gradient zero.
     */
    public static Gradients backwardFast(Op op, List<Tensor> inputs, Tensor output, Tensor dy,
                                         Map<String, Tensor> params, Saved saved, ForkJoinPool pool,
                                         boolean inputGradient) {
        return backwardFast(op, inputs, output, dy, params, saved, pool, inputGradient, Buffers.NONE);
    }

    /** As above, taking the gradient arrays from {@code buffers}. */
    public static Gradients backwardFast(Op op, List<Tensor> inputs, Tensor output, Tensor dy,
                                         Map<String, Tensor> params, Saved saved, ForkJoinPool pool,
                                         boolean inputGradient, Buffers buffers) {
        return backwardFast(op, inputs, output, dy, params, saved, pool, inputGradient, buffers, null);
    }

    /** As above, a convolution's input gradient through {@code transposedKernel} if not null ({@link PreparedConvs}). */
    public static Gradients backwardFast(Op op, List<Tensor> inputs, Tensor output, Tensor dy,
                                         Map<String, Tensor> params, Saved saved, ForkJoinPool pool,
                                         boolean inputGradient, Buffers buffers, Kernel transposedKernel) {
        return op.accept(new Dispatch(inputs, output, dy, params, saved, true, pool, inputGradient, buffers,
                transposedKernel));
    }

    /** One method per operator: a new operator without a backward does not compile. */
    private record Dispatch(List<Tensor> inputs, Tensor output, Tensor dy, Map<String, Tensor> params, Saved saved,
                            boolean fast, ForkJoinPool pool, boolean inputGradient, Buffers buffers,
                            Kernel transposedKernel)
            implements OpVisitor<Gradients> {

        private Tensor x() {
            return inputs.get(0);
        }

        /** The fast path of a parameterless operator whose samples are independent: its reference, image by image in parallel. */
        private Gradients perImage(java.util.function.Function<Dispatch, Gradients> reference) {
            return FastLayers.perImage(inputs, output, dy, pool, buffers, s -> reference.apply(
                    new Dispatch(s.inputs(), s.output(), s.dy(), params, saved, false, null, true, Buffers.NONE, null)));
        }

        /** The gradient of the one input, filled by {@code body}, with the parameter gradients it adds. */
        private Gradients single(java.util.function.BiConsumer<Tensor, Map<String, Tensor>> body) {
            Tensor g = Tensor.zeros(x().shape());
            Map<String, Tensor> dParams = new LinkedHashMap<>();
            body.accept(g, dParams);
            return new Gradients(List.of(g), dParams);
        }

        private Gradients identity() {
            return single((g, p) -> copy(dy, g));
        }

        /** The gradient passes through unchanged: the fast path hands on dy itself, reshaped. */
        private Gradients passThrough() {
            return fast ? new Gradients(List.of(dy.reshape(x().shape())), Map.of()) : identity();
        }

        private Gradients activation(Op op) {
            if (fast) {
                return FastLayers.elementwise(x(), output, dy, (x, y) -> activationSlope(op, x, y), pool, buffers);
            }
            return single((g, p) -> {
                for (int i = 0; i < g.size(); i++) {
                    g.set(i, (float) (dy.get(i) * activationSlope(op, x().get(i), output.get(i))));
                }
            });
        }

        @Override
        public Gradients input(Op.Input op) {
            return identity();
        }

        @Override
        public Gradients conv(Op.Conv op) {
            if (fast) {
                return FastBackward.conv(op, x(), dy, params.get("weight"), pool, inputGradient, buffers,
                        transposedKernel, BatchWeightGradient.MAX_FLOATS);
            }
            return single((g, p) -> ReferenceBackward.conv(op, x(), dy, params, g, p));
        }

        @Override
        public Gradients maxPool(Op.MaxPool op) {
            if (fast) {
                return new Gradients(List.of(FastBackward.maxPool(Geometry.of(op, x(), dy), x(), output, dy, pool,
                        buffers)), Map.of());
            }
            return single((g, p) -> ReferenceBackward.maxPool(op, x(), dy, g));
        }

        @Override
        public Gradients avgPool(Op.AvgPool op) {
            if (fast) {
                return perImage(d -> d.avgPool(op));
            }
            return single((g, p) -> ReferenceBackward.avgPool(op, x(), dy, g));
        }

        @Override
        public Gradients globalAvgPool(Op.GlobalAvgPool op) {
            if (fast) {
                return perImage(d -> d.globalAvgPool(op));
            }
            return single((g, p) -> {
                int area = x().dim(2) * x().dim(3);
                for (int i = 0; i < g.size(); i++) {
                    g.set(i, (float) ((double) dy.get(i / area) / area));
                }
            });
        }

        @Override
        public Gradients globalMaxPool(Op.GlobalMaxPool op) {
            if (fast) {
                return new Gradients(List.of(FastBackward.maxPool(Geometry.of(op, x(), dy), x(), output, dy, pool,
                        buffers)), Map.of());
            }
            return single((g, p) -> ReferenceBackward.maxPool(op, x(), dy, g));
        }

        @Override
        public Gradients dense(Op.Dense op) {
            if (fast) {
                return FastBackward.dense(op, x(), dy, params.get("weight"), buffers);
            }
            return single((g, p) -> ReferenceBackward.dense(op, x(), dy, params, g, p));
        }

        @Override
        public Gradients flatten(Op.Flatten op) {
            return passThrough();
        }

        @Override
        public Gradients relu(Op.Relu op) {
            return fast ? new Gradients(List.of(FastBackward.relu(x(), dy, pool, buffers)), Map.of()) : activation(op);
        }

        @Override
        public Gradients relu6(Op.Relu6 op) {
            return activation(op);
        }

        @Override
        public Gradients leakyRelu(Op.LeakyRelu op) {
            return activation(op);
        }

        @Override
        public Gradients tanh(Op.Tanh op) {
            return activation(op);
        }

        @Override
        public Gradients sigmoid(Op.Sigmoid op) {
            return activation(op);
        }

        @Override
        public Gradients softmax(Op.Softmax op) {
            if (fast) {
                return perImage(d -> d.softmax(op));
            }
            return single((g, p) -> ReferenceBackward.softmax(output, dy, g));
        }

        @Override
        public Gradients lrn(Op.Lrn op) {
            if (fast) {
                return perImage(d -> d.lrn(op));
            }
            return single((g, p) -> ReferenceBackward.lrn(op, x(), dy, g));
        }

        @Override
        public Gradients batchNorm(Op.BatchNorm op) {
            if (fast) {
                return FastLayers.batchNormBackward(x(), dy, params, saved, pool, buffers);
            }
            return single((g, p) -> ReferenceBackward.batchNorm(x(), dy, params, saved, g, p));
        }

        @Override
        public Gradients layerNorm(Op.LayerNorm op) {
            return single((g, p) -> ReferenceBackward.layerNorm(op, x(), dy, params, g, p));
        }

        /** dx = dy times the channel's factor; the factor's gradient sums dy·x over the batch and positions. */
        @Override
        public Gradients scale(Op.Scale op) {
            return single((g, p) -> {
                Tensor factors = params.get(ParamSpec.BARE);
                int channels = x().dim(1), area = x().size() / (x().dim(0) * channels);
                double[] gs = new double[channels];
                for (int i = 0; i < g.size(); i++) {
                    int c = i / area % channels;
                    g.set(i, dy.get(i) * factors.get(c));
                    gs[c] += (double) dy.get(i) * x().get(i);
                }
                p.put(ParamSpec.BARE, store(gs, Tensor.zeros(factors.shape())));
            });
        }

        /** The 1×1 convolution's backward, its weight and weight gradient seen as {@code [units, C]}. */
        @Override
        public Gradients linear(Op.Linear op) {
            Op.Conv conv = Params.linearAsConv(op);
            Map<String, Tensor> convParams = Params.linearAsConvParams(params, op, x().dim(1));
            Gradients g = fast ? FastBackward.conv(conv, x(), dy, convParams.get("weight"), pool, inputGradient, buffers)
                    : single((dx, p) -> ReferenceBackward.conv(conv, x(), dy, convParams, dx, p));
            Map<String, Tensor> dParams = new LinkedHashMap<>(g.params());
            dParams.put("weight", dParams.get("weight").reshape(op.units(), x().dim(1)));
            return new Gradients(g.inputs(), dParams);
        }

        @Override
        public Gradients dropout(Op.Dropout op) {
            return dropoutLike();
        }

        @Override
        public Gradients zeroPad(Op.ZeroPad op) {
            if (fast) {
                return perImage(d -> d.zeroPad(op));
            }
            return single((g, p) -> {
                Tensor x = x();
                int planes = x.dim(0) * x.dim(1), h = x.dim(2), w = x.dim(3), outH = dy.dim(2), outW = dy.dim(3);
                for (int pl = 0; pl < planes; pl++) {
                    for (int y = 0; y < h; y++) {
                        for (int xx = 0; xx < w; xx++) {
                            g.set((pl * h + y) * w + xx,
                                    dy.get((pl * outH + y + op.pad().top()) * outW + xx + op.pad().left()));
                        }
                    }
                }
            });
        }

        @Override
        public Gradients concat(Op.Concat op) {
            if (fast) {
                return perImage(d -> d.concat(op));
            }
            List<Tensor> dx = new ArrayList<>();
            int offset = 0;
            for (Tensor in : inputs) {
                dx.add(sliceChannels(dy, offset, in.dim(1)));
                offset += in.dim(1);
            }
            return new Gradients(dx, Map.of());
        }

        /** An element-wise operator whose slope at input x (output y) is {@code slope}. */
        private Gradients elementwise(java.util.function.DoubleBinaryOperator slope) {
            if (fast) {
                return FastLayers.elementwise(x(), output, dy, slope, pool, buffers);
            }
            return single((g, p) -> {
                for (int i = 0; i < g.size(); i++) {
                    g.set(i, (float) (dy.get(i) * slope.applyAsDouble(x().get(i), output.get(i))));
                }
            });
        }

        @Override
        public Gradients silu(Op.Silu op) {
            return elementwise((x, y) -> {
                double s = 1 / (1 + Math.exp(-x));
                return s * (1 + x * (1 - s));
            });
        }

        /** PyTorch's hardsigmoid_backward: 1/6 strictly inside (-3, 3), else 0. */
        @Override
        public Gradients hardSigmoid(Op.HardSigmoid op) {
            return elementwise((x, y) -> x > -3 && x < 3 ? 1.0 / 6 : 0);
        }

        /** PyTorch's hardswish_backward: 0 below -3, x/3 + 1/2 up to 3 included, 1 above. */
        @Override
        public Gradients hardSwish(Op.HardSwish op) {
            return elementwise((x, y) -> x < -3 ? 0 : x <= 3 ? x / 3 + 0.5 : 1);
        }

        /** PyTorch's gelu_backward, exact (erf) or with the tanh approximation. */
        @Override
        public Gradients gelu(Op.Gelu op) {
            if (op.tanh()) {
                double beta = Math.sqrt(2 / Math.PI), kappa = 0.044715;
                return elementwise((x, y) -> {
                    double t = Math.tanh(beta * (x + kappa * x * x * x));
                    return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * beta * (1 + 3 * kappa * x * x);
                });
            }
            return elementwise((x, y) -> 0.5 * (1 + Erf.erf(x / Math.sqrt(2)))
                    + x * Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI));
        }

        @Override
        public Gradients adaptiveAvgPool(Op.AdaptiveAvgPool op) {
            if (fast) {
                return perImage(d -> d.adaptiveAvgPool(op));
            }
            return single((g, p) -> adaptivePool(x(), dy, g, false));
        }

        @Override
        public Gradients adaptiveMaxPool(Op.AdaptiveMaxPool op) {
            if (fast) {
                return perImage(d -> d.adaptiveMaxPool(op));
            }
            return single((g, p) -> adaptivePool(x(), dy, g, true));
        }

        /** Training mode: the forward's per-sample mask, saved as dropout's, scales the gradient. */
        @Override
        public Gradients stochasticDepth(Op.StochasticDepth op) {
            return dropoutLike();
        }

        @Override
        public Gradients channelSlice(Op.ChannelSlice op) {
            if (fast) {
                return perImage(d -> d.channelSlice(op));
            }
            return single((g, p) -> {
                int n = x().dim(0), channels = x().dim(1), area = x().size() / (n * channels);
                int kept = op.to() - op.from();
                for (int b = 0; b < n; b++) {
                    for (int i = 0; i < kept * area; i++) {
                        g.set((b * channels + op.from()) * area + i, dy.get(b * kept * area + i));
                    }
                }
            });
        }

        /** Output channel j·groups + i is input channel i·(C/groups) + j. */
        @Override
        public Gradients channelShuffle(Op.ChannelShuffle op) {
            if (fast) {
                return perImage(d -> d.channelShuffle(op));
            }
            return single((g, p) -> {
                int n = x().dim(0), channels = x().dim(1), area = x().size() / (n * channels);
                int perGroup = channels / op.groups();
                for (int b = 0; b < n; b++) {
                    for (int i = 0; i < op.groups(); i++) {
                        for (int j = 0; j < perGroup; j++) {
                            int from = (b * channels + j * op.groups() + i) * area;
                            int to = (b * channels + i * perGroup + j) * area;
                            for (int a = 0; a < area; a++) {
                                g.set(to + a, dy.get(from + a));
                            }
                        }
                    }
                }
            });
        }

        /** Each input gets dy times the other; a C×1×1 input sums its gradient over H×W. */
        @Override
        public Gradients mul(Op.Mul op) {
            if (fast) {
                return perImage(d -> d.mul(op));
            }
            Tensor a = inputs.get(0), b = inputs.get(1);
            return new Gradients(List.of(mulGradient(a, b), mulGradient(b, a)), Map.of());
        }

        private Tensor mulGradient(Tensor self, Tensor other) {
            Tensor g = Tensor.zeros(self.shape());
            int n = dy.dim(0), channels = dy.dim(1), area = dy.size() / (n * channels);
            boolean selfFull = self.size() == dy.size(), otherFull = other.size() == dy.size();
            for (int i = 0; i < dy.size(); i++) {
                int plane = i / area;
                double v = dy.get(i) * other.get(otherFull ? i : plane);
                int at = selfFull ? i : plane;
                g.set(at, (float) (g.get(at) + v));
            }
            return g;
        }

        private Gradients dropoutLike() {
            if (fast) {
                return FastLayers.scaled(dy, saved.dropoutScale(), pool, buffers);
            }
            return single((g, p) -> {
                float[] scale = saved.dropoutScale();
                for (int i = 0; i < g.size(); i++) {
                    g.set(i, scale == null ? dy.get(i) : dy.get(i) * scale[i]);
                }
            });
        }

        @Override
        public Gradients add(Op.Add op) {
            List<Tensor> dx = new ArrayList<>();
            for (int i = 0; i < inputs.size(); i++) {
                if (fast && i == 0) {
                    dx.add(dy); // the trainer keeps dy as the first input's gradient: one copy fewer
                    continue;
                }
                Tensor copy = buffers.any(dy.shape());
                System.arraycopy(dy.data(), dy.offset(), copy.data(), 0, dy.size());
                dx.add(copy);
            }
            return new Gradients(dx, Map.of());
        }
    }

    /**
     * Adaptive pooling's backward: each output's gradient goes to its window (PyTorch's rule,
     * windows may overlap), spread evenly for the average, to the first largest input for the max.
     */
    static void adaptivePool(Tensor x, Tensor dy, Tensor g, boolean max) {
        int planes = x.dim(0) * x.dim(1), inH = x.dim(2), inW = x.dim(3), outH = dy.dim(2), outW = dy.dim(3);
        for (int plane = 0; plane < planes; plane++) {
            int in = plane * inH * inW;
            for (int oy = 0; oy < outH; oy++) {
                int y0 = ConvArithmetic.adaptiveStart(oy, inH, outH), y1 = ConvArithmetic.adaptiveEnd(oy, inH, outH);
                for (int ox = 0; ox < outW; ox++) {
                    int x0 = ConvArithmetic.adaptiveStart(ox, inW, outW), x1 = ConvArithmetic.adaptiveEnd(ox, inW, outW);
                    double d = dy.get((plane * outH + oy) * outW + ox);
                    if (max) {
                        int best = in + y0 * inW + x0;
                        for (int yy = y0; yy < y1; yy++) {
                            for (int xx = x0; xx < x1; xx++) {
                                int at = in + yy * inW + xx;
                                if (x.get(at) > x.get(best) || Float.isNaN(x.get(at))) {
                                    best = at;
                                }
                            }
                        }
                        g.set(best, (float) (g.get(best) + d));
                    } else {
                        double share = d / ((y1 - y0) * (x1 - x0));
                        for (int yy = y0; yy < y1; yy++) {
                            for (int xx = x0; xx < x1; xx++) {
                                int at = in + yy * inW + xx;
                                g.set(at, (float) (g.get(at) + share));
                            }
                        }
                    }
                }
            }
        }
    }

    private static void copy(Tensor from, Tensor to) {
        for (int i = 0; i < to.size(); i++) {
            to.set(i, from.get(i));
        }
    }

    /**
     * d output / d input of an element-wise activation at input {@code x} with output {@code y},
     * with PyTorch's choices at the kinks: relu 0 at 0, relu6 0 at 0 and at 6 (hardtanh), leaky relu
     * alpha at 0.
     */
    static double activationSlope(Op op, double x, double y) {
        if (op instanceof Op.Relu) {
            return x > 0 ? 1 : 0;
        } else if (op instanceof Op.Relu6) {
            return x > 0 && x < 6 ? 1 : 0;
        } else if (op instanceof Op.LeakyRelu l) {
            return x > 0 ? 1 : l.alpha();
        } else if (op instanceof Op.Tanh) {
            return 1 - y * y;
        } else if (op instanceof Op.Sigmoid) {
            return y * (1 - y);
        }
        throw new IllegalArgumentException("no backward for " + op.kind());
    }

    static Tensor sliceChannels(Tensor t, int from, int channels) {
        int n = t.dim(0), total = t.dim(1), area = t.size() / (n * total);
        int[] shape = t.shape();
        shape[1] = channels;
        Tensor out = Tensor.zeros(shape);
        for (int b = 0; b < n; b++) {
            for (int i = 0; i < channels * area; i++) {
                out.set(b * channels * area + i, t.get((b * total + from) * area + i));
            }
        }
        return out;
    }

    static void conv(Op.Conv c, Tensor x, Tensor dy, Map<String, Tensor> params, Tensor dx, Map<String, Tensor> dParams) {
        int n = x.dim(0), cin = x.dim(1);
        Geometry w = Geometry.of(c, x, dy);
        Tensor weight = params.get("weight");
        int cinG = cin / c.groups(), coutG = c.filters() / c.groups();
        double[] gx = new double[x.size()], gw = new double[weight.size()], gb = new double[c.filters()];
        for (int b = 0; b < n; b++) {
            for (int co = 0; co < c.filters(); co++) {
                int group = co / coutG;
                for (int oy = 0; oy < w.outH(); oy++) {
                    for (int ox = 0; ox < w.outW(); ox++) {
                        double d = dy.get(((b * c.filters() + co) * w.outH() + oy) * w.outW() + ox);
                        gb[co] += d;
                        for (int ci = 0; ci < cinG; ci++) {
                            for (int ky = 0; ky < w.kh(); ky++) {
                                int iy = w.inY(oy, ky);
                                for (int kx = 0; kx < w.kw(); kx++) {
                                    int ix = w.inX(ox, kx);
                                    if (iy >= 0 && iy < w.inH() && ix >= 0 && ix < w.inW()) {
                                        int xi = ((b * cin + group * cinG + ci) * w.inH() + iy) * w.inW() + ix;
                                        int wi = ((co * cinG + ci) * w.kh() + ky) * w.kw() + kx;
                                        gx[xi] += d * weight.get(wi);
                                        gw[wi] += d * x.get(xi);
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        store(gx, dx);
        dParams.put("weight", store(gw, Tensor.zeros(weight.shape())));
        if (c.bias()) {
            dParams.put("bias", store(gb, Tensor.zeros(c.filters())));
        }
    }

    /**
     * Layer norm over channels, per position: with x̂ = (x − μ)/σ and ĝ = dy·weight,
     * dx = (ĝ − mean(ĝ) − x̂·mean(ĝ·x̂)) / σ; dweight sums dy·x̂ and dbias sums dy.
     */
    static void layerNorm(Op.LayerNorm op, Tensor x, Tensor dy, Map<String, Tensor> params, Tensor dx,
                          Map<String, Tensor> dParams) {
        Tensor weight = params.get("weight");
        int n = x.dim(0), channels = x.dim(1), area = x.size() / (n * channels);
        double[] gw = new double[channels], gb = new double[channels];
        double[] xHat = new double[channels], gHat = new double[channels];
        double[][] stats = ReferenceKernels.layerNormStatistics(x, op.eps());
        for (int b = 0; b < n; b++) {
            for (int pos = 0; pos < area; pos++) {
                int base = b * channels * area + pos;
                double mean = stats[0][b * area + pos], invStd = stats[1][b * area + pos];
                double meanG = 0, meanGx = 0;
                for (int c = 0; c < channels; c++) {
                    double d = dy.get(base + c * area);
                    xHat[c] = (x.get(base + c * area) - mean) * invStd;
                    gHat[c] = d * weight.get(c);
                    gw[c] += d * xHat[c];
                    gb[c] += d;
                    meanG += gHat[c] / channels;
                    meanGx += gHat[c] * xHat[c] / channels;
                }
                for (int c = 0; c < channels; c++) {
                    dx.set(base + c * area, (float) ((gHat[c] - meanG - xHat[c] * meanGx) * invStd));
                }
            }
        }
        dParams.put("weight", store(gw, Tensor.zeros(channels)));
        dParams.put("bias", store(gb, Tensor.zeros(channels)));
    }

    static void dense(Op.Dense d, Tensor x, Tensor dy, Map<String, Tensor> params, Tensor dx, Map<String, Tensor> dParams) {
        int n = x.dim(0), in = x.size() / n;
        Tensor weight = params.get("weight");
        double[] gx = new double[x.size()], gw = new double[weight.size()], gb = new double[d.units()];
        for (int b = 0; b < n; b++) {
            for (int o = 0; o < d.units(); o++) {
                double g = dy.get(b * d.units() + o);
                gb[o] += g;
                for (int i = 0; i < in; i++) {
                    gx[b * in + i] += g * weight.get(o * in + i);
                    gw[o * in + i] += g * x.get(b * in + i);
                }
            }
        }
        store(gx, dx);
        dParams.put("weight", store(gw, Tensor.zeros(weight.shape())));
        if (d.bias()) {
            dParams.put("bias", store(gb, Tensor.zeros(d.units())));
        }
    }

    /**
     * Each output's gradient goes to the one input that won its window: the first maximum in
     * row-major window order (a later equal value does not replace it), or the last NaN, as PyTorch's CPU
     * max_pool2d picks its index. Padded positions never win.
     */
    static void maxPool(Op op, Tensor x, Tensor dy, Tensor dx) {
        int planes = x.dim(0) * x.dim(1), inH = x.dim(2), inW = x.dim(3);
        Geometry w = Geometry.of(op, x, dy);
        double[] gx = new double[x.size()];
        for (int pl = 0; pl < planes; pl++) {
            for (int oy = 0; oy < w.outH(); oy++) {
                for (int ox = 0; ox < w.outW(); ox++) {
                    float max = Float.NEGATIVE_INFINITY;
                    int at = -1;
                    for (int ky = 0; ky < w.kh(); ky++) {
                        int iy = w.inY(oy, ky);
                        for (int kx = 0; kx < w.kw(); kx++) {
                            int ix = w.inX(ox, kx);
                            if (iy >= 0 && iy < inH && ix >= 0 && ix < inW) {
                                int i = (pl * inH + iy) * inW + ix;
                                float v = x.get(i);
                                if (at < 0 || v > max || Float.isNaN(v)) {
                                    max = v;
                                    at = i;
                                }
                            }
                        }
                    }
                    gx[at] += dy.get((pl * w.outH() + oy) * w.outW() + ox);
                }
            }
        }
        store(gx, dx);
    }

    /** The forward's divisor (see the exec reference avgPool) spread evenly over the window's input positions. */
    static void avgPool(Op.AvgPool p, Tensor x, Tensor dy, Tensor dx) {
        int planes = x.dim(0) * x.dim(1);
        Geometry w = Geometry.of(p, x, dy);
        double[] gx = new double[x.size()];
        for (int pl = 0; pl < planes; pl++) {
            for (int oy = 0; oy < w.outH(); oy++) {
                int y0 = oy * w.sh() - w.padTop();
                int y1 = Math.min(y0 + w.kh(), w.inH() + w.padBottom());
                for (int ox = 0; ox < w.outW(); ox++) {
                    int x0 = ox * w.sw() - w.padLeft();
                    int x1 = Math.min(x0 + w.kw(), w.inW() + w.padRight());
                    int padded = (y1 - y0) * (x1 - x0);
                    int cy0 = Math.max(y0, 0), cy1 = Math.min(y1, w.inH());
                    int cx0 = Math.max(x0, 0), cx1 = Math.min(x1, w.inW());
                    int divisor = p.countPad() ? padded : (cy1 - cy0) * (cx1 - cx0);
                    if (divisor <= 0) {
                        continue;
                    }
                    double share = dy.get((pl * w.outH() + oy) * w.outW() + ox) / (double) divisor;
                    for (int iy = cy0; iy < cy1; iy++) {
                        for (int ix = cx0; ix < cx1; ix++) {
                            gx[(pl * w.inH() + iy) * w.inW() + ix] += share;
                        }
                    }
                }
            }
        }
        store(gx, dx);
    }

    /**
     * Training-mode batchnorm: with x̂ the normalised input and 1/σ the saved inverse deviation,
     * dγ = Σ dy·x̂, dβ = Σ dy, dx = γ/σ · (dy - mean(dy) - x̂ · mean(dy·x̂)) per channel.
     */
    static void batchNorm(Tensor x, Tensor dy, Map<String, Tensor> params, Saved saved, Tensor dx,
                          Map<String, Tensor> dParams) {
        int n = x.dim(0), ch = x.dim(1), area = x.size() / (n * ch);
        Tensor gamma = params.get("weight");
        Tensor dGamma = Tensor.zeros(ch), dBeta = Tensor.zeros(ch);
        long count = (long) n * area;
        for (int c = 0; c < ch; c++) {
            double mean = saved.batchMean()[c], inv = saved.batchInvStd()[c];
            double sumDy = 0, sumDyXhat = 0;
            for (int b = 0; b < n; b++) {
                int base = (b * ch + c) * area;
                for (int i = 0; i < area; i++) {
                    double d = dy.get(base + i);
                    sumDy += d;
                    sumDyXhat += d * (x.get(base + i) - mean) * inv;
                }
            }
            dGamma.set(c, (float) sumDyXhat);
            dBeta.set(c, (float) sumDy);
            double scale = gamma.get(c) * inv;
            for (int b = 0; b < n; b++) {
                int base = (b * ch + c) * area;
                for (int i = 0; i < area; i++) {
                    double xhat = (x.get(base + i) - mean) * inv;
                    dx.set(base + i, (float) (scale * (dy.get(base + i) - sumDy / count - xhat * sumDyXhat / count)));
                }
            }
        }
        dParams.put("weight", dGamma);
        dParams.put("bias", dBeta);
    }

    /**
     * PyTorch LocalResponseNorm, y_c = x_c · d_c^-β with d_c = k + α/n Σ_{j in window(c)} x_j²:
     * dx_i = dy_i d_i^-β - 2αβ/n · x_i Σ_{c: i in window(c)} dy_c x_c d_c^(-β-1).
     */
    static void lrn(Op.Lrn l, Tensor x, Tensor dy, Tensor dx) {
        int n = x.dim(0), ch = x.dim(1), area = x.dim(2) * x.dim(3);
        double[] d = new double[ch];
        for (int b = 0; b < n; b++) {
            for (int i = 0; i < area; i++) {
                for (int c = 0; c < ch; c++) {
                    int lo = Math.max(0, c - l.size() / 2), hi = Math.min(ch - 1, c + (l.size() - 1) / 2);
                    double sum = 0;
                    for (int j = lo; j <= hi; j++) {
                        double v = x.get((b * ch + j) * area + i);
                        sum += v * v;
                    }
                    d[c] = l.k() + l.alpha() / l.size() * sum;
                }
                for (int c = 0; c < ch; c++) {
                    // the outputs whose window holds channel c
                    int lo = Math.max(0, c - (l.size() - 1) / 2), hi = Math.min(ch - 1, c + l.size() / 2);
                    double cross = 0;
                    for (int j = lo; j <= hi; j++) {
                        int at = (b * ch + j) * area + i;
                        cross += dy.get(at) * x.get(at) * Math.pow(d[j], -l.beta() - 1);
                    }
                    int at = (b * ch + c) * area + i;
                    dx.set(at, (float) (dy.get(at) * Math.pow(d[c], -l.beta())
                            - 2 * l.alpha() * l.beta() / l.size() * x.get(at) * cross));
                }
            }
        }
    }

    /** Softmax over axis 1 from its output y: dx = y · (dy - Σ dy·y). */
    static void softmax(Tensor y, Tensor dy, Tensor dx) {
        int n = y.dim(0), ch = y.dim(1), area = y.size() / (n * ch);
        for (int b = 0; b < n; b++) {
            for (int i = 0; i < area; i++) {
                double dot = 0;
                for (int c = 0; c < ch; c++) {
                    int at = (b * ch + c) * area + i;
                    dot += (double) dy.get(at) * y.get(at);
                }
                for (int c = 0; c < ch; c++) {
                    int at = (b * ch + c) * area + i;
                    dx.set(at, (float) (y.get(at) * (dy.get(at) - dot)));
                }
            }
        }
    }

    private static Tensor store(double[] values, Tensor into) {
        for (int i = 0; i < values.length; i++) {
            into.set(i, (float) values[i]);
        }
        return into;
    }
}
