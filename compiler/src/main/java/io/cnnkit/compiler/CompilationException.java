package io.cnnkit.compiler;

import java.util.List;
import java.util.stream.Collectors;

/** Thrown by APIs that return a result only when the source is free of errors. */
public final class CompilationException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient List<Diagnostic> diagnostics;

    public CompilationException(List<Diagnostic> diagnostics) {
        super(diagnostics.stream().filter(Diagnostic::isError).map(Diagnostic::headline)
                .collect(Collectors.joining("\n")));
        this.diagnostics = List.copyOf(diagnostics);
    }

    public List<Diagnostic> diagnostics() {
        return diagnostics;
    }
}
