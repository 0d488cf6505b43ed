package io.cnnkit.cli;

import io.cnnkit.analyzer.Analysis;
import io.cnnkit.analyzer.Analyzer;
import io.cnnkit.compiler.CnnCompiler;
import io.cnnkit.compiler.Compilation;
import io.cnnkit.compiler.Diagnostic;
import io.cnnkit.compiler.DiagnosticRenderer;
import io.cnnkit.compiler.graph.NetworkGraph;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Compiles (and analyses) a source for a command and prints its diagnostics to the error stream. */
public final class Sources {
    /** Set by the launcher when the error stream is a terminal (the JVM cannot tell for stderr). */
    static final String TTY_PROPERTY = "cnnkit.stderr.tty";

    private Sources() {
    }

    /** A source compiled and, when that succeeded, analysed: every diagnostic of both steps. */
    record Checked(Compilation compilation, Optional<Analysis> analysis, List<Diagnostic> diagnostics) {

        boolean hasErrors() {
            return diagnostics.stream().anyMatch(Diagnostic::isError);
        }

        long count(boolean errors) {
            return diagnostics.stream().filter(d -> d.isError() == errors).count();
        }
    }

    /** The full check: compile, then analyse at {@code batch} when there is a graph; prints nothing. */
    static Checked check(Path file, int batch) {
        Compilation compilation = CnnCompiler.compile(file);
        List<Diagnostic> all = new ArrayList<>(compilation.diagnostics());
        Optional<Analysis> analysis = compilation.graph().map(g -> Analyzer.analyze(g, batch));
        analysis.ifPresent(a -> all.addAll(a.diagnostics()));
        return new Checked(compilation, analysis, all);
    }

    /** How diagnostics look on the error stream: coloured on a terminal unless NO_COLOR is set. */
    static DiagnosticRenderer renderer() {
        String tty = System.getProperty(TTY_PROPERTY);
        return DiagnosticRenderer.forTerminal(tty != null ? Boolean.parseBoolean(tty) : System.console() != null);
    }

    static void print(List<Diagnostic> diagnostics, PrintWriter err) {
        DiagnosticRenderer renderer = renderer();
        for (Diagnostic d : diagnostics) {
            err.println(renderer.render(d));
        }
        err.flush();
    }

    static Compilation compile(Path file, PrintWriter err) {
        Compilation compilation = CnnCompiler.compile(file);
        print(compilation.diagnostics(), err);
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
    public static Optional<Analysis> analysis(Path file, int batch, PrintWriter err) {
        Optional<NetworkGraph> graph = graph(file, err);
        if (graph.isEmpty()) {
            return Optional.empty();
        }
        Analysis analysis = Analyzer.analyze(graph.get(), batch);
        print(analysis.diagnostics(), err);
        if (analysis.hasErrors()) {
            long errors = analysis.diagnostics().stream().filter(Diagnostic::isError).count();
            err.println(file + ": " + plural(errors, "error") + " in the shapes");
        }
        err.flush();
        return analysis.hasErrors() ? Optional.empty() : Optional.of(analysis);
    }

    static String summary(Compilation c) {
        return summary(c.errors().size(), c.warnings().size());
    }

    static String summary(long errors, long warnings) {
        return plural(errors, "error") + ", " + plural(warnings, "warning");
    }

    static String plural(long n, String word) {
        return n + " " + word + (n == 1 ? "" : "s");
    }
}
