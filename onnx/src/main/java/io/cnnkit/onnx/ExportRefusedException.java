package io.cnnkit.onnx;

import io.cnnkit.compiler.Diagnostic;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Layers that ONNX cannot state as cnnkit computes them, each a located error diagnostic. Export
 * refuses the whole network rather than write a model that computes something else.
 */
public final class ExportRefusedException extends OnnxException {
    private static final long serialVersionUID = 1L;
    private final transient List<Diagnostic> diagnostics;

    public ExportRefusedException(List<Diagnostic> diagnostics) {
        super(diagnostics.stream().map(Diagnostic::headline).collect(Collectors.joining("\n")));
        this.diagnostics = List.copyOf(diagnostics);
    }

    public List<Diagnostic> diagnostics() {
        return diagnostics;
    }
}
