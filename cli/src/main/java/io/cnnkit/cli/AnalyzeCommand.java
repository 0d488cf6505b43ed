package io.cnnkit.cli;

import io.cnnkit.analyzer.Analysis;
import io.cnnkit.analyzer.Analyzer;
import io.cnnkit.analyzer.report.CsvReport;
import io.cnnkit.analyzer.report.JsonReport;
import io.cnnkit.analyzer.report.MarkdownReport;
import io.cnnkit.analyzer.report.TextReport;
import io.cnnkit.compiler.Diagnostic;
import io.cnnkit.compiler.graph.NetworkGraph;
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

    @Option(names = "--batch", paramLabel = "N", defaultValue = "1", description = "batch size (default: ${DEFAULT-VALUE})")
    int batch;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        if (!Analyses.validOptions(err, batch, depth)) {
            return ExitCode.INVALID_INPUT;
        }
        Optional<Analysis> analysis = Analyses.analyze(file, batch, err);
        if (analysis.isEmpty()) {
            return ExitCode.INVALID_INPUT;
        }
        int rows = depth == null ? Integer.MAX_VALUE : depth;
        PrintWriter out = spec.commandLine().getOut();
        out.print(switch (format) {
            case table -> TextReport.render(analysis.get(), rows);
            case json -> JsonReport.render(analysis.get());
            case csv -> CsvReport.render(analysis.get(), rows);
            case markdown -> MarkdownReport.render(analysis.get(), rows);
        });
        out.flush();
        return ExitCode.OK;
    }

    /** Compile-and-analyse shared by the analysing commands. */
    static final class Analyses {
        private Analyses() {
        }

        /** False, after saying why on the error stream, when an option is out of range. */
        static boolean validOptions(PrintWriter err, int batch, Integer depth) {
            String problem = batch < 1 ? "--batch must be at least 1, got " + batch
                    : depth != null && depth < 0 ? "--depth must be at least 0, got " + depth : null;
            if (problem != null) {
                err.println("cnn: " + problem);
                err.flush();
            }
            return problem == null;
        }

        /** The analysis, or empty after printing why there is none; warnings are printed either way. */
        static Optional<Analysis> analyze(Path file, int batch, PrintWriter err) {
            Optional<NetworkGraph> graph = Sources.graph(file, err);
            if (graph.isEmpty()) {
                return Optional.empty();
            }
            Analysis analysis = Analyzer.analyze(graph.get(), batch);
            for (Diagnostic d : analysis.diagnostics()) {
                err.println(d.render());
            }
            if (analysis.hasErrors()) {
                long errors = analysis.diagnostics().stream().filter(Diagnostic::isError).count();
                err.println(file + ": " + Sources.plural(errors, "error") + " in the shapes; no report written");
            }
            err.flush();
            return analysis.hasErrors() ? Optional.empty() : Optional.of(analysis);
        }
    }
}
