package io.cnnkit.cli;

import io.cnnkit.analyzer.report.Comparison;
import io.cnnkit.diagram.RunCharts;
import io.cnnkit.diagram.RunLog;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine;

/** {@code cnn compare A B --runs a.jsonl b.jsonl -o OUT.html}: the comparison table over the two runs' overlaid curves. */
final class RunComparison {
    private RunComparison() {
    }

    static int write(Comparison comparison, List<Path> runs, Path output, CommandLine.Model.CommandSpec spec) {
        PrintWriter err = spec.commandLine().getErr();
        if (runs == null || output == null) {
            err.println("cnn compare: --runs A.jsonl B.jsonl and -o OUT.html go together");
            err.flush();
            return ExitCode.INVALID_INPUT;
        }
        if (!Outputs.usable(output, "compare", err, runs.get(0), runs.get(1))) {
            return ExitCode.INVALID_INPUT;
        }
        List<RunLog> logs;
        try {
            logs = runs.stream().map(RunLog::read).toList();
        } catch (IllegalArgumentException e) {
            err.println("cnn compare: " + e.getMessage());
            err.flush();
            return ExitCode.INVALID_INPUT;
        }
        String text = comparison.renderText();
        String page = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>"
                + escape(runs.get(0).getFileName() + " against " + runs.get(1).getFileName())
                + " \u2014 cnnkit compare</title>\n<style>body{font-family:system-ui,sans-serif;margin:16px;color:#343a40;"
                + "background:#f8f9fa}.card{background:#fff;border:1px solid #dee2e6;border-radius:8px;padding:12px 14px;"
                + "margin-bottom:16px}.run-charts{display:flex;flex-wrap:wrap;gap:8px 16px}figure{margin:0}"
                + "pre{font-size:12px;overflow-x:auto}.note{color:#868e96;font-size:13px}</style>\n</head>\n<body>\n"
                + RunCharts.section(logs) + "<section class=\"card\"><h2>The two networks</h2><pre>" + escape(text)
                + "</pre></section>\n</body>\n</html>\n";
        return Outputs.write(output, spec, () -> page.getBytes(StandardCharsets.UTF_8));
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
