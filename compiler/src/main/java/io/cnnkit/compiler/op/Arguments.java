package io.cnnkit.compiler.op;

import io.cnnkit.compiler.op.ArgValue.BoolValue;
import io.cnnkit.compiler.op.ArgValue.FloatValue;
import io.cnnkit.compiler.op.ArgValue.IntValue;
import io.cnnkit.compiler.op.ArgValue.SymbolValue;
import io.cnnkit.compiler.op.ArgValue.TupleValue;
import java.util.List;
import java.util.Map;

/**
 * Arguments bound to an operator's parameters, with typed accessors that check ranges. A failed
 * check throws {@link ArgumentException} naming the parameter, so the caller can point at it.
 */
public final class Arguments {
    /** Sizes (filters, kernels, strides, ...) above this are refused: no real network comes near. */
    public static final long MAX_SIZE = 1L << 24;

    private final Map<String, ArgValue> values;

    public Arguments(Map<String, ArgValue> values) {
        this.values = Map.copyOf(values);
    }

    public boolean has(String name) {
        return values.containsKey(name);
    }

    /** An integer in [1, MAX_SIZE]. */
    public int positive(String name) {
        return size(name, value(name), 1);
    }

    /** An integer in [0, MAX_SIZE]. */
    public int nonNegative(String name) {
        return size(name, value(name), 0);
    }

    public int positive(String name, int fallback) {
        return has(name) ? positive(name) : fallback;
    }

    /** An integer or an {@code h x w} pair, each in [1, MAX_SIZE]. */
    public Size2 size2(String name, Size2 fallback) {
        if (!has(name)) {
            return fallback;
        }
        ArgValue v = value(name);
        if (v instanceof TupleValue t && t.elements().size() == 2) {
            return new Size2(size(name, t.elements().get(0), 1), size(name, t.elements().get(1), 1));
        }
        if (v instanceof IntValue) {
            return Size2.square(size(name, v, 1));
        }
        throw new ArgumentException(name, "'" + name + "' must be an integer or a pair such as (3, 5) or 3x5, not "
                + v.describe(), true);
    }

    public Size2 size2(String name) {
        return size2(name, null);
    }

    /** int, (h, w), (top, left, bottom, right), {@code same} or {@code valid}. */
    public Padding padding(String name, boolean allowSame) {
        if (!has(name)) {
            return Padding.ZERO;
        }
        ArgValue v = value(name);
        if (v instanceof SymbolValue s) {
            if (s.name().equals("valid")) {
                return Padding.ZERO;
            }
            if (s.name().equals("same") && allowSame) {
                return new Padding.Same();
            }
        }
        if (v instanceof IntValue) {
            int p = size(name, v, 0);
            return Padding.symmetric(p, p);
        }
        if (v instanceof TupleValue t && t.elements().size() == 2) {
            return Padding.symmetric(size(name, t.elements().get(0), 0), size(name, t.elements().get(1), 0));
        }
        if (v instanceof TupleValue t && t.elements().size() == 4) {
            List<ArgValue> e = t.elements();
            return new Padding.Explicit(size(name, e.get(0), 0), size(name, e.get(1), 0),
                    size(name, e.get(2), 0), size(name, e.get(3), 0));
        }
        throw new ArgumentException(name, "'" + name + "' must be an integer, (h, w), (top, left, bottom, right)"
                + (allowSame ? ", same or valid" : " or valid") + ", not " + v.describe(), true);
    }

    public Padding.Explicit explicitPadding(String name) {
        return (Padding.Explicit) padding(name, false);
    }

    public boolean bool(String name, boolean fallback) {
        if (!has(name)) {
            return fallback;
        }
        if (value(name) instanceof BoolValue b) {
            return b.value();
        }
        throw new ArgumentException(name, "'" + name + "' must be true or false, not " + value(name).describe(), true);
    }

    /** One of {@code choices}, written as a string ({@code approximate="tanh"}). */
    public String choice(String name, String fallback, String... choices) {
        if (!has(name)) {
            return fallback;
        }
        ArgValue v = value(name);
        String given = v instanceof ArgValue.StringValue t ? t.value() : null;
        if (given != null && List.of(choices).contains(given)) {
            return given;
        }
        throw new ArgumentException(name, "'" + name + "' must be \"" + String.join("\" or \"", choices) + "\", not "
                + v.describe(), given == null);
    }

    /** A number in [min, max] (max exclusive when {@code maxExclusive}). */
    public double number(String name, double fallback, double min, double max, boolean maxExclusive) {
        if (!has(name)) {
            return fallback;
        }
        ArgValue v = value(name);
        double d;
        if (v instanceof IntValue i) {
            d = i.value();
        } else if (v instanceof FloatValue f) {
            d = f.value();
        } else {
            throw new ArgumentException(name, "'" + name + "' must be a number, not " + v.describe(), true);
        }
        if (!(d >= min) || d > max || (maxExclusive && d == max)) {
            throw new ArgumentException(name, "'" + name + "' must be in [" + fmt(min) + ", " + fmt(max)
                    + (maxExclusive ? ")" : "]") + ", got " + fmt(d), false);
        }
        return d;
    }

    private static String fmt(double d) {
        if (d == Math.rint(d) && Math.abs(d) < 1e15) {
            return Long.toString((long) d);
        }
        return Double.toString(d);
    }

    private ArgValue value(String name) {
        ArgValue v = values.get(name);
        if (v == null) {
            throw new ArgumentException(name, "missing argument '" + name + "'", false);
        }
        return v;
    }

    private static int size(String name, ArgValue v, long min) {
        if (!(v instanceof IntValue i)) {
            throw new ArgumentException(name, "'" + name + "' must be an integer, not " + v.describe(), true);
        }
        if (i.value() < min || i.value() > MAX_SIZE) {
            throw new ArgumentException(name, "'" + name + "' must be in [" + min + ", " + MAX_SIZE + "], got "
                    + i.value(), false);
        }
        return (int) i.value();
    }
}
