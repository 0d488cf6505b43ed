package io.cnnkit.cli;

import io.cnnkit.analyzer.Analysis;
import io.cnnkit.analyzer.report.CsvReport;
import io.cnnkit.analyzer.report.DiagnosticJson;
import io.cnnkit.analyzer.report.JsonReport;
import io.cnnkit.analyzer.report.MarkdownReport;
import io.cnnkit.analyzer.report.TextReport;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "analyze", mixinStandardHelpOptions = true,
        description = "Per-layer shapes, parameters, MACs/FLOPs, receptive fields and memory, with totals.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:analysed", "2:the file or its shapes have errors"})
final class AnalyzeCommand implements Callable<Integer> {
    enum Format { table, json, csv, markdown }

    @Parameters(paramLabel = "FILE", description = "the .cnn file")
    Path file;

    @Option(names = "--format", defaultValue = "table",
            description = "table, json, csv or markdown (default: ${DEFAULT-VALUE})")
    Format format;

    @Option(names = "--depth", paramLabel = "N",
            description = "collapse module instances nested deeper than N into one row (default: show all)")
    Integer depth;

    @CommandLine.Mixin
    AnalysisOptions options;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (format == Format.json) {
            return json(out);
        }
        Optional<Analysis> analysis = options.validThenAnalyze(file, spec.commandLine().getErr(), depth);
        if (analysis.isEmpty()) {
            return ExitCode.INVALID_INPUT;
        }
        int rows = depth == null ? Integer.MAX_VALUE : depth;
        out.print(switch (format) {
            case table -> TextReport.render(analysis.get(), rows);
            case json -> JsonReport.render(analysis.get());
            case csv -> CsvReport.render(analysis.get(), rows);
            case markdown -> MarkdownReport.render(analysis.get(), rows);
        });
        out.flush();
        return ExitCode.OK;
    }

    /** The JSON report, or on errors the diagnostic records (as cnn check --format json): tools always get JSON. */
    private int json(PrintWriter out) {
        PrintWriter err = spec.commandLine().getErr();
        if (!options.valid(err, depth)) {
            return ExitCode.INVALID_INPUT;
        }
        Sources.Checked checked = Sources.check(file, options.batch);
        Sources.print(checked.diagnostics(), err);
        if (checked.hasErrors()) {
            out.print(DiagnosticJson.render(checked.diagnostics()));
        } else {
            out.print(JsonReport.render(checked.analysis().orElseThrow()));
        }
        out.flush();
        return checked.hasErrors() ? ExitCode.INVALID_INPUT : ExitCode.OK;
    }
}
