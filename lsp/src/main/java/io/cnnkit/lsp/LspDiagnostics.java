package io.cnnkit.lsp;

import io.cnnkit.compiler.Diagnostic;
import io.cnnkit.compiler.Severity;
import io.cnnkit.compiler.SourceLocation;
import java.util.List;
import org.eclipse.lsp4j.DiagnosticRelatedInformation;
import org.eclipse.lsp4j.DiagnosticSeverity;

/**
 * The compiler's diagnostic records as LSP diagnostics. {@link #toLsp} is the one place that maps
 * their fields (location, severity, code, message, related locations); a record's fixes become
 * code actions in the server, which keeps the records that it published.
 */
final class LspDiagnostics {
    static final String SOURCE = "cnnkit";

    private LspDiagnostics() {
    }

    static org.eclipse.lsp4j.Diagnostic toLsp(Diagnostic d) {
        org.eclipse.lsp4j.Diagnostic lsp = new org.eclipse.lsp4j.Diagnostic(Positions.range(d.location()), d.message(),
                d.severity() == Severity.ERROR ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning, SOURCE, d.code());
        List<DiagnosticRelatedInformation> related = d.related().stream()
                .filter(r -> r.location() != SourceLocation.NONE)
                .map(r -> new DiagnosticRelatedInformation(Positions.location(r.location()), r.message())).toList();
        if (!related.isEmpty()) {
            lsp.setRelatedInformation(related);
        }
        return lsp;
    }

    /** Whether a diagnostic a client sends back is the one published from {@code published}. */
    static boolean same(org.eclipse.lsp4j.Diagnostic published, org.eclipse.lsp4j.Diagnostic fromClient) {
        return published.getRange().equals(fromClient.getRange()) && published.getMessage().equals(fromClient.getMessage())
                && published.getCode() != null && fromClient.getCode() != null
                && published.getCode().getLeft().equals(fromClient.getCode().getLeft());
    }
}
