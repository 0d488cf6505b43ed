package io.cnnkit.compiler.elab;

import io.cnnkit.compiler.Diagnostic;
import io.cnnkit.compiler.DiagnosticCode;
import io.cnnkit.compiler.ast.Ast;
import io.cnnkit.compiler.op.Operators;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks module definitions once, before any is expanded: names, parameters, a single {@code out},
 * callees that exist, and no recursion (a module may not reach itself through its calls).
 */
public final class ModuleChecker {
    private ModuleChecker() {
    }

    /** Returns the names of modules that must not be expanded because of what was reported. */
    public static Set<String> check(Map<String, Ast.ModuleDecl> modules, Diagnostics diagnostics) {
        Set<String> broken = new HashSet<>();
        Map<String, List<Ast.Call>> calls = new LinkedHashMap<>();
        for (Ast.ModuleDecl module : modules.values()) {
            String name = module.name().name();
            if (Operators.lookup(name).isPresent()) {
                diagnostics.add(Diagnostic.error(DiagnosticCode.DUPLICATE_MODULE, module.name().location(),
                        "module '" + name + "' has the name of a built-in operator; expected another name"));
                broken.add(name);
            }
            Set<String> params = new HashSet<>();
            boolean defaults = false;
            for (Ast.Param p : module.params()) {
                if (!params.add(p.name().name())) {
                    diagnostics.add(Diagnostic.error(DiagnosticCode.DUPLICATE_NAME, p.name().location(),
                            "parameter '" + p.name().name() + "' is declared twice in module '" + name + "'"));
                    broken.add(name);
                }
                if (p.defaultValue().isPresent()) {
                    defaults = true;
                } else if (defaults) {
                    diagnostics.add(Diagnostic.error(DiagnosticCode.ARGUMENT_ORDER, p.name().location(),
                            "parameter '" + p.name().name() + "' without a default follows one with a default;"
                                    + " expected a default value"));
                    broken.add(name);
                }
            }
            long outs = module.body().stream().filter(s -> s instanceof Ast.OutDecl).count();
            if (outs != 1) {
                diagnostics.add(Diagnostic.error(DiagnosticCode.MODULE_OUT, module.name().location(), outs == 0
                        ? "module '" + name + "' has no 'out'; expected one 'out chain' statement"
                        : "module '" + name + "' has " + outs + " 'out' statements; expected exactly one"));
                broken.add(name);
            }
            List<Ast.Call> moduleCalls = new ArrayList<>();
            Usage.forEachCall(module.body(), call -> {
                String callee = call.callee().name();
                if (modules.containsKey(callee)) {
                    moduleCalls.add(call);
                } else if (Operators.lookup(callee).isEmpty()) {
                    diagnostics.add(Suggestions.unknownCallee(call.callee(), modules.keySet()));
                    broken.add(name);
                }
            });
            calls.put(name, moduleCalls);
            if (!checkNames(module, modules, diagnostics)) {
                broken.add(name);
            }
            Usage.warnUnused(module.body(), Set.of(), name, diagnostics);
        }
        broken.addAll(findRecursion(calls, diagnostics));
        return broken;
    }

    /** Names in argument expressions must be parameters, repeat indices or symbols such as 'same'. */
    private static boolean checkNames(Ast.ModuleDecl module, Map<String, Ast.ModuleDecl> modules,
                                      Diagnostics diagnostics) {
        List<String> params = new ArrayList<>();
        module.params().forEach(p -> params.add(p.name().name()));
        params.addAll(Usage.declaredLets(module.body()).keySet());
        Set<String> known = new HashSet<>(params);
        known.addAll(Evaluator.SYMBOLS);
        List<Ast.Expr> exprs = new ArrayList<>();
        module.body().stream().filter(s -> s instanceof Ast.LetDecl).forEach(s -> exprs.add(((Ast.LetDecl) s).value()));
        // the arguments of an unknown callee are not checked: whether they are values or numbers is unknown
        Usage.forEachArgumentExpr(module.body(), callee -> modules.containsKey(callee)
                || Operators.lookup(callee).isPresent(), exprs::add, known::add);
        boolean ok = true;
        for (Ast.Expr expr : exprs) {
            List<Ast.NameExpr> unknown = new ArrayList<>();
            Usage.forEachName(expr, n -> {
                if (!known.contains(n.name())) {
                    unknown.add(n);
                }
            });
            for (Ast.NameExpr n : unknown) {
                ok = false;
                Diagnostic error = Diagnostic.error(DiagnosticCode.UNKNOWN_NAME, n.location(), "unknown name '"
                        + n.name() + "'" + Suggestions.didYouMean(n.name(), params) + "; expected a parameter of module '"
                        + module.name().name() + "'" + (params.isEmpty() ? " (it has none)" : ": "
                        + String.join(", ", params)));
                diagnostics.add(Suggestions.withFix(error, new Ast.Identifier(n.name(), n.location()), params));
            }
        }
        return ok;
    }

    /** Depth-first search over the call graph; reports each cycle once at the call that closes it. */
    private static Set<String> findRecursion(Map<String, List<Ast.Call>> calls, Diagnostics diagnostics) {
        Set<String> recursive = new HashSet<>();
        Map<String, Integer> state = new HashMap<>(); // 1 = on the stack, 2 = done
        for (String start : calls.keySet()) {
            if (state.containsKey(start)) {
                continue;
            }
            Deque<String> path = new ArrayDeque<>();
            Deque<java.util.Iterator<Ast.Call>> iterators = new ArrayDeque<>();
            path.push(start);
            iterators.push(calls.get(start).iterator());
            state.put(start, 1);
            while (!path.isEmpty()) {
                java.util.Iterator<Ast.Call> it = iterators.peek();
                if (!it.hasNext()) {
                    state.put(path.pop(), 2);
                    iterators.pop();
                    continue;
                }
                Ast.Call call = it.next();
                String callee = call.callee().name();
                Integer s = state.get(callee);
                if (s == null) {
                    state.put(callee, 1);
                    path.push(callee);
                    iterators.push(calls.getOrDefault(callee, List.of()).iterator());
                } else if (s == 1) {
                    List<String> cycle = new ArrayList<>();
                    for (java.util.Iterator<String> p = path.descendingIterator(); p.hasNext(); ) {
                        cycle.add(p.next());
                    }
                    cycle = cycle.subList(cycle.indexOf(callee), cycle.size());
                    recursive.addAll(cycle);
                    diagnostics.add(Diagnostic.error(DiagnosticCode.MODULE_RECURSION, call.callee().location(),
                            "module '" + callee + "' calls itself through " + String.join(" -> ", cycle) + " -> "
                                    + callee + "; expected modules without recursion"));
                }
            }
        }
        return recursive;
    }
}
