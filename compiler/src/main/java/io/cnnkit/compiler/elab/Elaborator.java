package io.cnnkit.compiler.elab;

import io.cnnkit.compiler.Diagnostic;
import io.cnnkit.compiler.DiagnosticCode;
import io.cnnkit.compiler.SourceLocation;
import io.cnnkit.compiler.ast.Ast;
import io.cnnkit.compiler.graph.Layer;
import io.cnnkit.compiler.graph.NetworkGraph;
import io.cnnkit.compiler.graph.Scope;
import io.cnnkit.compiler.graph.Shape;
import io.cnnkit.compiler.graph.ValueRef;
import io.cnnkit.compiler.op.ArgValue;
import io.cnnkit.compiler.op.ArgValue.IntValue;
import io.cnnkit.compiler.op.ArgumentException;
import io.cnnkit.compiler.op.Arguments;
import io.cnnkit.compiler.op.Op;
import io.cnnkit.compiler.op.Operators;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Expands a checked AST into a {@link NetworkGraph}: evaluates arguments, instantiates modules
 * (inlining their bodies under a dotted name prefix), unrolls repetitions, resolves value names
 * and gives every layer its unique name.
 *
 * <p>Naming: a labelled layer is {@code prefix.label}; inside a bracketed group, elements are
 * numbered {@code prefix.0, prefix.1, ...}; a composite step (module call, repeat, group) at the
 * end of a named value's chain takes the value's name; anything else is {@code op_k}, k counting
 * per operator within its scope and skipping names that labels or values already use.
 */
public final class Elaborator {
    public static final int MAX_LAYERS = 1_000_000;
    public static final int MAX_REPEAT = 10_000;
    /**
     * The estimated bytes the elaborated graph may hold: names and scope paths grow with the
     * nesting, so deeply nested modules reach gigabytes long before {@link #MAX_LAYERS} layers.
     */
    public static final long MAX_GRAPH_BYTES = 300_000_000L;
    /** The "value name" of a module's {@code out} chain: not a name, it marks the step that ends the module. */
    private static final String MODULE_OUT = ".out";
    private static final java.util.regex.Pattern PLACEHOLDER = java.util.regex.Pattern.compile("\\{([A-Za-z_][A-Za-z0-9_]*)\\}");

    private final Diagnostics diagnostics;
    private final Map<String, Ast.ModuleDecl> modules;
    private final Set<String> brokenModules;
    private final NetworkGraph.Builder builder;
    private long graphBytes;

    private Elaborator(String name, Map<String, Ast.ModuleDecl> modules, Set<String> brokenModules,
                       Diagnostics diagnostics) {
        this.modules = modules;
        this.brokenModules = brokenModules;
        this.diagnostics = diagnostics;
        this.builder = NetworkGraph.builder(name);
    }

    /** Thrown when the network grows past {@link #MAX_LAYERS} or {@link #MAX_GRAPH_BYTES}; ends elaboration at once. */
    private static final class TooLarge extends RuntimeException {
        private static final long serialVersionUID = 1L;

        TooLarge(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * Elaborates the network statements of {@code root}; {@code modules} holds every module
     * visible to it (its own and imported ones), already checked by {@link ModuleChecker}.
     */
    public static Optional<NetworkGraph> elaborate(Ast.CompilationUnit root, String networkName,
                                                   Map<String, Ast.ModuleDecl> modules, Set<String> brokenModules,
                                                   Diagnostics diagnostics) {
        // the bound is checked on a count from the syntax tree before any layer is made
        Optional<LayerCount.Excess> excess = LayerCount.pastBound(root, modules, brokenModules, MAX_LAYERS);
        if (excess.isPresent()) {
            long layers = excess.get().layers();
            diagnostics.add(Diagnostic.error(DiagnosticCode.TOO_LARGE, excess.get().at(), "the network expands to "
                    + (layers == Long.MAX_VALUE ? "more than 2^63" : String.format("%,d", layers))
                    + " layers, more than the " + String.format("%,d", MAX_LAYERS) + " allowed (passed at this step);"
                    + " expected a smaller network (check repeat counts and module nesting)"));
            return Optional.empty();
        }
        Elaborator elaborator = new Elaborator(networkName, modules, brokenModules, diagnostics);
        try {
            elaborator.network(root);
        } catch (TooLarge e) {
            diagnostics.add(Diagnostic.error(DiagnosticCode.TOO_LARGE, new SourceLocation(root.file(), 1, 1, 1),
                    e.getMessage() + "; expected a smaller network (check repeat counts and module nesting)"));
            return Optional.empty();
        }
        if (diagnostics.hasErrors()) {
            return Optional.empty();
        }
        return Optional.of(elaborator.builder.build());
    }

    // ---------------------------------------------------------------- the network body

    private void network(Ast.CompilationUnit root) {
        List<Ast.Statement> statements = root.statements();
        Env env = Env.top(root, statements);
        Map<String, SourceLocation> outputNames = new LinkedHashMap<>();
        boolean anyInput = false;
        boolean anyOutput = false;
        for (Ast.Statement statement : statements) {
            if (statement instanceof Ast.InputDecl input) {
                anyInput = true;
                input(input, env);
            } else if (statement instanceof Ast.ValueDecl value) {
                define(value.name(), chain(value.chain(), env, Optional.of(value.name().name())), env);
            } else if (statement instanceof Ast.LetDecl let) {
                let(let, env);
            } else if (statement instanceof Ast.OutputDecl output) {
                anyOutput = true;
                output(output, env, outputNames);
            }
        }
        if (!statements.isEmpty() || root.network().isPresent()) {
            SourceLocation start = root.network().map(Ast.Identifier::location)
                    .orElse(new SourceLocation(root.file(), 1, 1, 1));
            if (!anyInput) {
                diagnostics.add(Diagnostic.error(DiagnosticCode.NO_INPUT, start,
                        "the network has no input; expected a declaration such as 'input image: 3x224x224'"));
            }
            if (!anyOutput) {
                diagnostics.add(Diagnostic.error(DiagnosticCode.NO_OUTPUT, start,
                        "the network has no output; expected a declaration such as 'output logits = x -> dense(10)'"));
            }
        }
        Usage.warnUnused(statements, Set.copyOf(outputNames.keySet()), "", diagnostics);
    }

    private void input(Ast.InputDecl input, Env env) {
        Layer layer = inputLayer(input, env);
        if (layer == null) {
            env.failed.add(input.name().name());
        } else {
            define(input.name(), layer, env);
        }
    }

    private Layer inputLayer(Ast.InputDecl input, Env env) {
        List<Long> dims = input.shape().dims();
        if (dims.size() != 1 && dims.size() != 3) {
            diagnostics.add(Diagnostic.error(DiagnosticCode.INPUT_SHAPE, input.shape().location(),
                    "input shape " + Shape.of(dims.stream().mapToLong(Long::longValue).toArray())
                            + " has " + dims.size() + " dimensions; expected CxHxW (a feature map) or F (a vector)"));
            return null;
        }
        for (long d : dims) {
            if (d < 1 || d > Arguments.MAX_SIZE) {
                diagnostics.add(Diagnostic.error(DiagnosticCode.INPUT_SHAPE, input.shape().location(),
                        "input dimension " + d + " is out of range; expected 1 to " + Arguments.MAX_SIZE));
                return null;
            }
        }
        String name = env.names.claim(input.name(), diagnostics);
        return name == null ? null : add(name, new Op.Input(new Shape(dims)), List.of(), env, input.name().location());
    }

    private void output(Ast.OutputDecl output, Env env, Map<String, SourceLocation> outputNames) {
        String name = output.name().name();
        SourceLocation previous = outputNames.putIfAbsent(name, output.name().location());
        if (previous != null) {
            diagnostics.add(Diagnostic.error(DiagnosticCode.DUPLICATE_NAME, output.name().location(),
                    "output '" + name + "' is already declared at line " + previous.line()));
            return;
        }
        Layer layer;
        if (output.chain().isPresent()) {
            layer = chain(output.chain().get(), env, Optional.of(name));
            define(output.name(), layer, env);
        } else {
            layer = reference(output.name(), env);
        }
        if (layer != null) {
            builder.output(name, layer, output.aux(), output.location());
        }
    }

    private void define(Ast.Identifier name, Layer layer, Env env) {
        if (layer == null) {
            env.failed.add(name.name());
            return;
        }
        if (env.values.containsKey(name.name())) {
            diagnostics.add(Diagnostic.error(DiagnosticCode.DUPLICATE_NAME, name.location(),
                    "value '" + name.name() + "' is already defined; expected a new name"));
            return;
        }
        env.values.put(name.name(), layer);
        builder.valueEnd(layer);
    }

    /** {@code let name = expr}: evaluated where it stands, then readable like a parameter below it. */
    private void let(Ast.LetDecl let, Env env) {
        String name = let.name().name();
        String clash = env.params.containsKey(name) ? (env.lets.containsKey(name) ? "a number defined at line "
                + env.lets.get(name).line() : "a parameter" + (env.moduleName == null ? "" : " of module '"
                + env.moduleName + "'")) : env.declared.containsKey(name) ? "a value (a tensor)" : null;
        if (clash != null) {
            diagnostics.add(Diagnostic.error(DiagnosticCode.DUPLICATE_NAME, let.name().location(),
                    "'" + name + "' is already " + clash + "; expected a new name"));
            return;
        }
        try {
            env.params.put(name, Evaluator.eval(let.value(), env.names()));
            env.lets.put(name, let.name().location());
        } catch (Evaluator.EvalException e) {
            env.failed.add(name);
            e.report(diagnostics, env.instantiation());
        }
    }

    // ---------------------------------------------------------------- chains

    /** Elaborates a chain and returns its output layer, or null after reporting an error. */
    private Layer chain(Ast.Chain chain, Env env, Optional<String> valueName) {
        boolean headIsLast = chain.steps().isEmpty();
        Layer current = head(chain.head(), env, headIsLast ? valueName : Optional.empty());
        for (int i = 0; i < chain.steps().size(); i++) {
            boolean last = i == chain.steps().size() - 1;
            if (current == null) {
                check(chain.steps().get(i), env); // keep reporting what else is wrong in the chain
            } else {
                current = layer(chain.steps().get(i), current, env, last ? valueName : Optional.empty());
            }
        }
        return current;
    }

    /** Reports argument errors of a step that cannot be built because an earlier step failed. */
    private void check(Ast.LayerNode node, Env env) {
        Ast.Body body = node.body();
        if (body instanceof Ast.GroupBody group) {
            group.elements().forEach(e -> check(e, env));
        } else if (body instanceof Ast.RepeatBody repeat) {
            repeatCount(repeat, env);
            Env inner = repeat.index().map(i -> env.withParameter(i.name(), new IntValue(0))).orElse(env);
            repeat.target().forEach(e -> check(e, inner));
        } else {
            Ast.Call call = ((Ast.CallBody) body).call();
            Optional<Operators.Spec> spec = Operators.lookup(call.callee().name());
            if (modules.containsKey(call.callee().name())) {
                return; // module arguments are checked when it can be expanded
            }
            if (spec.isEmpty()) {
                diagnostics.add(Suggestions.unknownCallee(call.callee(), modules.keySet()));
            } else if (spec.get().arity() == Operators.Arity.UNARY) {
                buildOp(spec.get(), call, env);
            }
        }
    }

    private Layer head(Ast.Head head, Env env, Optional<String> valueName) {
        if (head instanceof Ast.ReferenceHead ref) {
            return reference(ref.name(), env);
        }
        if (head instanceof Ast.InHead in) {
            return moduleInput(in.location(), env);
        }
        if (head instanceof Ast.ConditionalHead c) {
            Boolean condition = evalCondition(c.condition(), env);
            if (condition == null) {
                return null;
            }
            return chain(condition ? c.then() : c.otherwise(), env, valueName);
        }
        Ast.LayerNode node = ((Ast.LayerHead) head).layer();
        if (node.body() instanceof Ast.CallBody call) {
            Optional<Operators.Spec> spec = Operators.lookup(call.call().callee().name());
            if (spec.isPresent() && spec.get().arity() == Operators.Arity.MERGE) {
                return merge(node, call.call(), spec.get(), env);
            }
            if (!modules.containsKey(call.call().callee().name()) && spec.isEmpty()) {
                if (call.call().arguments().isEmpty() && node.label().isEmpty()) {
                    return reference(call.call().callee(), env); // `x = y` parses as a call without parentheses
                }
                diagnostics.add(Suggestions.unknownCallee(call.call().callee(), modules.keySet()));
                return null;
            }
        }
        diagnostics.add(Diagnostic.error(DiagnosticCode.MISSING_INPUT, node.location(),
                "'" + describe(node) + "' has no input; expected a value before it, as in 'x -> " + describe(node) + "'"));
        return null;
    }

    private static String describe(Ast.LayerNode node) {
        Ast.Body body = node.body();
        if (body instanceof Ast.CallBody c) {
            return c.call().callee().name();
        }
        return body instanceof Ast.GroupBody ? "[...]" : "repeat";
    }

    private Layer reference(Ast.Identifier name, Env env) {
        Layer layer = env.values.get(name.name());
        if (layer != null) {
            return layer;
        }
        if (env.failed.contains(name.name())) {
            return null; // its definition already reported an error
        }
        SourceLocation declared = env.declared.get(name.name());
        String message;
        if (declared != null) {
            message = "'" + name.name() + "' is used before its definition at line " + declared.line()
                    + "; expected a value defined above";
            diagnostics.add(Diagnostic.error(DiagnosticCode.USED_BEFORE_DEFINITION, name.location(), message));
            return null;
        }
        if (env.params.containsKey(name.name())) {
            message = "'" + name.name() + "' is a parameter, not a value; expected the name of a tensor";
        } else {
            message = "unknown value '" + name.name() + "'" + Suggestions.didYouMean(name.name(), env.visibleValues())
                    + (env.input == null ? "; expected an input or a value defined above"
                    : "; expected 'in' or a value defined above");
            diagnostics.add(Suggestions.withFix(Diagnostic.error(DiagnosticCode.UNKNOWN_NAME, name.location(), message),
                    name, env.visibleValues()));
            return null;
        }
        diagnostics.add(Diagnostic.error(DiagnosticCode.UNKNOWN_NAME, name.location(), message));
        return null;
    }

    private Layer moduleInput(SourceLocation at, Env env) {
        if (env.input == null) {
            diagnostics.add(Diagnostic.error(DiagnosticCode.UNKNOWN_NAME, at,
                    "'in' is only defined inside a module; expected the name of an input or value"));
        }
        return env.input;
    }

    private Layer merge(Ast.LayerNode node, Ast.Call call, Operators.Spec spec, Env env) {
        List<Layer> inputs = new ArrayList<>();
        List<ValueRef> refs = new ArrayList<>();
        boolean ok = true;
        for (Ast.Argument arg : call.arguments()) {
            if (arg.name().isPresent()) {
                diagnostics.add(Diagnostic.error(DiagnosticCode.ARGUMENT_TYPE, arg.location(),
                        "'" + spec.name() + "' takes values, not named arguments; expected " + spec.signature()));
                ok = false;
                continue;
            }
            Layer in = null;
            if (arg.value() instanceof Ast.NameExpr n) {
                in = reference(new Ast.Identifier(n.name(), n.location()), env);
                refs.add(new ValueRef(n.name(), env.declared.getOrDefault(n.name(), n.location())));
            } else if (arg.value() instanceof Ast.InExpr i) {
                in = moduleInput(i.location(), env);
                refs.add(new ValueRef("in", env.moduleCall().orElse(i.location())));
            } else {
                diagnostics.add(Diagnostic.error(DiagnosticCode.ARGUMENT_TYPE, arg.location(),
                        "'" + spec.name() + "' takes the names of values; expected " + spec.signature()));
            }
            ok &= in != null;
            inputs.add(in);
        }
        if (!ok) {
            return null;
        }
        if (inputs.size() < 2) {
            diagnostics.add(Diagnostic.error(DiagnosticCode.MERGE_ARITY, call.location(),
                    "'" + spec.name() + "' needs at least two inputs, got " + inputs.size() + "; expected "
                            + spec.signature()));
            return null;
        }
        String name = localName(node, env, false, spec.name(), Optional.empty());
        if (name == null) {
            return null;
        }
        Layer layer = add(name, spec.build().apply(new Arguments(Map.of())), inputs, env, call.location());
        builder.inputRefs(layer, refs);
        return assertShape(node, layer);
    }

    // ---------------------------------------------------------------- layers

    /** One step applied to {@code input}; returns the step's output layer, or null after an error. */
    private Layer layer(Ast.LayerNode node, Layer input, Env env, Optional<String> valueName) {
        Ast.Body body = node.body();
        Layer result;
        if (body instanceof Ast.CallBody callBody) {
            result = call(node, callBody.call(), input, env, valueName);
        } else if (body instanceof Ast.GroupBody group) {
            result = group(node, group, input, env, valueName);
        } else {
            result = repeat(node, (Ast.RepeatBody) body, input, env, valueName);
        }
        return result == null ? null : assertShape(node, result);
    }

    private Layer assertShape(Ast.LayerNode node, Layer layer) {
        if (node.assertion().isEmpty()) {
            return layer;
        }
        List<Long> dims = node.assertion().get().dims();
        return builder.assertShape(layer, new Shape(dims));
    }

    private Layer call(Ast.LayerNode node, Ast.Call call, Layer input, Env env, Optional<String> valueName) {
        String callee = call.callee().name();
        Ast.ModuleDecl module = modules.get(callee);
        if (module != null) {
            if (brokenModules.contains(callee)) {
                return null;
            }
            String name = localName(node, env, true, callee, valueName);
            return name == null ? null : instantiate(module, call, input, env, name);
        }
        Optional<Operators.Spec> spec = Operators.lookup(callee);
        if (spec.isEmpty()) {
            diagnostics.add(Suggestions.unknownCallee(call.callee(), modules.keySet()));
            return null;
        }
        if (spec.get().arity() == Operators.Arity.MERGE) {
            diagnostics.add(Diagnostic.error(DiagnosticCode.MERGE_ARITY, call.location(),
                    "'" + callee + "' takes its inputs as arguments; expected it to start a chain, as in '"
                            + callee + "(a, b) -> ...'"));
            return null;
        }
        Op op = buildOp(spec.get(), call, env);
        if (op == null) {
            return null;
        }
        String name = localName(node, env, false, callee, valueName);
        return name == null ? null : add(name, op, List.of(input), env, call.location());
    }

    private Op buildOp(Operators.Spec spec, Ast.Call call, Env env) {
        Map<String, ArgValue> bound = Binder.bind(spec.name(), spec.signature(), spec.parameters(),
                spec.parameters().subList(0, spec.required()), call, env, diagnostics);
        if (bound == null) {
            return null;
        }
        try {
            return spec.build().apply(new Arguments(bound));
        } catch (ArgumentException e) {
            DiagnosticCode code = e.wrongType() ? DiagnosticCode.ARGUMENT_TYPE : DiagnosticCode.ARGUMENT_RANGE;
            diagnostics.add(Diagnostic.error(code, Binder.locate(call, spec.parameters(), e.parameter()),
                    spec.name() + ": " + e.getMessage() + env.instantiation()));
            return null;
        }
    }

    private Layer instantiate(Ast.ModuleDecl module, Ast.Call call, Layer input, Env caller, String name) {
        List<String> names = new ArrayList<>();
        List<String> required = new ArrayList<>();
        for (Ast.Param p : module.params()) {
            names.add(p.name().name());
            if (p.defaultValue().isEmpty()) {
                required.add(p.name().name());
            }
        }
        String signature = module.name().name() + "(" + String.join(", ", names) + ")";
        Map<String, ArgValue> bound = Binder.bind(module.name().name(), signature, names, required, call, caller,
                diagnostics);
        if (bound == null) {
            return null;
        }
        Map<String, ArgValue> params = new LinkedHashMap<>();
        for (Ast.Param p : module.params()) {
            ArgValue v = bound.get(p.name().name());
            if (v == null) {
                v = Binder.evalDefault(p, params, module, diagnostics);
                if (v == null) {
                    return null;
                }
            }
            params.put(p.name().name(), v);
        }
        String path = caller.qualify(name);
        Scope scope = new Scope(path, module.name().name(), call.location());
        Env env = caller.module(path, scope, params, input, module, call.location());
        Layer out = null;
        for (Ast.Statement statement : module.body()) {
            if (statement instanceof Ast.ValueDecl value) {
                define(value.name(), chain(value.chain(), env, Optional.of(value.name().name())), env);
            } else if (statement instanceof Ast.LetDecl let) {
                let(let, env);
            } else if (statement instanceof Ast.OutDecl o) {
                out = chain(o.chain(), env, Optional.of(MODULE_OUT));
            }
        }
        return out;
    }

    private Layer group(Ast.LayerNode node, Ast.GroupBody group, Layer input, Env env, Optional<String> valueName) {
        Env inner;
        if (endsModule(node, env, valueName)) {
            inner = env.asGroup(); // the module is the group, as an nn.Sequential subclass: elements numbered in it
        } else {
            String name = localName(node, env, true, "group", valueName);
            if (name == null) {
                return null;
            }
            String path = env.qualify(name);
            inner = env.group(path, new Scope(path, "group", group.location()));
        }
        Layer current = input;
        for (Ast.LayerNode element : group.elements()) {
            current = layer(element, current, inner, Optional.empty());
            if (current == null) {
                return null;
            }
        }
        return current;
    }

    private Layer repeat(Ast.LayerNode node, Ast.RepeatBody repeat, Layer input, Env env, Optional<String> valueName) {
        int count = repeatCount(repeat, env);
        if (count < 0) {
            return null;
        }
        // Inside a group an unlabelled repeat splices its copies into the group's numbering.
        boolean splice = env.group && node.label().isEmpty();
        if (endsModule(node, env, valueName)) {
            env = env.asGroup(); // the module is the sequence of copies, numbered in its own scope
            splice = true;
        }
        Env repeatEnv = env;
        if (!splice) {
            String name = localName(node, env, true, "repeat", valueName);
            if (name == null) {
                return null;
            }
            String path = env.qualify(name);
            repeatEnv = env.child(path, new Scope(path, "repeat", repeat.location()), false);
        }
        Layer current = input;
        for (int i = 0; i < count && current != null; i++) {
            Env copy = repeatEnv;
            if (repeat.index().isPresent()) {
                copy = copy.withParameter(repeat.index().get().name(), new IntValue(i));
            }
            if (splice) {
                for (Ast.LayerNode element : repeat.target()) {
                    current = current == null ? null : layer(element, current, copy, Optional.empty());
                }
            } else if (repeat.single()) {
                Ast.LayerNode only = repeat.target().get(0);
                current = layer(new Ast.LayerNode(Optional.of(new Ast.Identifier(Integer.toString(i),
                        only.location())), only.body(), only.assertion(), only.location()), current, copy, Optional.empty());
            } else {
                String path = copy.qualify(Integer.toString(i));
                Env copyEnv = copy.child(path, new Scope(path, "group", repeat.location()), false);
                for (Ast.LayerNode element : repeat.target()) {
                    current = current == null ? null : layer(element, current, copyEnv, Optional.empty());
                }
            }
        }
        return current;
    }

    // ---------------------------------------------------------------- helpers

    /** The evaluated repeat count, or -1 after reporting why it is not usable. */
    private int repeatCount(Ast.RepeatBody repeat, Env env) {
        ArgValue value;
        try {
            value = Evaluator.eval(repeat.count(), env.names());
        } catch (Evaluator.EvalException e) {
            e.report(diagnostics, env.instantiation());
            return -1;
        }
        if (!(value instanceof IntValue count) || count.value() < 0 || count.value() > MAX_REPEAT) {
            diagnostics.add(Diagnostic.error(DiagnosticCode.REPEAT_COUNT, repeat.count().location(),
                    "repeat count must be an integer from 0 to " + MAX_REPEAT + ", got " + value.describe()
                            + env.instantiation()));
            return -1;
        }
        return (int) count.value();
    }

    /**
     * A quoted label with every {@code {name}} replaced by the integer that the parameter, let or
     * repeat index holds ({@code "block{stage}-{i}"}); null after reporting a name that holds none.
     */
    private Ast.Identifier interpolate(Ast.Identifier label, Env env) {
        if (label.name().indexOf('{') < 0) {
            return label;
        }
        java.util.regex.Matcher m = PLACEHOLDER.matcher(label.name());
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            ArgValue v = env.params.get(m.group(1));
            if (!(v instanceof IntValue i)) {
                diagnostics.add(Diagnostic.error(v == null ? DiagnosticCode.UNKNOWN_NAME : DiagnosticCode.ARGUMENT_TYPE,
                        label.location(), "'{" + m.group(1) + "}' in label \"" + label.name() + "\" "
                                + (v == null ? "names no parameter, let or repeat index" : "is " + v.describe())
                                + "; expected the name of an integer" + env.instantiation()));
                return null;
            }
            m.appendReplacement(out, Long.toString(i.value()));
        }
        m.appendTail(out);
        return new Ast.Identifier(out.toString(), label.location());
    }

    /** An unlabelled group or repeat that ends a module's {@code out} chain, outside any group. */
    private static boolean endsModule(Ast.LayerNode node, Env env, Optional<String> valueName) {
        return node.label().isEmpty() && valueName.filter(MODULE_OUT::equals).isPresent() && !env.group;
    }

    /** The local name of a step, or null when its label is already taken (reported). */
    private String localName(Ast.LayerNode node, Env env, boolean composite, String kind, Optional<String> valueName) {
        if (node.label().isPresent()) {
            Ast.Identifier label = interpolate(node.label().get(), env);
            return label == null ? null : env.names.claim(label, diagnostics);
        }
        if (env.group) {
            return env.names.claimIndex();
        }
        if (composite && valueName.filter(v -> !v.equals(MODULE_OUT)).isPresent()) {
            return env.names.claim(new Ast.Identifier(valueName.get(), node.location()), diagnostics);
        }
        return env.names.auto(kind);
    }

    private Boolean evalCondition(Ast.Expr condition, Env env) {
        try {
            return Evaluator.bool(Evaluator.eval(condition, env.names()), condition.location(), "if");
        } catch (Evaluator.EvalException e) {
            e.report(diagnostics, env.instantiation());
            return null;
        }
    }

    private Layer add(String localName, Op op, List<Layer> inputs, Env env, SourceLocation definition) {
        if (builder.size() >= MAX_LAYERS) {
            throw new TooLarge("the network expands to more than " + String.format("%,d", MAX_LAYERS) + " layers");
        }
        String name = env.qualify(localName);
        // the layer record, its name, its scope list, and about one new scope path as long as its name
        graphBytes += 120 + 4L * name.length() + 8L * env.scopes.size();
        if (graphBytes > MAX_GRAPH_BYTES) {
            throw new TooLarge(String.format("the network's layer names and scopes pass the %,d MB bound after %,d"
                    + " layers (nested %d deep)", MAX_GRAPH_BYTES / 1_000_000, builder.size(), env.scopes.size()));
        }
        SourceLocation site = env.callSite != null ? env.callSite : definition;
        return builder.add(name, op, inputs, env.scopes, site, definition, Optional.empty());
    }

    /** Where names resolve while elaborating one body (the network, or one module instance). */
    static final class Env {
        final String prefix;
        final List<Scope> scopes;
        /** Parameters, repeat indices and the body's {@code let} numbers defined so far. */
        final Map<String, ArgValue> params;
        /** Where each {@code let} of the body so far stands. */
        final Map<String, SourceLocation> lets;
        final Layer input;
        final Map<String, Layer> values;
        final Set<String> failed;
        final Map<String, SourceLocation> declared;
        final Map<String, SourceLocation> declaredLets;
        final NameTable names;
        final SourceLocation callSite;
        final boolean group;
        final String moduleName;

        private Env(String prefix, List<Scope> scopes, Map<String, ArgValue> params, Map<String, SourceLocation> lets,
                    Layer input, Map<String, Layer> values, Set<String> failed, Map<String, SourceLocation> declared,
                    Map<String, SourceLocation> declaredLets, NameTable names, SourceLocation callSite, boolean group,
                    String moduleName) {
            this.prefix = prefix;
            this.scopes = scopes;
            this.params = params;
            this.lets = lets;
            this.input = input;
            this.values = values;
            this.failed = failed;
            this.declared = declared;
            this.declaredLets = declaredLets;
            this.names = names;
            this.callSite = callSite;
            this.group = group;
            this.moduleName = moduleName;
        }

        static Env top(Ast.CompilationUnit root, List<Ast.Statement> statements) {
            return new Env("", List.of(), new HashMap<>(), new HashMap<>(), null, new HashMap<>(), new HashSet<>(),
                    Usage.declaredValues(statements), Usage.declaredLets(statements), NameTable.forBody(statements),
                    null, false, null);
        }

        Env module(String path, Scope scope, Map<String, ArgValue> moduleParams, Layer moduleInput,
                   Ast.ModuleDecl module, SourceLocation call) {
            return new Env(path, append(scope), new HashMap<>(moduleParams), new HashMap<>(), moduleInput,
                    new HashMap<>(), new HashSet<>(), Usage.declaredValues(module.body()),
                    Usage.declaredLets(module.body()), NameTable.forBody(module.body()),
                    callSite != null ? callSite : call, false, module.name().name());
        }

        Env group(String path, Scope scope) {
            return child(path, scope, true);
        }

        /** This scope numbering its unlabelled steps like a group: a module that is a sequence. */
        Env asGroup() {
            return new Env(prefix, scopes, params, lets, input, values, failed, declared, declaredLets, names,
                    callSite, true, moduleName);
        }

        Env child(String path, Scope scope, boolean isGroup) {
            return new Env(path, append(scope), params, lets, input, values, failed, declared, declaredLets,
                    new NameTable(Set.of()), callSite, isGroup, moduleName);
        }

        Env withParameter(String name, ArgValue value) {
            Map<String, ArgValue> extended = new HashMap<>(params);
            extended.put(name, value);
            return new Env(prefix, scopes, extended, lets, input, values, failed, declared, declaredLets, names,
                    callSite, group, moduleName);
        }

        private List<Scope> append(Scope scope) {
            List<Scope> list = new ArrayList<>(scopes.size() + 1);
            list.addAll(scopes);
            list.add(scope);
            return List.copyOf(list);
        }

        /** " (in module 'm' called at file:line:col)" inside a module instance, else "". */
        String instantiation() {
            return scopes.stream().filter(Scope::isModule).reduce((a, b) -> b)
                    .map(s -> " (in module '" + s.kind() + "' called at " + s.site() + ")").orElse("");
        }

        /** Where the innermost module instance is called: what its 'in' is. */
        Optional<SourceLocation> moduleCall() {
            return scopes.stream().filter(Scope::isModule).reduce((a, b) -> b).map(Scope::site);
        }

        String qualify(String local) {
            return prefix.isEmpty() ? local : prefix + "." + local;
        }

        Set<String> visibleValues() {
            return values.keySet();
        }

        Evaluator.Names names() {
            return new Evaluator.Names() {
                @Override
                public ArgValue parameter(String name) {
                    return params.get(name);
                }

                @Override
                public String unknown(String name) {
                    SourceLocation later = declaredLets.get(name);
                    if (later != null && failed.contains(name)) {
                        return null; // its definition's error says why
                    }
                    if (later != null) {
                        return "'" + name + "' is used before its definition at line " + later.line()
                                + "; expected a number defined above";
                    }
                    if (values.containsKey(name) || declared.containsKey(name)) {
                        return "'" + name + "' is a value (a tensor), not a parameter; expected a number";
                    }
                    String where = moduleName == null ? "" : " of module '" + moduleName + "'";
                    Set<String> candidates = new HashSet<>(params.keySet());
                    candidates.addAll(Evaluator.SYMBOLS);
                    return "unknown name '" + name + "'" + Suggestions.didYouMean(name, candidates)
                            + (params.isEmpty() ? "; expected a number, a tuple, same or valid"
                            : "; expected a parameter" + where + ": "
                            + String.join(", ", new java.util.TreeSet<>(params.keySet())));
                }

                @Override
                public DiagnosticCode unknownCode(String name) {
                    return declaredLets.containsKey(name) ? DiagnosticCode.USED_BEFORE_DEFINITION
                            : DiagnosticCode.UNKNOWN_NAME;
                }
            };
        }
    }
}
