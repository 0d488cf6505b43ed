package io.cnnkit.cli;

import io.cnnkit.analyzer.Analysis;
import io.cnnkit.diagram.DiagramModel;
import io.cnnkit.diagram.DiagramOptions;
import io.cnnkit.diagram.DiagramRenderer;
import io.cnnkit.diagram.RunLog;
import io.cnnkit.diagram.HtmlReport;
import io.cnnkit.diagram.RunCharts;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Write one self-contained HTML page: diagram, layer table, totals, receptive fields.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:written", "1:the report could not be drawn or written", "2:invalid input or options"})
final class ReportCommand implements Callable<Integer> {

    @Parameters(paramLabel = "FILE", description = "the .cnn file")
    Path file;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT.html", description = "the page to write")
    Path output;

    @CommandLine.Mixin
    DiagramArguments diagramArguments;

    @CommandLine.Mixin
    AnalysisOptions options;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        if (!Outputs.usable(output, "report", err, file)) {
            return ExitCode.INVALID_INPUT;
        }
        Optional<Analysis> analysis = options.validThenAnalyze(file, err, diagramArguments.depth);
        if (analysis.isEmpty()) {
            return ExitCode.INVALID_INPUT;
        }
        Optional<RunLog> run;
        try {
            run = diagramArguments.run();
        } catch (IllegalArgumentException e) {
            err.println("cnn report: " + e.getMessage());
            err.flush();
            return ExitCode.INVALID_INPUT;
        }
        DiagramOptions diagram = diagramArguments.resolve(analysis.get(), "report", err);
        DiagramModel model = DiagramArguments.model(analysis.get(), diagram, run);
        return Outputs.write(output, spec, () ->
                HtmlReport.render(analysis.get(), DiagramRenderer.svg(model, diagram), diagram,
                        run.map(r -> RunCharts.section(java.util.List.of(r))).orElse("")).getBytes(StandardCharsets.UTF_8));
    }
}
