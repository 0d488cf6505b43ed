package io.cnnkit.analyzer.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cnnkit.compiler.Diagnostic;
import io.cnnkit.compiler.SourceLocation;
import java.util.List;

/**
 * Diagnostics as JSON records (documented in {@code docs/report-schema.md}): file, range (1-based
 * lines and columns, end exclusive), severity, code, message, related locations and fixes. Written
 * by {@code cnn check --format json}, by {@code cnn analyze --format json} when there are errors,
 * and inside the analysis report.
 */
public final class DiagnosticJson {
    private DiagnosticJson() {
    }

    /** {@code {"schemaVersion": 1, "diagnostics": [...]}} followed by a newline. */
    public static String render(List<Diagnostic> diagnostics) {
        ObjectNode root = JsonReport.newObject();
        root.put("schemaVersion", JsonReport.SCHEMA_VERSION);
        addAll(root.putArray("diagnostics"), diagnostics);
        return JsonReport.write(root);
    }

    public static void addAll(ArrayNode array, List<Diagnostic> diagnostics) {
        diagnostics.forEach(d -> record(array.addObject(), d));
    }

    static void record(ObjectNode node, Diagnostic d) {
        locate(node, d.location());
        node.put("line", d.location().line()).put("column", d.location().column());
        node.put("severity", d.severity().label()).put("code", d.code()).put("message", d.message());
        ArrayNode related = node.putArray("related");
        for (Diagnostic.Related r : d.related()) {
            locate(related.addObject(), r.location()).put("message", r.message());
        }
        ArrayNode fixes = node.putArray("fixes");
        for (Diagnostic.Fix f : d.fixes()) {
            locate(fixes.addObject().put("title", f.title()), f.range()).put("replacement", f.replacement());
        }
    }

    private static ObjectNode locate(ObjectNode node, SourceLocation at) {
        node.put("file", at.path());
        ObjectNode range = node.putObject("range");
        range.putObject("start").put("line", at.line()).put("column", at.column());
        range.putObject("end").put("line", at.line()).put("column", at.endColumn());
        return node;
    }
}
