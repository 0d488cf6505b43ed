package io.cnnkit.cli;

import io.cnnkit.compiler.Compilation;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "check", mixinStandardHelpOptions = true,
        description = "Compile .cnn files and report every error and warning.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:no errors", "2:at least one file has errors"})
final class CheckCommand implements Callable<Integer> {

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "the .cnn files to check")
    List<Path> files;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        boolean failed = false;
        for (Path file : files) {
            Compilation c = Sources.compile(file, err);
            failed |= c.hasErrors();
            String what = c.graph().map(g -> g.size() == 0 ? "modules only"
                    : Sources.plural(g.size(), "layer") + ", " + Sources.plural(g.outputs().size(), "output"))
                    .orElse("failed");
            out.println(file + ": " + (c.hasErrors() ? "" : "ok, ") + what + " (" + Sources.summary(c) + ")");
        }
        out.flush();
        return failed ? ExitCode.INVALID_INPUT : ExitCode.OK;
    }
}
