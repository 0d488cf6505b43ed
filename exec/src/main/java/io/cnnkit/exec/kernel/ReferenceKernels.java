package io.cnnkit.exec.kernel;

import io.cnnkit.analyzer.ShapeInference;
import io.cnnkit.compiler.op.Op;
import io.cnnkit.compiler.op.OpVisitor;
import io.cnnkit.compiler.op.Size2;
import java.util.function.DoubleUnaryOperator;
import org.apache.commons.math3.special.Erf;
import io.cnnkit.exec.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Naive kernels, one per operator, written for obviousness rather than speed: the test oracle for
 * the optimised kernels. Sums are accumulated in double. Semantics follow PyTorch (and ONNX where
 * they agree); each method says where the two differ.
 */
public final class ReferenceKernels {
    private ReferenceKernels() {
    }

    /** Runs {@code op} on {@code inputs} (batch dimension first) and returns a new tensor. */
    public static Tensor run(Op op, List<Tensor> inputs, Map<String, Tensor> params) {
        List<int[]> shapes = new ArrayList<>(inputs.size());
        for (Tensor t : inputs) {
            shapes.add(t.shape());
        }
        Tensor out = Tensor.zeros(ShapeInference.batched(op, shapes));
        op.accept(new Runner(inputs, params, out));
        return out;
    }

    /** Each operator's reference computation, writing into {@code out}. */
    private record Runner(List<Tensor> inputs, Map<String, Tensor> params, Tensor out) implements OpVisitor<Void> {
        private Tensor x() {
            return inputs.get(0);
        }

        private Void copy() {
            for (int i = 0; i < x().size(); i++) {
                out.set(i, x().get(i));
            }
            return null;
        }

        private Void map(DoubleUnaryOperator f) {
            for (int i = 0; i < x().size(); i++) {
                out.set(i, (float) f.applyAsDouble(x().get(i)));
            }
            return null;
        }

        @Override
        public Void input(Op.Input op) {
            return copy();
        }

        @Override
        public Void conv(Op.Conv op) {
            ReferenceKernels.conv(op, x(), params, out);
            return null;
        }

        @Override
        public Void maxPool(Op.MaxPool op) {
            ReferenceKernels.maxPool(op, x(), out);
            return null;
        }

        @Override
        public Void avgPool(Op.AvgPool op) {
            ReferenceKernels.avgPool(op, x(), out);
            return null;
        }

        @Override
        public Void globalAvgPool(Op.GlobalAvgPool op) {
            globalPool(x(), out, false);
            return null;
        }

        @Override
        public Void globalMaxPool(Op.GlobalMaxPool op) {
            globalPool(x(), out, true);
            return null;
        }

        @Override
        public Void adaptiveAvgPool(Op.AdaptiveAvgPool op) {
            adaptivePool(x(), out, false);
            return null;
        }

        @Override
        public Void adaptiveMaxPool(Op.AdaptiveMaxPool op) {
            adaptivePool(x(), out, true);
            return null;
        }

        @Override
        public Void dense(Op.Dense op) {
            ReferenceKernels.dense(op, x(), params, out);
            return null;
        }

        @Override
        public Void flatten(Op.Flatten op) {
            return copy();
        }

        @Override
        public Void relu(Op.Relu op) {
            return map(v -> Math.max(v, 0));
        }

        @Override
        public Void relu6(Op.Relu6 op) {
            return map(v -> Math.min(Math.max(v, 0), 6));
        }

        @Override
        public Void leakyRelu(Op.LeakyRelu op) {
            return map(v -> v >= 0 ? v : v * op.alpha());
        }

        @Override
        public Void tanh(Op.Tanh op) {
            return map(Math::tanh);
        }

        @Override
        public Void sigmoid(Op.Sigmoid op) {
            return map(v -> 1 / (1 + Math.exp(-v)));
        }

        @Override
        public Void silu(Op.Silu op) {
            return map(v -> v / (1 + Math.exp(-v)));
        }

        @Override
        public Void hardSigmoid(Op.HardSigmoid op) {
            return map(v -> Math.min(Math.max(v + 3, 0), 6) / 6);
        }

        @Override
        public Void hardSwish(Op.HardSwish op) {
            return map(v -> v * Math.min(Math.max(v + 3, 0), 6) / 6);
        }

        /** PyTorch's GELU: exact through erf (Commons Math's), or the tanh form of {@code approximate='tanh'}. */
        @Override
        public Void gelu(Op.Gelu op) {
            if (op.tanh()) {
                return map(v -> 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v * v * v))));
            }
            return map(v -> 0.5 * v * (1 + Erf.erf(v / Math.sqrt(2))));
        }

        @Override
        public Void softmax(Op.Softmax op) {
            ReferenceKernels.softmax(x(), out);
            return null;
        }

        @Override
        public Void lrn(Op.Lrn op) {
            ReferenceKernels.lrn(op, x(), out);
            return null;
        }

        @Override
        public Void batchNorm(Op.BatchNorm op) {
            ReferenceKernels.batchNorm(op, x(), params, out);
            return null;
        }

        @Override
        public Void layerNorm(Op.LayerNorm op) {
            ReferenceKernels.layerNorm(op, x(), params, out);
            return null;
        }

        @Override
        public Void scale(Op.Scale op) {
            Tensor factors = params.get(io.cnnkit.analyzer.ParamSpec.BARE);
            int channels = x().dim(1), area = Tensor.sampleSize(x().shape()) / channels;
            for (int i = 0; i < out.size(); i++) {
                out.set(i, x().get(i) * factors.get(i / area % channels));
            }
            return null;
        }

        @Override
        public Void linear(Op.Linear op) {
            ReferenceKernels.linear(op, x(), params, out);
            return null;
        }

        @Override
        public Void dropout(Op.Dropout op) {
            return copy();
        }

        @Override
        public Void stochasticDepth(Op.StochasticDepth op) {
            return copy();
        }

        @Override
        public Void channelSlice(Op.ChannelSlice op) {
            int n = x().dim(0), area = Tensor.sampleSize(x().shape()) / x().dim(1), block = out.size() / n;
            for (int i = 0; i < out.size(); i++) {
                int b = i / block;
                out.set(i, x().get(b * x().dim(1) * area + op.from() * area + i % block));
            }
            return null;
        }

        /** PyTorch's view(N, g, C/g, H, W), transpose(1, 2), reshape(N, C, H, W), index by index. */
        @Override
        public Void channelShuffle(Op.ChannelShuffle op) {
            int n = x().dim(0), c = x().dim(1), area = x().dim(2) * x().dim(3), g = op.groups(), perGroup = c / g;
            for (int b = 0; b < n; b++) {
                for (int j = 0; j < perGroup; j++) {
                    for (int i = 0; i < g; i++) {
                        for (int p = 0; p < area; p++) {
                            out.set(((b * c) + j * g + i) * area + p, x().get(((b * c) + i * perGroup + j) * area + p));
                        }
                    }
                }
            }
            return null;
        }

        @Override
        public Void zeroPad(Op.ZeroPad op) {
            ReferenceKernels.zeroPad(op, x(), out);
            return null;
        }

        @Override
        public Void concat(Op.Concat op) {
            ReferenceKernels.concat(inputs, out);
            return null;
        }

        @Override
        public Void mul(Op.Mul op) {
            ReferenceKernels.mul(x(), inputs.get(1), out);
            return null;
        }

        @Override
        public Void add(Op.Add op) {
            ReferenceKernels.add(inputs, out);
            return null;
        }
    }

    static void conv(Op.Conv c, Tensor x, Map<String, Tensor> params, Tensor out) {
        int n = x.dim(0), cin = x.dim(1), inH = x.dim(2), inW = x.dim(3);
        Window w = Window.of(x.shape(), out.shape(), c.kernel(), c.stride(), c.pad(), c.dilation());
        Tensor weight = Params.convWeight(params, c, cin);
        Optional<Tensor> bias = Params.bias(params, c, c.bias(), c.filters());
        int cinG = cin / c.groups(), coutG = c.filters() / c.groups();
        for (int b = 0; b < n; b++) {
            for (int co = 0; co < c.filters(); co++) {
                int g = co / coutG;
                for (int oy = 0; oy < w.outH(); oy++) {
                    for (int ox = 0; ox < w.outW(); ox++) {
                        double sum = bias.isPresent() ? bias.get().get(co) : 0;
                        for (int ci = 0; ci < cinG; ci++) {
                            for (int ky = 0; ky < w.kh(); ky++) {
                                int iy = oy * w.sh() - w.padTop() + ky * w.dh();
                                for (int kx = 0; kx < w.kw(); kx++) {
                                    int ix = ox * w.sw() - w.padLeft() + kx * w.dw();
                                    if (iy >= 0 && iy < inH && ix >= 0 && ix < inW) {
                                        int xi = ((b * cin + g * cinG + ci) * inH + iy) * inW + ix;
                                        int wi = ((co * cinG + ci) * w.kh() + ky) * w.kw() + kx;
                                        sum += (double) x.get(xi) * weight.get(wi);
                                    }
                                }
                            }
                        }
                        out.set(((b * c.filters() + co) * w.outH() + oy) * w.outW() + ox, (float) sum);
                    }
                }
            }
        }
    }

    /** Padded positions never win; with ceil mode a window may overhang the end and is clipped. */
    static void maxPool(Op.MaxPool p, Tensor x, Tensor out) {
        Window w = Window.of(x.shape(), out.shape(), p.kernel(), p.stride(), p.pad(), p.dilation());
        int planes = x.dim(0) * x.dim(1);
        for (int pl = 0; pl < planes; pl++) {
            for (int oy = 0; oy < w.outH(); oy++) {
                for (int ox = 0; ox < w.outW(); ox++) {
                    float max = Float.NEGATIVE_INFINITY;
                    for (int ky = 0; ky < w.kh(); ky++) {
                        int iy = oy * w.sh() - w.padTop() + ky * w.dh();
                        for (int kx = 0; kx < w.kw(); kx++) {
                            int ix = ox * w.sw() - w.padLeft() + kx * w.dw();
                            if (iy >= 0 && iy < w.inH() && ix >= 0 && ix < w.inW()) {
                                float v = x.get((pl * w.inH() + iy) * w.inW() + ix);
                                if (v > max || Float.isNaN(v)) {
                                    max = v;
                                }
                            }
                        }
                    }
                    out.set((pl * w.outH() + oy) * w.outW() + ox, max);
                }
            }
        }
    }

    /**
     * PyTorch's avg_pool2d: the window is first clipped to the padded input (so ceil-mode overhang
     * beyond the end padding never counts), that size is the divisor with {@code countPad}; then it
     * is clipped to the input, whose size is the divisor without.
     */
    static void avgPool(Op.AvgPool p, Tensor x, Tensor out) {
        Window w = Window.of(x.shape(), out.shape(), p.kernel(), p.stride(), p.pad(), Size2.square(1));
        int planes = x.dim(0) * x.dim(1);
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
                    double sum = 0;
                    for (int iy = cy0; iy < cy1; iy++) {
                        for (int ix = cx0; ix < cx1; ix++) {
                            sum += x.get((pl * w.inH() + iy) * w.inW() + ix);
                        }
                    }
                    int divisor = p.countPad() ? padded : (cy1 - cy0) * (cx1 - cx0);
                    out.set((pl * w.outH() + oy) * w.outW() + ox, divisor > 0 ? (float) (sum / divisor) : 0f);
                }
            }
        }
    }

    static void globalPool(Tensor x, Tensor out, boolean max) {
        int planes = x.dim(0) * x.dim(1), area = x.dim(2) * x.dim(3);
        for (int pl = 0; pl < planes; pl++) {
            double acc = max ? Double.NEGATIVE_INFINITY : 0;
            for (int i = 0; i < area; i++) {
                float v = x.get(pl * area + i);
                acc = max ? Math.max(acc, v) : acc + v;
            }
            out.set(pl, (float) (max ? acc : acc / area));
        }
    }

    /**
     * PyTorch's adaptive pooling: output row i covers input rows [floor(i·H/h), ceil((i+1)·H/h)),
     * columns likewise; written out here rather than through {@code ConvArithmetic}, as an oracle.
     */
    static void adaptivePool(Tensor x, Tensor out, boolean max) {
        int planes = x.dim(0) * x.dim(1), inH = x.dim(2), inW = x.dim(3), outH = out.dim(2), outW = out.dim(3);
        for (int pl = 0; pl < planes; pl++) {
            for (int i = 0; i < outH; i++) {
                int y0 = Math.floorDiv(i * inH, outH), y1 = -Math.floorDiv(-(i + 1) * inH, outH);
                for (int j = 0; j < outW; j++) {
                    int x0 = Math.floorDiv(j * inW, outW), x1 = -Math.floorDiv(-(j + 1) * inW, outW);
                    double acc = max ? Double.NEGATIVE_INFINITY : 0;
                    for (int y = y0; y < y1; y++) {
                        for (int xx = x0; xx < x1; xx++) {
                            float v = x.get((pl * inH + y) * inW + xx);
                            acc = max ? (Float.isNaN(v) ? v : Math.max(acc, v)) : acc + v;
                        }
                    }
                    out.set((pl * outH + i) * outW + j, (float) (max ? acc : acc / ((y1 - y0) * (x1 - x0))));
                }
            }
        }
    }

    /** y = x W^T + b with W [out, in]; a map input is read as its flattened features. */
    static void dense(Op.Dense d, Tensor x, Map<String, Tensor> params, Tensor out) {
        int n = x.dim(0), in = Tensor.sampleSize(x.shape());
        Tensor weight = Params.require(params, d, "weight", d.units(), in);
        Optional<Tensor> bias = Params.bias(params, d, d.bias(), d.units());
        for (int b = 0; b < n; b++) {
            for (int o = 0; o < d.units(); o++) {
                double sum = bias.isPresent() ? bias.get().get(o) : 0;
                for (int i = 0; i < in; i++) {
                    sum += (double) x.get(b * in + i) * weight.get(o * in + i);
                }
                out.set(b * d.units() + o, (float) sum);
            }
        }
    }

    /**
     * PyTorch LocalResponseNorm: y = x / (k + alpha/size * sum of x^2 over channels
     * [c - size/2, c + (size-1)/2])^beta. ONNX LRN uses the same window for odd sizes; for even
     * sizes ONNX centres it one channel later.
     */
    static void lrn(Op.Lrn l, Tensor x, Tensor out) {
        int n = x.dim(0), ch = x.dim(1), area = x.dim(2) * x.dim(3);
        for (int b = 0; b < n; b++) {
            for (int c = 0; c < ch; c++) {
                int lo = Math.max(0, c - l.size() / 2), hi = Math.min(ch - 1, c + (l.size() - 1) / 2);
                for (int i = 0; i < area; i++) {
                    double sum = 0;
                    for (int cc = lo; cc <= hi; cc++) {
                        double v = x.get((b * ch + cc) * area + i);
                        sum += v * v;
                    }
                    double div = Math.pow(l.k() + l.alpha() / l.size() * sum, l.beta());
                    int at = (b * ch + c) * area + i;
                    out.set(at, (float) (x.get(at) / div));
                }
            }
        }
    }

    static void batchNorm(Op.BatchNorm bn, Tensor x, Map<String, Tensor> params, Tensor out) {
        int n = x.dim(0), ch = x.dim(1), area = Tensor.sampleSize(x.shape()) / ch;
        Tensor weight = Params.require(params, bn, "weight", ch);
        Tensor bias = Params.require(params, bn, "bias", ch);
        Tensor mean = Params.require(params, bn, "running_mean", ch);
        Tensor var = Params.require(params, bn, "running_var", ch);
        for (int b = 0; b < n; b++) {
            for (int c = 0; c < ch; c++) {
                double sd = Math.sqrt((double) var.get(c) + bn.eps());
                for (int i = 0; i < area; i++) {
                    int at = (b * ch + c) * area + i;
                    out.set(at, (float) ((x.get(at) - (double) mean.get(c)) / sd * weight.get(c) + bias.get(c)));
                }
            }
        }
    }

    /** Softmax over axis 1 (channels or features), shifted by the maximum for stability. */
    static void softmax(Tensor x, Tensor out) {
        int n = x.dim(0), ch = x.dim(1), area = Tensor.sampleSize(x.shape()) / ch;
        for (int b = 0; b < n; b++) {
            for (int i = 0; i < area; i++) {
                double max = Double.NEGATIVE_INFINITY;
                for (int c = 0; c < ch; c++) {
                    max = Math.max(max, x.get((b * ch + c) * area + i));
                }
                double sum = 0;
                for (int c = 0; c < ch; c++) {
                    sum += Math.exp(x.get((b * ch + c) * area + i) - max);
                }
                for (int c = 0; c < ch; c++) {
                    int at = (b * ch + c) * area + i;
                    out.set(at, (float) (Math.exp(x.get(at) - max) / sum));
                }
            }
        }
    }

    /** PyTorch's layer_norm over the channels of each position: biased variance, eps inside the root. */
    static void layerNorm(Op.LayerNorm op, Tensor x, Map<String, Tensor> params, Tensor out) {
        Tensor weight = params.get("weight"), bias = params.get("bias");
        int n = x.dim(0), channels = x.dim(1), area = Tensor.sampleSize(x.shape()) / channels;
        double[][] stats = layerNormStatistics(x, op.eps());
        for (int b = 0; b < n; b++) {
            for (int p = 0; p < area; p++) {
                int base = b * channels * area + p, position = b * area + p;
                for (int c = 0; c < channels; c++) {
                    out.set(base + c * area, (float) ((x.get(base + c * area) - stats[0][position])
                            * stats[1][position] * weight.get(c) + bias.get(c)));
                }
            }
        }
    }

    /**
     * The mean and 1 / sqrt(biased variance + eps) over the channels of each position of {@code x}
     * (N×C×H×W or N×F), in double, indexed by sample·H·W + position.
     */
    public static double[][] layerNormStatistics(Tensor x, double eps) {
        int n = x.dim(0), channels = x.dim(1), area = Tensor.sampleSize(x.shape()) / channels;
        double[] mean = new double[n * area], invStd = new double[n * area];
        for (int b = 0; b < n; b++) {
            for (int p = 0; p < area; p++) {
                int base = b * channels * area + p;
                double sum = 0;
                for (int c = 0; c < channels; c++) {
                    sum += x.get(base + c * area);
                }
                double mu = sum / channels, squares = 0;
                for (int c = 0; c < channels; c++) {
                    double d = x.get(base + c * area) - mu;
                    squares += d * d;
                }
                mean[b * area + p] = mu;
                invStd[b * area + p] = 1 / Math.sqrt(squares / channels + eps);
            }
        }
        return new double[][] {mean, invStd};
    }

    /** PyTorch's Linear at each position: out[o] = bias[o] + Σ_c weight[o, c]·x[c]. */
    static void linear(Op.Linear op, Tensor x, Map<String, Tensor> params, Tensor out) {
        Tensor weight = params.get("weight");
        Optional<Tensor> bias = Optional.ofNullable(params.get("bias"));
        int n = x.dim(0), channels = x.dim(1), area = Tensor.sampleSize(x.shape()) / channels;
        for (int b = 0; b < n; b++) {
            for (int o = 0; o < op.units(); o++) {
                for (int p = 0; p < area; p++) {
                    double sum = bias.isPresent() ? bias.get().get(o) : 0;
                    for (int c = 0; c < channels; c++) {
                        sum += (double) weight.get(o * channels + c) * x.get((b * channels + c) * area + p);
                    }
                    out.set((b * op.units() + o) * area + p, (float) sum);
                }
            }
        }
    }

    static void zeroPad(Op.ZeroPad z, Tensor x, Tensor out) {
        int planes = x.dim(0) * x.dim(1), inH = x.dim(2), inW = x.dim(3), outH = out.dim(2), outW = out.dim(3);
        for (int pl = 0; pl < planes; pl++) {
            for (int y = 0; y < inH; y++) {
                for (int xx = 0; xx < inW; xx++) {
                    out.set((pl * outH + y + z.pad().top()) * outW + xx + z.pad().left(),
                            x.get((pl * inH + y) * inW + xx));
                }
            }
        }
    }

    static void concat(List<Tensor> inputs, Tensor out) {
        int n = out.dim(0), area = Tensor.sampleSize(out.shape()) / out.dim(1);
        int at = 0;
        for (int b = 0; b < n; b++) {
            for (Tensor t : inputs) {
                int block = t.dim(1) * area;
                for (int i = 0; i < block; i++) {
                    out.set(at++, t.get(b * block + i));
                }
            }
        }
    }

    /** NumPy broadcasting of the second input over the first: the same shape, or one factor per sample and channel. */
    static void mul(Tensor x, Tensor g, Tensor out) {
        int perFactor = x.size() / g.size();
        for (int i = 0; i < out.size(); i++) {
            out.set(i, (float) ((double) x.get(i) * g.get(i / perFactor)));
        }
    }

    static void add(List<Tensor> inputs, Tensor out) {
        for (int i = 0; i < out.size(); i++) {
            double sum = 0;
            for (Tensor t : inputs) {
                sum += t.get(i);
            }
            out.set(i, (float) sum);
        }
    }
}
