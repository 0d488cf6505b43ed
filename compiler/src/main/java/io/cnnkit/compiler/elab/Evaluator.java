package io.cnnkit.compiler.elab;

import io.cnnkit.compiler.DiagnosticCode;
import io.cnnkit.compiler.SourceLocation;
import io.cnnkit.compiler.ast.Ast;
import io.cnnkit.compiler.op.ArgValue;
import io.cnnkit.compiler.op.ArgValue.BoolValue;
import io.cnnkit.compiler.op.ArgValue.FloatValue;
import io.cnnkit.compiler.op.ArgValue.IntValue;
import io.cnnkit.compiler.op.ArgValue.StringValue;
import io.cnnkit.compiler.op.ArgValue.SymbolValue;
import io.cnnkit.compiler.op.ArgValue.TupleValue;
import io.cnnkit.compiler.parse.Keywords;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Evaluates argument expressions. Integers are 64-bit and checked for overflow; {@code /} on two
 * integers divides rounding down (floor), on a float it is true division.
 */
final class Evaluator {
    /** Bare words with a meaning of their own as argument values. */
    static final Set<String> SYMBOLS = Keywords.argumentSymbols();

    /** The built-in functions of numbers. */
    static final List<String> FUNCTIONS = List.of("max", "min");

    /** A failed evaluation, located at the offending expression. */
    static final class EvalException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final transient SourceLocation location;
        final DiagnosticCode code;

        EvalException(DiagnosticCode code, SourceLocation location, String message) {
            super(message, null, false, false);
            this.code = code;
            this.location = location;
        }

        /** Adds the error, unless it only follows from one already reported (a failed {@code let}). */
        void report(Diagnostics diagnostics, String suffix) {
            if (code != null) {
                diagnostics.add(io.cnnkit.compiler.Diagnostic.error(code, location, getMessage() + suffix));
            }
        }
    }

    /** What names mean where the expression stands. */
    interface Names {
        ArgValue parameter(String name);  // null when not a parameter

        /** Why {@code name} is not a parameter here (for the message), e.g. "'x' is a value"; null when already reported. */
        String unknown(String name);

        /** The code of the error for {@code name}: unknown, or read above its definition. */
        default DiagnosticCode unknownCode(String name) {
            return DiagnosticCode.UNKNOWN_NAME;
        }
    }

    private Evaluator() {
    }

    static ArgValue eval(Ast.Expr expr, Names names) {
        if (expr instanceof Ast.IntLiteral i) {
            return new IntValue(i.value());
        }
        if (expr instanceof Ast.FloatLiteral f) {
            return new FloatValue(f.value());
        }
        if (expr instanceof Ast.BoolLiteral b) {
            return new BoolValue(b.value());
        }
        if (expr instanceof Ast.StringLiteral s) {
            return new StringValue(s.value());
        }
        if (expr instanceof Ast.TupleExpr t) {
            List<ArgValue> elements = new ArrayList<>(t.elements().size());
            for (Ast.Expr e : t.elements()) {
                elements.add(eval(e, names));
            }
            return new TupleValue(elements);
        }
        if (expr instanceof Ast.NameExpr n) {
            ArgValue v = names.parameter(n.name());
            if (v != null) {
                return v;
            }
            if (SYMBOLS.contains(n.name())) {
                return new SymbolValue(n.name());
            }
            String why = names.unknown(n.name());
            throw new EvalException(why == null ? null : names.unknownCode(n.name()), n.location(), why);
        }
        if (expr instanceof Ast.InExpr in) {
            throw new EvalException(DiagnosticCode.ARGUMENT_TYPE, in.location(),
                    "'in' is the module's input tensor; expected a number here");
        }
        if (expr instanceof Ast.UnaryExpr u) {
            return unary(u, eval(u.operand(), names));
        }
        if (expr instanceof Ast.BinaryExpr b) {
            return binary(b, names);
        }
        if (expr instanceof Ast.FunctionExpr f) {
            return function(f, names);
        }
        Ast.ConditionalExpr c = (Ast.ConditionalExpr) expr;
        return bool(eval(c.condition(), names), c.condition().location(), "if")
                ? eval(c.then(), names) : eval(c.otherwise(), names);
    }

    private static ArgValue unary(Ast.UnaryExpr u, ArgValue v) {
        if (u.operator().equals("!")) {
            return new BoolValue(!bool(v, u.operand().location(), "!"));
        }
        if (v instanceof IntValue i) {
            return new IntValue(exact(() -> Math.negateExact(i.value()), u.location()));
        }
        if (v instanceof FloatValue f) {
            return new FloatValue(-f.value());
        }
        throw typeError(u.operand().location(), "'-' needs a number", v);
    }

    private static ArgValue binary(Ast.BinaryExpr b, Names names) {
        String op = b.operator();
        if (op.equals("&&") || op.equals("||")) {
            boolean left = bool(eval(b.left(), names), b.left().location(), op);
            if (op.equals("&&") ? !left : left) {
                return new BoolValue(left);
            }
            return new BoolValue(bool(eval(b.right(), names), b.right().location(), op));
        }
        ArgValue l = eval(b.left(), names);
        ArgValue r = eval(b.right(), names);
        if (op.equals("==") || op.equals("!=")) {
            boolean equal = isNumber(l) && isNumber(r) ? toDouble(l) == toDouble(r) : l.equals(r);
            return new BoolValue(op.equals("==") == equal);
        }
        if (!isNumber(l)) {
            throw typeError(b.left().location(), "'" + op + "' needs numbers", l);
        }
        if (!isNumber(r)) {
            throw typeError(b.right().location(), "'" + op + "' needs numbers", r);
        }
        if (op.equals("<") || op.equals("<=") || op.equals(">") || op.equals(">=")) {
            double x = toDouble(l);
            double y = toDouble(r);
            return new BoolValue(switch (op) {
                case "<" -> x < y;
                case "<=" -> x <= y;
                case ">" -> x > y;
                default -> x >= y;
            });
        }
        if (l instanceof IntValue li && r instanceof IntValue ri) {
            long x = li.value();
            long y = ri.value();
            if ((op.equals("/") || op.equals("%")) && y == 0) {
                throw new EvalException(DiagnosticCode.DIVISION_BY_ZERO, b.location(), "division by zero");
            }
            return new IntValue(exact(() -> switch (op) {
                case "+" -> Math.addExact(x, y);
                case "-" -> Math.subtractExact(x, y);
                case "*" -> Math.multiplyExact(x, y);
                case "/" -> Math.floorDiv(x, y);
                default -> Math.floorMod(x, y);
            }, b.location()));
        }
        double x = toDouble(l);
        double y = toDouble(r);
        double result = switch (op) {
            case "+" -> x + y;
            case "-" -> x - y;
            case "*" -> x * y;
            case "/" -> x / y;
            default -> x % y;
        };
        if (!Double.isFinite(result)) {
            throw new EvalException(y == 0 ? DiagnosticCode.DIVISION_BY_ZERO : DiagnosticCode.OVERFLOW, b.location(),
                    y == 0 ? "division by zero" : "arithmetic result is not a finite number");
        }
        return new FloatValue(result);
    }

    /** {@code max(a, b, ...)} and {@code min(a, b, ...)}: the first largest (smallest) argument as it is, as in Python. */
    private static ArgValue function(Ast.FunctionExpr f, Names names) {
        String name = f.function().name();
        if (!FUNCTIONS.contains(name)) {
            throw new EvalException(DiagnosticCode.UNKNOWN_NAME, f.function().location(), "unknown function '" + name
                    + "'" + Suggestions.didYouMean(name, FUNCTIONS) + "; expected " + String.join(" or ", FUNCTIONS)
                    + " (operators and modules are layers: they go in a chain)");
        }
        if (f.arguments().size() < 2) {
            throw new EvalException(DiagnosticCode.MISSING_ARGUMENT, f.location(),
                    "'" + name + "' needs at least two numbers, got " + f.arguments().size());
        }
        ArgValue best = null;
        for (Ast.Expr e : f.arguments()) {
            ArgValue v = eval(e, names);
            if (!isNumber(v)) {
                throw typeError(e.location(), "'" + name + "' needs numbers", v);
            }
            boolean better = name.equals("max") ? toDouble(v) > toDouble(best == null ? v : best)
                    : toDouble(v) < toDouble(best == null ? v : best);
            if (best == null || better) {
                best = v;
            }
        }
        return best;
    }

    static boolean bool(ArgValue v, SourceLocation at, String context) {
        if (v instanceof BoolValue b) {
            return b.value();
        }
        throw typeError(at, "'" + context + "' needs a condition (true or false)", v);
    }

    private interface LongOp {
        long apply();
    }

    private static long exact(LongOp op, SourceLocation at) {
        try {
            return op.apply();
        } catch (ArithmeticException e) {
            throw new EvalException(DiagnosticCode.OVERFLOW, at, "integer overflow: the result does not fit in 64 bits");
        }
    }

    private static boolean isNumber(ArgValue v) {
        return v instanceof IntValue || v instanceof FloatValue;
    }

    private static double toDouble(ArgValue v) {
        return v instanceof IntValue i ? i.value() : ((FloatValue) v).value();
    }

    private static EvalException typeError(SourceLocation at, String what, ArgValue got) {
        return new EvalException(DiagnosticCode.ARGUMENT_TYPE, at, what + ", got " + got.describe());
    }
}
