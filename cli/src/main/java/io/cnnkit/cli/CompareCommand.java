package io.cnnkit.cli;

import io.cnnkit.analyzer.Analysis;
import io.cnnkit.analyzer.report.Comparison;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "compare", mixinStandardHelpOptions = true,
        description = "Two networks side by side: totals, and differences per top-level module.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:compared", "2:a file or its shapes have errors"})
final class CompareCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "A", description = "the first .cnn file")
    Path first;

    @Parameters(index = "1", paramLabel = "B", description = "the second .cnn file")
    Path second;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "1", description = "batch size (default: ${DEFAULT-VALUE})")
    int batch;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        if (!AnalyzeCommand.Analyses.validOptions(err, batch, null)) {
            return ExitCode.INVALID_INPUT;
        }
        Optional<Analysis> a = AnalyzeCommand.Analyses.analyze(first, batch, err);
        Optional<Analysis> b = AnalyzeCommand.Analyses.analyze(second, batch, err);
        if (a.isEmpty() || b.isEmpty()) {
            return ExitCode.INVALID_INPUT;
        }
        PrintWriter out = spec.commandLine().getOut();
        out.print(Comparison.of(a.get(), b.get()).renderText());
        out.flush();
        return ExitCode.OK;
    }
}
