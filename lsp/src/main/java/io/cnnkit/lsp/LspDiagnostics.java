package io.cnnkit.lsp;

import io.cnnkit.compiler.Diagnostic;
import io.cnnkit.compiler.Severity;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.lsp4j.DiagnosticSeverity;
import org.eclipse.lsp4j.TextEdit;

/**
 * The compiler's diagnostic records as LSP diagnostics. {@link #toLsp} is the one place that maps
 * their fields, so that richer records (end positions, related locations, fix-its) plug in here.
 */
final class LspDiagnostics {
    static final String SOURCE = "cnnkit";
    private static final Pattern DID_YOU_MEAN = Pattern.compile("did you mean '([A-Za-z_][A-Za-z_0-9]*)'");
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z_0-9]*");

    private LspDiagnostics() {
    }

    static org.eclipse.lsp4j.Diagnostic toLsp(Diagnostic d) {
        return new org.eclipse.lsp4j.Diagnostic(Positions.range(d.location()), d.message(),
                d.severity() == Severity.ERROR ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning, SOURCE, d.code());
    }

    /** A fix for a published diagnostic: a title and the edit, made from the message's "did you mean". */
    record Fix(String title, TextEdit edit) {
    }

    /**
     * The fixes a published diagnostic carries. Today's records carry none as fields, so a "did you
     * mean 'x'" in the message becomes one when the diagnostic covers exactly one identifier in
     * {@code text}.
     */
    static List<Fix> fixes(org.eclipse.lsp4j.Diagnostic d, String text) {
        Matcher m = DID_YOU_MEAN.matcher(d.getMessage());
        if (!m.find()) {
            return List.of();
        }
        int start = Positions.offset(text, d.getRange().getStart());
        int end = Positions.offset(text, d.getRange().getEnd());
        String covered = text.substring(start, Math.max(start, end));
        if (!IDENTIFIER.matcher(covered).matches()) {
            return List.of();
        }
        return List.of(new Fix("Replace '" + covered + "' with '" + m.group(1) + "'",
                new TextEdit(d.getRange(), m.group(1))));
    }
}
