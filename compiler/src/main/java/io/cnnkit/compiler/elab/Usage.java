package io.cnnkit.compiler.elab;

import io.cnnkit.compiler.Diagnostic;
import io.cnnkit.compiler.DiagnosticCode;
import io.cnnkit.compiler.SourceLocation;
import io.cnnkit.compiler.ast.Ast;
import io.cnnkit.compiler.op.Operators;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Predicate;

/** Static facts about a body: which values it declares, which it uses, which names it writes. */
final class Usage {
    private Usage() {
    }

    /** Every value (and input) a body declares, with where; used to tell "later" from "unknown". */
    static Map<String, SourceLocation> declaredValues(List<Ast.Statement> body) {
        Map<String, SourceLocation> declared = new LinkedHashMap<>();
        for (Ast.Statement s : body) {
            if (s instanceof Ast.ValueDecl v) {
                declared.putIfAbsent(v.name().name(), v.name().location());
            } else if (s instanceof Ast.InputDecl in) {
                declared.putIfAbsent(in.name().name(), in.name().location());
            } else if (s instanceof Ast.OutputDecl o && o.chain().isPresent()) {
                declared.putIfAbsent(o.name().name(), o.name().location());
            }
        }
        return declared;
    }

    /** Every {@code let} of a body, with where. */
    static Map<String, SourceLocation> declaredLets(List<Ast.Statement> body) {
        Map<String, SourceLocation> lets = new LinkedHashMap<>();
        for (Ast.Statement s : body) {
            if (s instanceof Ast.LetDecl let) {
                lets.putIfAbsent(let.name().name(), let.name().location());
            }
        }
        return lets;
    }

    /** Labels written directly in this scope (not inside groups or repeats) and value names. */
    static Set<String> namesWrittenIn(List<Ast.Statement> body) {
        Set<String> names = new HashSet<>(declaredValues(body).keySet());
        forEachChain(body, chain -> visitScopeLevel(chain, node -> node.label().ifPresent(l -> names.add(l.name()))));
        return names;
    }

    /** Warns about values that nothing reads (outputs count as read). */
    static void warnUnused(List<Ast.Statement> body, Set<String> outputs, String moduleName, Diagnostics diagnostics) {
        Set<String> read = new HashSet<>(outputs);
        forEachChain(body, chain -> collectReads(chain, read));
        for (Ast.Statement s : body) {
            Ast.Identifier name = null;
            String what = "value";
            if (s instanceof Ast.ValueDecl v) {
                name = v.name();
            } else if (s instanceof Ast.InputDecl in) {
                name = in.name();
                what = "input";
            }
            if (name != null && !read.contains(name.name())) {
                String where = moduleName.isEmpty() ? "" : " in module '" + moduleName + "'";
                diagnostics.add(Diagnostic.warning(DiagnosticCode.UNUSED_VALUE, name.location(),
                        what + " '" + name.name() + "'" + where + " is never used"));
            }
        }
    }

    private static void forEachChain(List<Ast.Statement> body, Consumer<Ast.Chain> action) {
        for (Ast.Statement s : body) {
            if (s instanceof Ast.ValueDecl v) {
                action.accept(v.chain());
            } else if (s instanceof Ast.OutputDecl o) {
                o.chain().ifPresent(action);
            } else if (s instanceof Ast.OutDecl o) {
                action.accept(o.chain());
            }
        }
    }

    private static void visitScopeLevel(Ast.Chain chain, Consumer<Ast.LayerNode> action) {
        if (chain.head() instanceof Ast.LayerHead h) {
            action.accept(h.layer());
        } else if (chain.head() instanceof Ast.ConditionalHead c) {
            visitScopeLevel(c.then(), action);
            visitScopeLevel(c.otherwise(), action);
        }
        chain.steps().forEach(action);
    }

    private static void collectReads(Ast.Chain chain, Set<String> read) {
        Ast.Head head = chain.head();
        if (head instanceof Ast.ReferenceHead r) {
            read.add(r.name().name());
        } else if (head instanceof Ast.ConditionalHead c) {
            collectReads(c.then(), read);
            collectReads(c.otherwise(), read);
        } else if (head instanceof Ast.LayerHead h && h.layer().body() instanceof Ast.CallBody call) {
            boolean merge = Operators.lookup(call.call().callee().name())
                    .map(spec -> spec.arity() == Operators.Arity.MERGE).orElse(false);
            if (merge) {
                for (Ast.Argument arg : call.call().arguments()) {
                    if (arg.value() instanceof Ast.NameExpr n) {
                        read.add(n.name());
                    }
                }
            } else {
                read.add(call.call().callee().name()); // `x = y` parses as a call without parentheses
                if (Operators.lookup(call.call().callee().name()).isEmpty()) {
                    // an unknown callee is reported; values it was given are not unused as well
                    call.call().arguments().stream().filter(a -> a.value() instanceof Ast.NameExpr)
                            .forEach(a -> read.add(((Ast.NameExpr) a.value()).name()));
                }
            }
        }
    }

    /** Every call written anywhere in a body, nested groups, repeats and branches included. */
    static void forEachCall(List<Ast.Statement> body, Consumer<Ast.Call> action) {
        forEachChain(body, chain -> visitCalls(chain, action));
    }

    private static void visitCalls(Ast.Chain chain, Consumer<Ast.Call> action) {
        if (chain.head() instanceof Ast.LayerHead h) {
            visitCalls(h.layer(), action);
        } else if (chain.head() instanceof Ast.ConditionalHead c) {
            visitCalls(c.then(), action);
            visitCalls(c.otherwise(), action);
        }
        chain.steps().forEach(step -> visitCalls(step, action));
    }

    private static void visitCalls(Ast.LayerNode node, Consumer<Ast.Call> action) {
        Ast.Body body = node.body();
        if (body instanceof Ast.CallBody c) {
            action.accept(c.call());
        } else if (body instanceof Ast.GroupBody g) {
            g.elements().forEach(e -> visitCalls(e, action));
        } else if (body instanceof Ast.RepeatBody r) {
            r.target().forEach(e -> visitCalls(e, action));
        }
    }

    /**
     * Every expression that must evaluate to a number or flag in a body: arguments of calls that
     * are not merges, repeat counts and conditions. Repeat index names are passed to {@code indices}.
     */
    static void forEachArgumentExpr(List<Ast.Statement> body, Predicate<String> callable, Consumer<Ast.Expr> action,
                                    Consumer<String> indices) {
        forEachChain(body, chain -> visitExprs(chain, callable, action, indices));
    }

    private static void visitExprs(Ast.Chain chain, Predicate<String> callable, Consumer<Ast.Expr> action,
                                   Consumer<String> indices) {
        if (chain.head() instanceof Ast.LayerHead h) {
            visitExprs(h.layer(), callable, action, indices);
        } else if (chain.head() instanceof Ast.ConditionalHead c) {
            action.accept(c.condition());
            visitExprs(c.then(), callable, action, indices);
            visitExprs(c.otherwise(), callable, action, indices);
        }
        chain.steps().forEach(step -> visitExprs(step, callable, action, indices));
    }

    private static void visitExprs(Ast.LayerNode node, Predicate<String> callable, Consumer<Ast.Expr> action,
                                   Consumer<String> indices) {
        Ast.Body body = node.body();
        if (body instanceof Ast.CallBody c) {
            boolean merge = Operators.lookup(c.call().callee().name())
                    .map(spec -> spec.arity() == Operators.Arity.MERGE).orElse(false);
            if (!merge && callable.test(c.call().callee().name())) {
                c.call().arguments().forEach(arg -> action.accept(arg.value()));
            }
        } else if (body instanceof Ast.GroupBody g) {
            g.elements().forEach(e -> visitExprs(e, callable, action, indices));
        } else if (body instanceof Ast.RepeatBody r) {
            action.accept(r.count());
            r.index().ifPresent(i -> indices.accept(i.name()));
            r.target().forEach(e -> visitExprs(e, callable, action, indices));
        }
    }

    /** Every name an expression reads. */
    static void forEachName(Ast.Expr expr, Consumer<Ast.NameExpr> action) {
        if (expr instanceof Ast.NameExpr n) {
            action.accept(n);
        } else if (expr instanceof Ast.TupleExpr t) {
            t.elements().forEach(e -> forEachName(e, action));
        } else if (expr instanceof Ast.UnaryExpr u) {
            forEachName(u.operand(), action);
        } else if (expr instanceof Ast.BinaryExpr b) {
            forEachName(b.left(), action);
            forEachName(b.right(), action);
        } else if (expr instanceof Ast.FunctionExpr f) {
            f.arguments().forEach(e -> forEachName(e, action));
        } else if (expr instanceof Ast.ConditionalExpr c) {
            forEachName(c.condition(), action);
            forEachName(c.then(), action);
            forEachName(c.otherwise(), action);
        }
    }
}
