package io.cnnkit.diagram;

import io.cnnkit.compiler.op.Op;
import io.cnnkit.compiler.op.OpVisitor;
import io.cnnkit.compiler.op.Padding;
import io.cnnkit.compiler.op.Size2;
import java.util.Locale;

/**
 * The short text a diagram shows for an operator: {@code conv 7x7/2, 64}, {@code maxpool 3x3/2 ceil},
 * {@code dense 1000}. Window sizes are always written {@code HxW}; a stride of 1, zero padding and
 * default flags are left out.
 */
public final class OpSummary {

    private OpSummary() {
    }

    public static String of(Op op) {
        return op.accept(LABELS);
    }

    private static final OpVisitor<String> LABELS = new OpVisitor<>() {
        @Override
        public String input(Op.Input op) {
            return op.kind();
        }

        @Override
        public String conv(Op.Conv c) {
            return "conv " + window(c.kernel(), c.stride()) + ", " + c.filters()
                    + (c.dilation().h() == 1 && c.dilation().w() == 1 ? "" : ", dilation " + c.dilation())
                    + (c.groups() == 1 ? "" : ", groups " + c.groups());
        }

        @Override
        public String maxPool(Op.MaxPool p) {
            return "maxpool " + window(p.kernel(), p.stride())
                    + (p.dilation().h() == 1 && p.dilation().w() == 1 ? "" : " dilation " + p.dilation())
                    + (p.ceil() ? " ceil" : "");
        }

        @Override
        public String avgPool(Op.AvgPool p) {
            return "avgpool " + window(p.kernel(), p.stride()) + (p.ceil() ? " ceil" : "")
                    + (p.countPad() || isZero(p.pad()) ? "" : " exclude pad");
        }

        @Override
        public String globalAvgPool(Op.GlobalAvgPool op) {
            return "global avgpool";
        }

        @Override
        public String globalMaxPool(Op.GlobalMaxPool op) {
            return "global maxpool";
        }

        @Override
        public String adaptiveAvgPool(Op.AdaptiveAvgPool op) {
            return "adaptiveavgpool " + op.size().h() + "x" + op.size().w();
        }

        @Override
        public String adaptiveMaxPool(Op.AdaptiveMaxPool op) {
            return "adaptivemaxpool " + op.size().h() + "x" + op.size().w();
        }

        @Override
        public String dense(Op.Dense d) {
            return "dense " + d.units();
        }

        @Override
        public String flatten(Op.Flatten op) {
            return op.kind();
        }

        @Override
        public String relu(Op.Relu op) {
            return op.kind();
        }

        @Override
        public String relu6(Op.Relu6 op) {
            return op.kind();
        }

        @Override
        public String leakyRelu(Op.LeakyRelu r) {
            return "leakyrelu " + number(r.alpha());
        }

        @Override
        public String tanh(Op.Tanh op) {
            return op.kind();
        }

        @Override
        public String sigmoid(Op.Sigmoid op) {
            return op.kind();
        }

        @Override
        public String silu(Op.Silu op) {
            return op.kind();
        }

        @Override
        public String hardSigmoid(Op.HardSigmoid op) {
            return op.kind();
        }

        @Override
        public String hardSwish(Op.HardSwish op) {
            return op.kind();
        }

        @Override
        public String gelu(Op.Gelu op) {
            return op.tanh() ? "gelu tanh" : op.kind();
        }

        @Override
        public String softmax(Op.Softmax op) {
            return op.kind();
        }

        @Override
        public String lrn(Op.Lrn l) {
            return "lrn " + l.size();
        }

        @Override
        public String batchNorm(Op.BatchNorm op) {
            return op.kind();
        }

        @Override
        public String layerNorm(Op.LayerNorm op) {
            return op.kind();
        }

        @Override
        public String scale(Op.Scale op) {
            return "layer scale";
        }

        @Override
        public String linear(Op.Linear l) {
            return "linear " + l.units();
        }

        @Override
        public String dropout(Op.Dropout d) {
            return "dropout " + number(d.p());
        }

        @Override
        public String stochasticDepth(Op.StochasticDepth op) {
            return "stochastic depth " + number(op.p());
        }

        @Override
        public String channelSlice(Op.ChannelSlice op) {
            return "slice " + op.from() + ":" + op.to();
        }

        @Override
        public String channelShuffle(Op.ChannelShuffle op) {
            return "channel shuffle " + op.groups();
        }

        @Override
        public String zeroPad(Op.ZeroPad z) {
            return "zeropad " + z.pad();
        }

        @Override
        public String concat(Op.Concat op) {
            return op.kind();
        }

        @Override
        public String mul(Op.Mul op) {
            return op.kind();
        }

        @Override
        public String add(Op.Add op) {
            return op.kind();
        }
    };

    /** {@code 7x7/2}, or {@code 3x3} for stride 1. */
    private static String window(Size2 kernel, Size2 stride) {
        String k = kernel.h() + "x" + kernel.w();
        if (stride.h() == 1 && stride.w() == 1) {
            return k;
        }
        return k + "/" + stride;
    }

    private static boolean isZero(Padding pad) {
        return pad instanceof Padding.Explicit e && e.isZero();
    }

    /** {@code 0.4}, {@code 0.01}: the shortest decimal that round-trips. */
    private static String number(double v) {
        return v == Math.rint(v) ? String.format(Locale.ROOT, "%.0f", v) : Double.toString(v);
    }
}
