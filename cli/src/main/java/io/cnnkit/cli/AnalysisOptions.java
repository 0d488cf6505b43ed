package io.cnnkit.cli;

import io.cnnkit.analyzer.Analysis;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** The {@code --batch} option and compile-then-analyse, mixed into the analysing commands. */
final class AnalysisOptions {

    @CommandLine.Spec(CommandLine.Spec.Target.MIXEE)
    CommandLine.Model.CommandSpec command;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "1", description = "batch size (default: ${DEFAULT-VALUE})")
    int batch;

    /** False, after saying why on the error stream, when the batch or {@code depth} is out of range. */
    boolean valid(PrintWriter err, Integer depth) {
        String problem = batch < 1 ? "--batch must be at least 1, got " + batch
                : depth != null && depth < 0 ? "--depth must be at least 0, got " + depth : null;
        if (problem != null) {
            err.println(command.qualifiedName() + ": " + problem);
            err.flush();
        }
        return problem == null;
    }

    /** {@link #valid} then {@link #analyze}: the analysis, or empty after saying why there is none. */
    Optional<Analysis> validThenAnalyze(Path file, PrintWriter err, Integer depth) {
        return valid(err, depth) ? analyze(file, err) : Optional.empty();
    }

    /** The analysis, or empty after printing why there is none; warnings are printed either way. */
    Optional<Analysis> analyze(Path file, PrintWriter err) {
        return Sources.analysis(file, batch, err);
    }
}
