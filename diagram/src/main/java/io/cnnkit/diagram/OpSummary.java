package io.cnnkit.diagram;

import io.cnnkit.compiler.op.Op;
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
        if (op instanceof Op.Conv c) {
            return "conv " + window(c.kernel(), c.stride()) + ", " + c.filters()
                    + (c.dilation().h() == 1 && c.dilation().w() == 1 ? "" : ", dilation " + c.dilation())
                    + (c.groups() == 1 ? "" : ", groups " + c.groups());
        }
        if (op instanceof Op.MaxPool p) {
            return "maxpool " + window(p.kernel(), p.stride())
                    + (p.dilation().h() == 1 && p.dilation().w() == 1 ? "" : " dilation " + p.dilation())
                    + (p.ceil() ? " ceil" : "");
        }
        if (op instanceof Op.AvgPool p) {
            return "avgpool " + window(p.kernel(), p.stride()) + (p.ceil() ? " ceil" : "")
                    + (p.countPad() || isZero(p.pad()) ? "" : " exclude pad");
        }
        if (op instanceof Op.GlobalAvgPool) {
            return "global avgpool";
        }
        if (op instanceof Op.GlobalMaxPool) {
            return "global maxpool";
        }
        if (op instanceof Op.Dense d) {
            return "dense " + d.units();
        }
        if (op instanceof Op.LeakyRelu r) {
            return "leakyrelu " + number(r.alpha());
        }
        if (op instanceof Op.Lrn l) {
            return "lrn " + l.size();
        }
        if (op instanceof Op.Dropout d) {
            return "dropout " + number(d.p());
        }
        if (op instanceof Op.ZeroPad z) {
            return "zeropad " + z.pad();
        }
        return op.kind();
    }

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
