package io.cnnkit.lsp;

import io.cnnkit.analyzer.Analysis;
import io.cnnkit.analyzer.LayerStats;
import io.cnnkit.analyzer.ReceptiveField;
import io.cnnkit.analyzer.ScopeStats;
import io.cnnkit.compiler.SourceLocation;
import io.cnnkit.compiler.ast.Ast;
import io.cnnkit.compiler.op.Operators;
import io.cnnkit.lsp.SymbolIndex.Kind;
import io.cnnkit.lsp.SymbolIndex.Occurrence;
import io.cnnkit.lsp.SymbolIndex.Symbol;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Markdown for a hover: what a name is (an operator's signature, a module's parameters), and what
 * the analysis says about the layers it stands for: output shape, parameters, MACs and receptive
 * field, for each instance when a module body is expanded several times.
 */
final class Hovers {
    /** Instances listed one by one before the rest are summed up. */
    private static final int MAX_INSTANCES = 6;

    private Hovers() {
    }

    static Optional<String> hover(Occurrence o, SymbolIndex index, Optional<Analysis> analysis) {
        Symbol s = o.symbol();
        Optional<Snapshot.Facts> facts = analysis.map(Snapshot.Facts::of);
        StringBuilder md = new StringBuilder();
        switch (s.kind()) {
            case OPERATOR -> {
                Operators.Spec spec = Operators.lookup(s.name()).orElseThrow();
                md.append(code(spec.signatureWithDefaults())).append(operatorDoc(spec));
                o.call().ifPresent(call -> facts.ifPresent(f -> layers(md, f.layersAt(call.location()))));
            }
            case MODULE -> {
                Ast.ModuleDecl module = index.modules().get(s.name());
                md.append(code(module == null ? "module " + s.name() : moduleSignature(module)));
                if (module != null && !module.location().path().equals(o.location().path())) {
                    md.append("\n\nfrom `").append(fileName(module.location())).append('`');
                }
                o.call().ifPresent(call -> facts.ifPresent(f -> scopes(md, f.scopesAt(call.location()))));
            }
            case VALUE -> {
                md.append(code("value " + s.name()));
                index.chainOf(s).flatMap(chain -> facts.map(f -> producers(chain, index, f)))
                        .ifPresent(stats -> layers(md, stats));
                if (index.chainOf(s).isEmpty()) { // an input
                    facts.ifPresent(f -> layers(md, f.layersAt(s.definition())));
                }
            }
            case LABEL -> {
                md.append(code("layer " + s.name()));
                index.labelledLayer(s).ifPresent(node -> facts.ifPresent(f -> layers(md, producers(node, f))));
            }
            case PARAMETER -> md.append(code("parameter " + s.name() + " of module " + s.container()));
            case LET -> md.append(code("let " + s.name() + (s.container().isEmpty() ? "" : " in module " + s.container()))
                    + "\n\na number computed once per " + (s.container().isEmpty() ? "network" : "instance"));
            case INDEX -> md.append(code("repetition index " + s.name()) + "\n\nthe copy's number, from 0");
            case ARGUMENT -> {
                Operators.Spec spec = Operators.lookup(s.container()).orElseThrow();
                md.append(code(spec.signatureWithDefaults())).append("\n\nargument `").append(s.name()).append("` of `")
                        .append(spec.name()).append("`: ");
                spec.params().stream().filter(p -> p.name().equals(s.name())).findFirst()
                        .ifPresent(p -> md.append(parameterDoc(p)));
            }
        }
        return Optional.of(md.toString());
    }

    static String moduleSignature(Ast.ModuleDecl module) {
        return "module " + module.name().name() + "(" + module.params().stream()
                .map(p -> p.name().name() + p.defaultValue().map(e -> "=" + Sources.text(e.location())).orElse(""))
                .collect(Collectors.joining(", ")) + ")";
    }

    /** The operator's documentation and, per parameter, its type, default and meaning. */
    static String operatorDoc(Operators.Spec spec) {
        StringBuilder b = new StringBuilder("\n\n").append(spec.doc());
        for (Operators.Param p : spec.params()) {
            b.append("\n- `").append(p.name()).append('`')
                    .append(p.required() ? " (required)" : " = `" + p.defaultValue() + "`")
                    .append(": ").append(p.doc()).append(" (").append(p.type().description()).append(')');
        }
        return b.toString();
    }

    static String parameterDoc(Operators.Param p) {
        return p.doc() + "; " + p.type().description() + (p.required() ? "; required" : "; default `" + p.defaultValue() + "`");
    }


    /** The layers whose output a chain's last step produces. */
    private static List<LayerStats> producers(Ast.Chain chain, SymbolIndex index, Snapshot.Facts facts) {
        if (!chain.steps().isEmpty()) {
            return producers(chain.steps().get(chain.steps().size() - 1), facts);
        }
        Ast.Head head = chain.head();
        if (head instanceof Ast.LayerHead l) {
            return producers(l.layer(), facts);
        }
        if (head instanceof Ast.ReferenceHead r) {
            return index.at(r.name().location().line(), r.name().location().column())
                    .flatMap(o -> index.chainOf(o.symbol()).map(c -> producers(c, index, facts))
                            .or(() -> Optional.of(facts.layersAt(o.symbol().definition()))))
                    .orElse(List.of());
        }
        return List.of();
    }

    private static List<LayerStats> producers(Ast.LayerNode node, Snapshot.Facts facts) {
        Ast.Body body = node.body();
        SourceLocation at = body instanceof Ast.CallBody c ? c.call().location() : body.location();
        List<LayerStats> direct = facts.layersAt(at);
        if (!direct.isEmpty()) {
            return direct;
        }
        List<LayerStats> last = new ArrayList<>();
        for (ScopeStats scope : outermost(facts.scopesAt(at))) {
            last.add(facts.analysis().stats(scope.last()));
        }
        return last;
    }

    /** At one site, a repetition has a scope and one per copy: keep the outer ones. */
    private static List<ScopeStats> outermost(List<ScopeStats> scopes) {
        return scopes.stream().filter(s -> scopes.stream().noneMatch(
                o -> o != s && s.scope().path().startsWith(o.scope().path() + "."))).toList();
    }

    private static void layers(StringBuilder md, List<LayerStats> stats) {
        if (stats.isEmpty()) {
            return;
        }
        md.append("\n\n");
        if (stats.size() == 1) {
            md.append(describe(stats.get(0)));
            return;
        }
        md.append(stats.size()).append(" instances:\n");
        for (LayerStats s : stats.subList(0, Math.min(MAX_INSTANCES, stats.size()))) {
            md.append("\n- `").append(s.layer().name()).append("`: ").append(describe(s));
        }
        if (stats.size() > MAX_INSTANCES) {
            md.append("\n- and ").append(stats.size() - MAX_INSTANCES).append(" more");
        }
    }

    private static void scopes(StringBuilder md, List<ScopeStats> found) {
        List<ScopeStats> scopes = outermost(found);
        for (ScopeStats s : scopes.subList(0, Math.min(MAX_INSTANCES, scopes.size()))) {
            md.append("\n\n`").append(s.scope().path()).append("` → **").append(s.last().name())
                    .append("** output; ").append(s.totals().layers()).append(" layers, ")
                    .append(count(s.totals().parameters())).append(" parameters, ")
                    .append(count(s.totals().macs())).append(" MACs");
        }
    }

    static String describe(LayerStats s) {
        if (!s.analysed()) {
            return "not analysed (an error here or upstream)";
        }
        StringBuilder b = new StringBuilder("output **").append(s.outputShape()).append("**");
        if (!s.inputShapes().isEmpty()) {
            b.append(" from ").append(s.inputShapes().stream().map(Object::toString).collect(Collectors.joining(", ")));
        }
        b.append("; ").append(count(s.parameters())).append(" parameters, ").append(count(s.macs())).append(" MACs");
        ReceptiveField rf = s.receptiveField();
        if (rf != null) {
            b.append(", receptive field ").append(rf.global() ? "global" : rf.sizeH() + "x" + rf.sizeW()
                    + " (stride " + rf.strideH() + (rf.strideH() == rf.strideW() ? "" : "x" + rf.strideW()) + ")");
        }
        return b.toString();
    }

    private static String count(long n) {
        return String.format("%,d", n);
    }

    private static String code(String text) {
        return "```cnn\n" + text + "\n```";
    }

    private static String fileName(SourceLocation at) {
        String path = at.path();
        return path.substring(path.lastIndexOf('/') + 1);
    }
}
