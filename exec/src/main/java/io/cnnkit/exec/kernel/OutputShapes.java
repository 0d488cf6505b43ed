package io.cnnkit.exec.kernel;

import io.cnnkit.compiler.op.Op;
import io.cnnkit.compiler.op.Size2;
import java.util.Arrays;
import java.util.List;

/**
 * Output shapes, batch dimension included (NCHW or NF), of every operator. Bad inputs (wrong rank,
 * mismatched shapes, windows that do not fit) get an {@link IllegalArgumentException}.
 */
public final class OutputShapes {
    private OutputShapes() {
    }

    public static int[] of(Op op, List<int[]> in) {
        if (in.isEmpty()) {
            throw new IllegalArgumentException(op.kind() + " needs an input");
        }
        int[] x = in.get(0);
        if (op instanceof Op.Conv c) {
            requireMap(op, x);
            if (x[1] % c.groups() != 0 || c.filters() % c.groups() != 0) {
                throw new IllegalArgumentException("conv with " + c.groups() + " groups needs channels ("
                        + x[1] + " in, " + c.filters() + " out) divisible by the groups");
            }
            Window w = window(op, x);
            return new int[] {x[0], c.filters(), w.outH(), w.outW()};
        }
        if (op instanceof Op.MaxPool || op instanceof Op.AvgPool) {
            requireMap(op, x);
            Window w = window(op, x);
            return new int[] {x[0], x[1], w.outH(), w.outW()};
        }
        if (op instanceof Op.GlobalAvgPool || op instanceof Op.GlobalMaxPool) {
            requireMap(op, x);
            return new int[] {x[0], x[1], 1, 1};
        }
        if (op instanceof Op.Dense d) {
            return new int[] {x[0], d.units()};
        }
        if (op instanceof Op.Flatten) {
            return new int[] {x[0], features(x)};
        }
        if (op instanceof Op.ZeroPad z) {
            requireMap(op, x);
            return new int[] {x[0], x[1], x[2] + z.pad().top() + z.pad().bottom(),
                              x[3] + z.pad().left() + z.pad().right()};
        }
        if (op instanceof Op.Lrn) {
            requireMap(op, x);
            return x.clone();
        }
        if (op instanceof Op.Concat) {
            return concat(in);
        }
        if (op instanceof Op.Add) {
            for (int[] s : in) {
                if (!Arrays.equals(s, x)) {
                    throw new IllegalArgumentException("add needs inputs of one shape, got "
                            + Arrays.toString(x) + " and " + Arrays.toString(s));
                }
            }
            return x.clone();
        }
        if (op instanceof Op.BatchNorm && x.length < 2) {
            throw new IllegalArgumentException("batchnorm needs a channel axis, got " + Arrays.toString(x));
        }
        if (op instanceof Op.Softmax && x.length < 2) {
            throw new IllegalArgumentException("softmax needs a channel axis, got " + Arrays.toString(x));
        }
        return x.clone(); // element-wise operators, input, dropout, batchnorm, softmax
    }

    /** The resolved window of a conv or pool layer over input {@code x} (NCHW). */
    static Window window(Op op, int[] x) {
        if (op instanceof Op.Conv c) {
            return Window.of(x[2], x[3], c.kernel(), c.stride(), c.pad(), c.dilation(), false);
        }
        if (op instanceof Op.MaxPool p) {
            return Window.of(x[2], x[3], p.kernel(), p.stride(), p.pad(), p.dilation(), p.ceil());
        }
        if (op instanceof Op.AvgPool p) {
            return Window.of(x[2], x[3], p.kernel(), p.stride(), p.pad(), Size2.square(1), p.ceil());
        }
        throw new IllegalArgumentException(op.kind() + " has no window");
    }

    /** Elements per sample. */
    static int features(int[] shape) {
        long n = 1;
        for (int i = 1; i < shape.length; i++) {
            n *= shape[i];
        }
        return Math.toIntExact(n);
    }

    static void requireMap(Op op, int[] shape) {
        if (shape.length != 4) {
            throw new IllegalArgumentException(op.kind() + " needs an NCHW input, got shape "
                    + Arrays.toString(shape));
        }
    }

    private static int[] concat(List<int[]> in) {
        int[] out = in.get(0).clone();
        if (out.length < 2) {
            throw new IllegalArgumentException("concat needs a channel axis, got " + Arrays.toString(out));
        }
        out[1] = 0;
        for (int[] s : in) {
            boolean compatible = s.length == out.length && s[0] == out[0];
            for (int i = 2; i < s.length && compatible; i++) {
                compatible = s[i] == out[i];
            }
            if (!compatible) {
                throw new IllegalArgumentException("concat needs inputs that differ only in channels, got "
                        + Arrays.toString(in.get(0)) + " and " + Arrays.toString(s));
            }
            out[1] += s[1];
        }
        return out;
    }
}
