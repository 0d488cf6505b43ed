package io.cnnkit.cli;

import io.cnnkit.analyzer.report.DiagnosticJson;
import io.cnnkit.compiler.Diagnostic;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "check", mixinStandardHelpOptions = true,
        description = {"Compile .cnn files and analyse their shapes: report every error and warning.",
                "Finds what analyze finds (merge shape mismatches, failed shape assertions, kernels larger than"
                        + " their input, dense fed a feature map) without printing a report."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:no errors", "2:at least one file has errors"})
final class CheckCommand implements Callable<Integer> {
    enum Format { text, json }

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "the .cnn files to check")
    List<Path> files;

    @Option(names = "--format", defaultValue = "text",
            description = "text (diagnostics on the error stream, a summary per file) or json (one document of"
                    + " diagnostic records on the output stream; default: ${DEFAULT-VALUE})")
    Format format;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        boolean failed = false;
        List<Diagnostic> all = new ArrayList<>();
        for (Path file : files) {
            Sources.Checked c = Sources.check(file, 1);
            failed |= c.hasErrors();
            all.addAll(c.diagnostics());
            if (format == Format.text) {
                Sources.print(c.diagnostics(), err);
                String what = c.compilation().graph().map(g -> g.size() == 0 ? "modules only"
                        : Sources.plural(g.size(), "layer") + ", " + Sources.plural(g.outputs().size(), "output"))
                        .orElse("failed");
                out.println(file + ": " + (c.hasErrors() ? "" : "ok, ") + what + " ("
                        + Sources.summary(c.count(true), c.count(false)) + ")");
            }
        }
        if (format == Format.json) {
            out.print(DiagnosticJson.render(all));
        }
        out.flush();
        return failed ? ExitCode.INVALID_INPUT : ExitCode.OK;
    }
}
