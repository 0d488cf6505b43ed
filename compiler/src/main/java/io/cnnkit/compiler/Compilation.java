package io.cnnkit.compiler;

import io.cnnkit.compiler.graph.NetworkGraph;
import java.util.List;
import java.util.Optional;

/** The outcome of compiling one file: the graph when there were no errors, and every diagnostic. */
public record Compilation(Optional<NetworkGraph> graph, List<Diagnostic> diagnostics) {

    public Compilation {
        diagnostics = List.copyOf(diagnostics);
    }

    public boolean hasErrors() {
        return diagnostics.stream().anyMatch(Diagnostic::isError);
    }

    public List<Diagnostic> errors() {
        return diagnostics.stream().filter(Diagnostic::isError).toList();
    }

    public List<Diagnostic> warnings() {
        return diagnostics.stream().filter(d -> !d.isError()).toList();
    }

    /** The graph, or a {@link CompilationException} carrying the diagnostics. */
    public NetworkGraph graphOrThrow() {
        return graph.orElseThrow(() -> new CompilationException(diagnostics));
    }
}
