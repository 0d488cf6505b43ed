package io.cnnkit.cli;

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

    static String summary(Compilation c) {
        int errors = c.errors().size();
        int warnings = c.warnings().size();
        return plural(errors, "error") + ", " + plural(warnings, "warning");
    }

    static String plural(long n, String word) {
        return n + " " + word + (n == 1 ? "" : "s");
    }
}
