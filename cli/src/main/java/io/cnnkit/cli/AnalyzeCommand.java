package io.cnnkit.cli;

import io.cnnkit.analyzer.Analysis;
import io.cnnkit.analyzer.TrainingMemory;
import io.cnnkit.analyzer.report.CsvReport;
import io.cnnkit.analyzer.report.DiagnosticJson;
import io.cnnkit.analyzer.report.JsonReport;
import io.cnnkit.analyzer.report.MarkdownReport;
import io.cnnkit.analyzer.report.TextReport;
import io.cnnkit.analyzer.report.TrainingMemoryReport;
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

    /** A screen: the table format collapses modules by default until the layer table has at most this many rows. */
    static final int SCREEN_ROWS = 50;

    @Option(names = "--depth", paramLabel = "N",
            description = {"collapse module instances nested deeper than N into one row (default: for the table,",
                    "the deepest N that keeps it to " + SCREEN_ROWS + " rows; for the other formats, every layer)"})
    Integer depth;

    enum TrainOptimizer { sgd, momentum, adamw }

    @Option(names = "--train", arity = "0..1", fallbackValue = "momentum", paramLabel = "OPTIMIZER",
            description = "the training memory per layer and in total instead: kept activations, gradient peak,"
                    + " optimiser state and parameters, as cnn train holds them; OPTIMIZER sgd (no momentum),"
                    + " momentum (the default) or adamw; table or json")
    TrainOptimizer train;

    @CommandLine.Mixin
    AnalysisOptions options;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (train != null) {
            return training(out);
        }
        if (format == Format.json) {
            return json(out);
        }
        Optional<Analysis> analysis = options.validThenAnalyze(file, spec.commandLine().getErr(), depth);
        if (analysis.isEmpty()) {
            return ExitCode.INVALID_INPUT;
        }
        boolean fitted = depth == null && format == Format.table;
        int rows = fitted ? TextReport.depthToFit(analysis.get(), SCREEN_ROWS) : depth == null ? Integer.MAX_VALUE : depth;
        out.print(switch (format) {
            case table -> TextReport.render(analysis.get(), rows) + (fitted && rows != Integer.MAX_VALUE
                    ? (rows == 0 ? "Modules are" : "Modules nested deeper than " + rows + " are")
                    + " collapsed to keep the table to a screen; --depth N expands N levels, --depth "
                    + TextReport.deepestScope(analysis.get()) + " shows every layer.\n" : "");
            case json -> JsonReport.render(analysis.get());
            case csv -> CsvReport.render(analysis.get(), rows);
            case markdown -> MarkdownReport.render(analysis.get(), rows);
        });
        out.flush();
        return ExitCode.OK;
    }

    private int training(PrintWriter out) {
        PrintWriter err = spec.commandLine().getErr();
        if (format != Format.table && format != Format.json) {
            err.println("cnn analyze: --train prints a table or json, not " + format);
            return ExitCode.INVALID_INPUT;
        }
        Optional<Analysis> analysis = options.validThenAnalyze(file, err, depth);
        if (analysis.isEmpty()) {
            return ExitCode.INVALID_INPUT;
        }
        TrainingMemory memory = TrainingMemory.of(analysis.get(), train.ordinal());
        out.print(format == Format.json ? TrainingMemoryReport.json(memory) : TrainingMemoryReport.table(memory));
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
