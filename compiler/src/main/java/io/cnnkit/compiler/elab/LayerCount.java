package io.cnnkit.compiler.elab;

import io.cnnkit.compiler.SourceLocation;
import io.cnnkit.compiler.ast.Ast;
import io.cnnkit.compiler.op.ArgValue;
import io.cnnkit.compiler.op.ArgValue.IntValue;
import io.cnnkit.compiler.op.Operators;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Counts the layers a network expands to from its syntax tree alone, before any layer is made:
 * repeat counts times their bodies, module calls by the size of their body for the arguments
 * given (memoised per module and arguments), conditionals by the branch they choose. A 1 KB
 * source can describe 2^40 layers; counting them costs time in the size of the source, not of
 * the network.
 *
 * <p>Whatever cannot be evaluated here (an unknown name, a wrong argument) counts as no layers:
 * elaboration reports it. The count is saturating, so any count past {@link Long#MAX_VALUE} reads as
 * that value.
 */
final class LayerCount {
    /** Evaluation steps after which the count gives up and leaves the bound to elaboration. */
    private static final long MAX_WORK = 20_000_000L;

    private final Map<String, Ast.ModuleDecl> modules;
    private final Set<String> brokenModules;
    private final Map<List<Object>, Long> moduleSizes = new HashMap<>();
    private long work;

    /** Where the running count first passes the bound, and the network's whole count. */
    record Excess(SourceLocation at, long layers) {
    }

    private static final class GiveUp extends RuntimeException {
        private static final long serialVersionUID = 1L;

        GiveUp() {
            super(null, null, false, false);
        }
    }

    private LayerCount(Map<String, Ast.ModuleDecl> modules, Set<String> brokenModules) {
        this.modules = modules;
        this.brokenModules = brokenModules;
    }

    /**
     * The network statement step where the layers counted so far first pass {@code limit}, with
     * the total count; empty when the network stays within it (or is too intricate to count quickly).
     */
    static Optional<Excess> pastBound(Ast.CompilationUnit root, Map<String, Ast.ModuleDecl> modules,
                                      Set<String> brokenModules, long limit) {
        LayerCount counter = new LayerCount(modules, brokenModules);
        Map<String, ArgValue> lets = new HashMap<>();
        long total = 0;
        SourceLocation at = null;
        try {
            for (Ast.Statement statement : root.statements()) {
                if (statement instanceof Ast.InputDecl input) {
                    total = plus(total, 1);
                    at = at == null && total > limit ? input.location() : at;
                    continue;
                }
                if (statement instanceof Ast.LetDecl let) {
                    define(let, lets);
                    continue;
                }
                Ast.Chain chain = statement instanceof Ast.ValueDecl v ? v.chain()
                        : statement instanceof Ast.OutputDecl o ? o.chain().orElse(null) : null;
                if (chain == null) {
                    continue;
                }
                // step by step, to point at the one that passes the bound
                total = plus(total, counter.head(chain.head(), lets));
                at = at == null && total > limit ? chain.location() : at;
                for (Ast.LayerNode step : chain.steps()) {
                    total = plus(total, counter.node(step, lets));
                    at = at == null && total > limit ? step.location() : at;
                }
            }
        } catch (GiveUp e) {
            return Optional.empty();
        }
        return at == null ? Optional.empty() : Optional.of(new Excess(at, total));
    }

    private long chain(Ast.Chain chain, Map<String, ArgValue> params) {
        long n = head(chain.head(), params);
        for (Ast.LayerNode step : chain.steps()) {
            n = plus(n, node(step, params));
        }
        return n;
    }

    private long head(Ast.Head head, Map<String, ArgValue> params) {
        if (head instanceof Ast.ConditionalHead c) {
            ArgValue condition = eval(c.condition(), params);
            if (condition instanceof ArgValue.BoolValue b) {
                return chain(b.value() ? c.then() : c.otherwise(), params);
            }
            return Math.max(chain(c.then(), params), chain(c.otherwise(), params));
        }
        if (head instanceof Ast.LayerHead l && l.layer().body() instanceof Ast.CallBody call) {
            // a chain starts with a layer only at a merge: one layer
            Optional<Operators.Spec> spec = Operators.lookup(call.call().callee().name());
            return spec.isPresent() && spec.get().arity() == Operators.Arity.MERGE ? 1 : 0;
        }
        return 0;
    }

    private long node(Ast.LayerNode node, Map<String, ArgValue> params) {
        if (++work > MAX_WORK) {
            throw new GiveUp();
        }
        Ast.Body body = node.body();
        if (body instanceof Ast.CallBody call) {
            Ast.ModuleDecl module = modules.get(call.call().callee().name());
            if (module != null) {
                // a recursive module is not expanded (its checker reported it): counting it would not end
                return brokenModules.contains(module.name().name()) ? 0 : module(module, call.call(), params);
            }
            return Operators.lookup(call.call().callee().name()).isPresent() ? 1 : 0;
        }
        if (body instanceof Ast.GroupBody group) {
            return nodes(group.elements(), params);
        }
        if (body instanceof Ast.RepeatBody repeat) {
            return repeat(repeat, params);
        }
        return 0;
    }

    private long nodes(List<Ast.LayerNode> nodes, Map<String, ArgValue> params) {
        long n = 0;
        for (Ast.LayerNode element : nodes) {
            n = plus(n, node(element, params));
        }
        return n;
    }

    private long repeat(Ast.RepeatBody repeat, Map<String, ArgValue> params) {
        if (!(eval(repeat.count(), params) instanceof IntValue count) || count.value() < 0
                || count.value() > Elaborator.MAX_REPEAT) {
            return 0; // elaboration reports the count
        }
        if (repeat.index().isEmpty() || !uses(repeat.target(), repeat.index().get().name())) {
            return times(count.value(), nodes(repeat.target(), params));
        }
        String index = repeat.index().get().name();
        long n = 0;
        for (long i = 0; i < count.value(); i++) {
            Map<String, ArgValue> copy = new HashMap<>(params);
            copy.put(index, new IntValue(i));
            n = plus(n, nodes(repeat.target(), copy));
        }
        return n;
    }

    private long module(Ast.ModuleDecl module, Ast.Call call, Map<String, ArgValue> callerParams) {
        Map<String, ArgValue> bound = bind(module, call, callerParams);
        if (bound == null) {
            return 0; // elaboration reports the arguments
        }
        List<Object> key = List.of(module.name().name(), bound);
        Long known = moduleSizes.get(key);
        if (known != null) {
            return known;
        }
        long n = 0;
        Map<String, ArgValue> names = new HashMap<>(bound);
        for (Ast.Statement statement : module.body()) {
            if (statement instanceof Ast.LetDecl let) {
                define(let, names);
            } else if (statement instanceof Ast.ValueDecl value) {
                n = plus(n, chain(value.chain(), names));
            } else if (statement instanceof Ast.OutDecl out) {
                n = plus(n, chain(out.chain(), names));
            }
        }
        moduleSizes.put(key, n);
        return n;
    }

    /** {@code let name = expr}: readable below it; one that does not evaluate is left out (elaboration reports it). */
    private static void define(Ast.LetDecl let, Map<String, ArgValue> names) {
        ArgValue value = eval(let.value(), names);
        if (value != null) {
            names.putIfAbsent(let.name().name(), value);
        }
    }

    /** The module's parameters for this call, defaults included; null when they do not bind. */
    private Map<String, ArgValue> bind(Ast.ModuleDecl module, Ast.Call call, Map<String, ArgValue> callerParams) {
        List<Ast.Param> declared = module.params();
        Map<String, ArgValue> given = new HashMap<>();
        int position = 0;
        for (Ast.Argument arg : call.arguments()) {
            String name = arg.name().map(Ast.Identifier::name)
                    .orElse(position < declared.size() ? declared.get(position).name().name() : null);
            if (arg.name().isEmpty()) {
                position++;
            }
            ArgValue value = eval(arg.value(), callerParams);
            if (name == null || value == null || given.put(name, value) != null) {
                return null;
            }
        }
        Map<String, ArgValue> bound = new LinkedHashMap<>();
        Diagnostics ignored = new Diagnostics(1);
        for (Ast.Param p : declared) {
            ArgValue value = given.remove(p.name().name());
            if (value == null && p.defaultValue().isPresent()) {
                value = Binder.evalDefault(p, bound, module, ignored);
            }
            if (value == null) {
                return null;
            }
            bound.put(p.name().name(), value);
        }
        return given.isEmpty() ? bound : null;
    }

    private static ArgValue eval(Ast.Expr expr, Map<String, ArgValue> params) {
        try {
            return Evaluator.eval(expr, new Evaluator.Names() {
                @Override
                public ArgValue parameter(String name) {
                    return params.get(name);
                }

                @Override
                public String unknown(String name) {
                    return name;
                }
            });
        } catch (Evaluator.EvalException e) {
            return null;
        }
    }

    /** Whether any argument or count in {@code nodes} may read {@code name}. */
    private static boolean uses(List<Ast.LayerNode> nodes, String name) {
        for (Ast.LayerNode node : nodes) {
            Ast.Body body = node.body();
            boolean found;
            if (body instanceof Ast.CallBody call) {
                found = call.call().arguments().stream().anyMatch(a -> uses(a.value(), name));
            } else if (body instanceof Ast.GroupBody group) {
                found = uses(group.elements(), name);
            } else if (body instanceof Ast.RepeatBody repeat) {
                found = uses(repeat.count(), name) || uses(repeat.target(), name);
            } else {
                found = true; // a kind of step this pass does not know: assume it does
            }
            if (found) {
                return true;
            }
        }
        return false;
    }

    private static boolean uses(Ast.Expr expr, String name) {
        if (expr instanceof Ast.NameExpr n) {
            return n.name().equals(name);
        }
        if (expr instanceof Ast.UnaryExpr u) {
            return uses(u.operand(), name);
        }
        if (expr instanceof Ast.BinaryExpr b) {
            return uses(b.left(), name) || uses(b.right(), name);
        }
        if (expr instanceof Ast.ConditionalExpr c) {
            return uses(c.condition(), name) || uses(c.then(), name) || uses(c.otherwise(), name);
        }
        if (expr instanceof Ast.TupleExpr t) {
            return t.elements().stream().anyMatch(e -> uses(e, name));
        }
        if (expr instanceof Ast.FunctionExpr f) {
            return f.arguments().stream().anyMatch(e -> uses(e, name));
        }
        return !(expr instanceof Ast.IntLiteral || expr instanceof Ast.FloatLiteral || expr instanceof Ast.BoolLiteral
                || expr instanceof Ast.StringLiteral || expr instanceof Ast.InExpr);
    }

    private static long plus(long a, long b) {
        long sum = a + b;
        return sum < 0 ? Long.MAX_VALUE : sum;
    }

    private static long times(long a, long b) {
        return b != 0 && a > Long.MAX_VALUE / b ? Long.MAX_VALUE : a * b;
    }
}
