package io.cnnkit.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"A live preview: the HTML report of FILE on http://127.0.0.1:PORT/, rebuilt whenever the file"
                + " is saved, with errors shown under their lines. Stop it with Ctrl-C."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"1:the port could not be opened", "2:invalid input or options"})
final class ServeCommand implements Callable<Integer> {

    @Parameters(paramLabel = "FILE", description = "the .cnn file")
    Path file;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "8731",
            description = "the port on 127.0.0.1, 0 for any free one (default: ${DEFAULT-VALUE})")
    int port;

    @CommandLine.Mixin
    AnalysisOptions options;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter err = spec.commandLine().getErr();
        if (!options.valid(err, null)) {
            return ExitCode.INVALID_INPUT;
        }
        if (!Files.isRegularFile(file)) {
            err.println("cnn serve: cannot read " + file + ": " + (Files.exists(file) ? "not a regular file" : "no such file"));
            err.flush();
            return ExitCode.INVALID_INPUT;
        }
        if (port < 0 || port > 65535) {
            err.println("cnn serve: --port must be between 0 and 65535, got " + port);
            err.flush();
            return ExitCode.INVALID_INPUT;
        }
        LivePreview preview;
        try {
            preview = new LivePreview(file.toAbsolutePath().normalize(), options.batch, port);
        } catch (IOException e) {
            err.println("cnn serve: cannot serve on 127.0.0.1:" + port + ": " + e.getMessage());
            err.flush();
            return ExitCode.FAILURE;
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println("cnn serve: " + file + " on " + preview.url() + " (Ctrl-C to stop)");
        out.flush();
        new CountDownLatch(1).await(); // serves until the process is stopped
        return ExitCode.OK;
    }
}
