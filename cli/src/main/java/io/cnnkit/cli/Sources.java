package io.cnnkit.cli;

import io.cnnkit.analyzer.Analysis;
import io.cnnkit.analyzer.Analyzer;
import io.cnnkit.compiler.CnnCompiler;
import io.cnnkit.compiler.Compilation;
import io.cnnkit.compiler.Diagnostic;
import io.cnnkit.compiler.graph.NetworkGraph;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;

/** Compiles a source for a command and prints its diagnostics to the error stream. */
final class Sources {
    private Sources() {
    }

    static Compilation compile(Path file, PrintWriter err) {
        Compilation compilation = CnnCompiler.compile(file);
        for (Diagnostic d : compilation.diagnostics()) {
            err.println(d.render());
        }
        err.flush();
        return compilation;
    }

    /** The graph, or empty after printing why there is none. */
    static Optional<NetworkGraph> graph(Path file, PrintWriter err) {
        Compilation compilation = compile(file, err);
        if (compilation.hasErrors()) {
            err.println(summary(compilation));
            err.flush();
        }
        return compilation.graph();
    }

    /** Compiles and analyses at {@code batch}; empty after printing why; warnings are printed either way. */
    static Optional<Analysis> analysis(Path file, int batch, PrintWriter err) {
        Optional<NetworkGraph> graph = graph(file, err);
        if (graph.isEmpty()) {
            return Optional.empty();
        }
        Analysis analysis = Analyzer.analyze(graph.get(), batch);
        for (Diagnostic d : analysis.diagnostics()) {
            err.println(d.render());
        }
        if (analysis.hasErrors()) {
            long errors = analysis.diagnostics().stream().filter(Diagnostic::isError).count();
            err.println(file + ": " + plural(errors, "error") + " in the shapes");
        }
        err.flush();
        return analysis.hasErrors() ? Optional.empty() : Optional.of(analysis);
    }

    static String summary(Compilation c) {
        int errors = c.errors().size();
        int warnings = c.warnings().size();
        return plural(errors, "error") + ", " + plural(warnings, "warning");
    }

    static String plural(long n, String word) {
        return n + " " + word + (n == 1 ? "" : "s");
    }
}
