package io.cnnkit.cli;

import io.cnnkit.analyzer.Analysis;
import io.cnnkit.analyzer.report.Comparison;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
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

    enum Format { table, json }

    @Option(names = "--format", defaultValue = "table", description = "table or json (default: ${DEFAULT-VALUE})")
    Format format;

    @Option(names = "--runs", arity = "2", paramLabel = "METRICS.jsonl",
            description = "the two networks' training runs (cnn train --metrics): their curves overlaid in -o OUT.html")
    List<Path> runs;

    @Option(names = {"-o", "--output"}, paramLabel = "OUT.html", description = "with --runs, the page to write")
    Path output;

    @CommandLine.Mixin
    AnalysisOptions options;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        if (!options.valid(err, null)) {
            return ExitCode.INVALID_INPUT;
        }
        Optional<Analysis> a = options.analyze(first, err);
        Optional<Analysis> b = options.analyze(second, err);
        if (a.isEmpty() || b.isEmpty()) {
            return ExitCode.INVALID_INPUT;
        }
        Comparison comparison = Comparison.of(a.get(), b.get());
        if (runs != null || output != null) {
            return RunComparison.write(comparison, runs, output, spec);
        }
        PrintWriter out = spec.commandLine().getOut();
        out.print(format == Format.json ? comparison.renderJson() : comparison.renderText());
        out.flush();
        return ExitCode.OK;
    }
}
