package io.cnnkit.lsp;

import io.cnnkit.compiler.SourceLocation;
import io.cnnkit.compiler.ast.Ast;
import io.cnnkit.compiler.op.Operators;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every name written in one file and what it means: definitions and references of values,
 * module parameters, repetition indexes, modules and labels, and the operators and named
 * arguments of calls. Built from the AST; names resolve the way the elaborator resolves them
 * (a module body sees its parameters, its values and {@code in}; the network body its inputs and
 * values; modules are global, imported ones included).
 */
public final class SymbolIndex {

    public enum Kind { VALUE, PARAMETER, LET, INDEX, MODULE, LABEL, OPERATOR, ARGUMENT }

    /**
     * A named thing. {@code container} is the module whose body defines it ("" for the network body
     * and for modules); {@code definition} is the identifier where it is defined (NONE for operators).
     */
    public record Symbol(Kind kind, String name, String container, SourceLocation definition) {
    }

    /** One place where a name is written, and what it refers to. */
    public record Occurrence(Symbol symbol, SourceLocation location, boolean definition, Optional<Ast.Call> call) {
    }

    private final List<Occurrence> occurrences = new ArrayList<>();
    private final Map<String, Ast.ModuleDecl> modules;
    private final Map<Symbol, Ast.Chain> valueChains = new HashMap<>();
    private final Map<Symbol, Ast.LayerNode> labelled = new HashMap<>();

    private SymbolIndex(Map<String, Ast.ModuleDecl> modules) {
        this.modules = modules;
    }

    /** Indexes {@code unit}; {@code imported} are the modules of the files it imports. */
    public static SymbolIndex of(Ast.CompilationUnit unit, Map<String, Ast.ModuleDecl> imported) {
        Map<String, Ast.ModuleDecl> modules = new LinkedHashMap<>(imported);
        unit.modules().forEach(m -> modules.put(m.name().name(), m));
        SymbolIndex index = new SymbolIndex(modules);
        for (Ast.ModuleDecl module : unit.modules()) {
            index.module(module);
        }
        index.body("", unit.statements(), new LinkedHashMap<>());
        index.occurrences.sort((a, b) -> a.location().line() != b.location().line()
                ? Integer.compare(a.location().line(), b.location().line())
                : Integer.compare(a.location().column(), b.location().column()));
        return index;
    }

    public List<Occurrence> occurrences() {
        return List.copyOf(occurrences);
    }

    /** Modules visible in the file (its own and imported ones), by name. */
    public Map<String, Ast.ModuleDecl> modules() {
        return modules;
    }

    /** The occurrence covering the 1-based {@code line} and {@code column}, if any. */
    public Optional<Occurrence> at(int line, int column) {
        for (Occurrence o : occurrences) {
            SourceLocation l = o.location();
            if (l.line() == line && column >= l.column() && column <= l.column() + l.length()) {
                return Optional.of(o);
            }
        }
        return Optional.empty();
    }

    public List<Occurrence> occurrencesOf(Symbol symbol) {
        return occurrences.stream().filter(o -> o.symbol().equals(symbol)).toList();
    }

    /** The chain that defines a value, for finding the layer whose output it names. */
    public Optional<Ast.Chain> chainOf(Symbol value) {
        return Optional.ofNullable(valueChains.get(value));
    }

    /** The layer a label names. */
    public Optional<Ast.LayerNode> labelledLayer(Symbol label) {
        return Optional.ofNullable(labelled.get(label));
    }

    /** Values, parameters and indexes visible at the end of the body of {@code container}. */
    public List<Symbol> visibleIn(String container) {
        Map<String, Symbol> seen = new LinkedHashMap<>();
        for (Occurrence o : occurrences) {
            Symbol s = o.symbol();
            if (o.definition() && s.container().equals(container)
                    && (s.kind() == Kind.VALUE || s.kind() == Kind.PARAMETER || s.kind() == Kind.LET
                    || s.kind() == Kind.INDEX)) {
                seen.putIfAbsent(s.name(), s);
            }
        }
        return List.copyOf(seen.values());
    }

    // ---- building -------------------------------------------------------------------------------

    private void module(Ast.ModuleDecl module) {
        String container = module.name().name();
        define(new Symbol(Kind.MODULE, container, "", module.name().location()), module.name().location());
        Map<String, Symbol> scope = new LinkedHashMap<>();
        for (Ast.Param p : module.params()) {
            Symbol param = new Symbol(Kind.PARAMETER, p.name().name(), container, p.name().location());
            define(param, p.name().location());
            scope.put(param.name(), param);
            p.defaultValue().ifPresent(e -> expr(e, container, scope));
        }
        body(container, module.body(), scope);
    }

    /** Statements in order; a value is visible to the statements after its definition, as in the elaborator. */
    private void body(String container, List<Ast.Statement> statements, Map<String, Symbol> scope) {
        Map<String, Symbol> forward = new LinkedHashMap<>(scope);
        for (Ast.Statement statement : statements) {
            Ast.Identifier name = statement instanceof Ast.InputDecl in ? in.name()
                    : statement instanceof Ast.ValueDecl v ? v.name()
                    : statement instanceof Ast.OutputDecl o && o.chain().isPresent() ? o.name() : null;
            if (name != null) {
                forward.putIfAbsent(name.name(), new Symbol(Kind.VALUE, name.name(), container, name.location()));
            }
        }
        for (Ast.Statement statement : statements) {
            if (statement instanceof Ast.InputDecl in) {
                define(forward.get(in.name().name()), in.name().location());
            } else if (statement instanceof Ast.ValueDecl v) {
                chain(v.chain(), container, forward);
                Symbol value = forward.get(v.name().name());
                define(value, v.name().location());
                valueChains.putIfAbsent(value, v.chain());
            } else if (statement instanceof Ast.OutputDecl o) {
                Symbol value = forward.get(o.name().name());
                if (o.chain().isPresent()) {
                    chain(o.chain().get(), container, forward);
                    define(value, o.name().location());
                    valueChains.putIfAbsent(value, o.chain().get());
                } else if (value != null) {
                    refer(value, o.name().location());
                }
            } else if (statement instanceof Ast.OutDecl out) {
                chain(out.chain(), container, forward);
            } else if (statement instanceof Ast.LetDecl let) {
                expr(let.value(), container, forward);
                Symbol number = new Symbol(Kind.LET, let.name().name(), container, let.name().location());
                define(number, let.name().location());
                forward.put(number.name(), number); // readable below its line, as in the elaborator
            }
        }
    }

    private void chain(Ast.Chain chain, String container, Map<String, Symbol> scope) {
        Ast.Head head = chain.head();
        if (head instanceof Ast.ReferenceHead r) {
            reference(r.name().name(), r.name().location(), scope);
        } else if (head instanceof Ast.ConditionalHead c) {
            expr(c.condition(), container, scope);
            chain(c.then(), container, scope);
            chain(c.otherwise(), container, scope);
        } else if (head instanceof Ast.LayerHead l) {
            layer(l.layer(), container, scope);
        }
        for (Ast.LayerNode step : chain.steps()) {
            layer(step, container, scope);
        }
    }

    private void layer(Ast.LayerNode node, String container, Map<String, Symbol> scope) {
        node.label().ifPresent(label -> {
            Symbol symbol = new Symbol(Kind.LABEL, label.name(), container, label.location());
            define(symbol, label.location());
            labelled.put(symbol, node);
        });
        Ast.Body body = node.body();
        if (body instanceof Ast.CallBody c) {
            call(c.call(), container, scope);
        } else if (body instanceof Ast.GroupBody g) {
            g.elements().forEach(e -> layer(e, container, scope));
        } else if (body instanceof Ast.RepeatBody r) {
            expr(r.count(), container, scope);
            Map<String, Symbol> inner = scope;
            if (r.index().isPresent()) {
                Ast.Identifier i = r.index().get();
                Symbol index = new Symbol(Kind.INDEX, i.name(), container, i.location());
                define(index, i.location());
                inner = new LinkedHashMap<>(scope);
                inner.put(i.name(), index);
            }
            for (Ast.LayerNode e : r.target()) {
                layer(e, container, inner);
            }
        }
    }

    private void call(Ast.Call call, String container, Map<String, Symbol> scope) {
        Ast.Identifier callee = call.callee();
        Ast.ModuleDecl module = modules.get(callee.name());
        Symbol target;
        if (module != null) {
            target = new Symbol(Kind.MODULE, module.name().name(), "", module.name().location());
        } else if (Operators.lookup(callee.name()).isPresent()) {
            target = new Symbol(Kind.OPERATOR, callee.name(), "", SourceLocation.NONE);
        } else {
            target = null;
        }
        if (target != null) {
            occurrences.add(new Occurrence(target, callee.location(), false, Optional.of(call)));
        }
        for (Ast.Argument argument : call.arguments()) {
            argument.name().ifPresent(n -> {
                if (module != null) {
                    module.params().stream().filter(p -> p.name().name().equals(n.name())).findFirst()
                            .ifPresent(p -> refer(new Symbol(Kind.PARAMETER, n.name(), module.name().name(),
                                    p.name().location()), n.location()));
                } else if (target != null) {
                    occurrences.add(new Occurrence(new Symbol(Kind.ARGUMENT, n.name(), callee.name(), SourceLocation.NONE),
                            n.location(), false, Optional.of(call)));
                }
            });
            expr(argument.value(), container, scope);
        }
    }

    private void expr(Ast.Expr expr, String container, Map<String, Symbol> scope) {
        if (expr instanceof Ast.NameExpr n) {
            reference(n.name(), n.location(), scope);
        } else if (expr instanceof Ast.TupleExpr t) {
            t.elements().forEach(e -> expr(e, container, scope));
        } else if (expr instanceof Ast.UnaryExpr u) {
            expr(u.operand(), container, scope);
        } else if (expr instanceof Ast.BinaryExpr b) {
            expr(b.left(), container, scope);
            expr(b.right(), container, scope);
        } else if (expr instanceof Ast.ConditionalExpr c) {
            expr(c.condition(), container, scope);
            expr(c.then(), container, scope);
            expr(c.otherwise(), container, scope);
        } else if (expr instanceof Ast.FunctionExpr f) {
            f.arguments().forEach(e -> expr(e, container, scope));
        }
    }

    private void reference(String name, SourceLocation at, Map<String, Symbol> scope) {
        Symbol symbol = scope.get(name);
        if (symbol != null) {
            refer(symbol, at);
        }
    }

    private void define(Symbol symbol, SourceLocation at) {
        occurrences.add(new Occurrence(symbol, at, true, Optional.empty()));
    }

    private void refer(Symbol symbol, SourceLocation at) {
        occurrences.add(new Occurrence(symbol, at, false, Optional.empty()));
    }
}
