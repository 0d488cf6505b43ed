package io.cnnkit.lsp;

import io.cnnkit.analyzer.Analysis;
import io.cnnkit.analyzer.Analyzer;
import io.cnnkit.analyzer.LayerStats;
import io.cnnkit.analyzer.ScopeStats;
import io.cnnkit.compiler.CnnCompiler;
import io.cnnkit.compiler.Compilation;
import io.cnnkit.compiler.Diagnostic;
import io.cnnkit.compiler.SourceFile;
import io.cnnkit.compiler.SourceLocation;
import io.cnnkit.compiler.ast.Ast;
import io.cnnkit.compiler.parse.SourceParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One analysed version of a document: what {@code cnn analyze} would report for it (compile and
 * analyzer diagnostics), its symbol index when it parses, the analysis when it compiles, and the
 * files it imports (directly or not), so that editing one of them re-analyses it.
 */
public record Snapshot(Path path, int version, String text, List<Diagnostic> diagnostics,
                       Optional<SymbolIndex> index, Optional<Analysis> analysis, Set<Path> imports) {

    public Snapshot {
        diagnostics = List.copyOf(diagnostics);
        imports = Set.copyOf(imports);
    }

    /** Compiles, analyses at batch 1 and indexes {@code text} as the file {@code path}. */
    public static Snapshot analyse(Path path, int version, String text) {
        String name = path.toString();
        Compilation compilation = CnnCompiler.compileString(name, text);
        List<Diagnostic> diagnostics = new ArrayList<>(compilation.diagnostics());
        Optional<Analysis> analysis = compilation.graph().map(graph -> Analyzer.analyze(graph, 1));
        analysis.ifPresent(a -> diagnostics.addAll(a.diagnostics()));
        SourceParser.Result parsed = SourceParser.parse(new SourceFile(name, text), CnnCompiler.MAX_ERRORS);
        Set<Path> imports = new LinkedHashSet<>();
        Optional<SymbolIndex> index = parsed.unit().map(unit -> {
            Map<String, Ast.ModuleDecl> imported = new LinkedHashMap<>();
            importModules(unit, path.getParent(), imports, imported);
            return SymbolIndex.of(unit, imported);
        });
        return new Snapshot(path, version, text, diagnostics, index, analysis, imports);
    }

    /** Modules of the files {@code unit} imports, depth-first, each file once (cycles are the compiler's to report). */
    private static void importModules(Ast.CompilationUnit unit, Path directory, Set<Path> seen,
                                      Map<String, Ast.ModuleDecl> modules) {
        for (Ast.Import imp : unit.imports()) {
            Path target = directory.resolve(imp.path()).normalize();
            if (!seen.add(target) || !Files.isRegularFile(target)) {
                continue;
            }
            try {
                String text = Files.readString(target);
                SourceParser.parse(new SourceFile(target.toString(), text), CnnCompiler.MAX_ERRORS).unit()
                        .ifPresent(u -> {
                            importModules(u, target.getParent(), seen, modules);
                            u.modules().forEach(m -> modules.putIfAbsent(m.name().name(), m));
                        });
            } catch (IOException | RuntimeException e) {
                // unreadable: the compiler reports it at the import
            }
        }
    }

    /** Layers and scopes of the analysis by where they are written, for hovers. */
    public record Facts(Analysis analysis, Map<String, List<LayerStats>> byDefinition,
                        Map<String, List<ScopeStats>> scopesBySite) {
        static Facts of(Analysis analysis) {
            Map<String, List<LayerStats>> layers = new HashMap<>();
            for (LayerStats s : analysis.layers()) {
                layers.computeIfAbsent(key(s.layer().definition()), k -> new ArrayList<>()).add(s);
            }
            Map<String, List<ScopeStats>> scopes = new HashMap<>();
            for (ScopeStats s : analysis.scopes()) {
                scopes.computeIfAbsent(key(s.scope().site()), k -> new ArrayList<>()).add(s);
            }
            return new Facts(analysis, layers, scopes);
        }

        public List<LayerStats> layersAt(SourceLocation at) {
            return byDefinition.getOrDefault(key(at), List.of());
        }

        public List<ScopeStats> scopesAt(SourceLocation at) {
            return scopesBySite.getOrDefault(key(at), List.of());
        }
    }

    /** Locations compare by file path and position: the same text parsed twice gives equal keys. */
    public static String key(SourceLocation at) {
        return at.path() + ":" + at.line() + ":" + at.column();
    }
}
