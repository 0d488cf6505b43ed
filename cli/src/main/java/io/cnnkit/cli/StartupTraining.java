package io.cnnkit.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Runs what the quick commands do ({@code check}, {@code analyze} in every format, {@code graph},
 * {@code compare}, usage help, diagnostics with notes and fixes) in one JVM, output discarded. The
 * {@code ./cnn} launcher runs it under {@code -XX:ArchiveClassesAtExit} after a build, so that the
 * class-data-sharing archive holds every class those commands load.
 */
public final class StartupTraining {
    private StartupTraining() {
    }

    /** {@code args[0]}: the examples directory. */
    public static void main(String[] args) throws IOException {
        Path examples = Path.of(args.length > 0 ? args[0] : "examples");
        String net = examples.resolve("googlenet.cnn").toString();
        String resnet = examples.resolve("resnet18.cnn").toString();
        Path broken = Files.createTempFile("cnnkit-training", ".cnn");
        try {
            Files.writeString(broken, """
                    network Broken
                    input image: 3x32x32
                    a = image -> conv(8, 3, padding=1)
                    b = image -> conv(4, 3, pad=1)
                    c = add(a, b) -> dense(10) : 10
                    module m(c) {
                      out in -> conv(c, 3
                    output y = c
                    """, StandardCharsets.UTF_8);
            String[][] commands = {
                {"--help"}, {"--version"}, {"check", "--help"}, {"analyze", "--help"},
                {"check", net, resnet}, {"check", "--format", "json", net},
                {"check", broken.toString()}, {"check", "--format", "json", broken.toString()},
                {"analyze", net}, {"analyze", "--format", "json", resnet}, {"analyze", "--format", "csv", resnet},
                {"analyze", "--format", "markdown", "--depth", "1", resnet}, {"graph", resnet},
                {"graph", "--format", "json", resnet}, {"compare", net, resnet},
            };
            for (String[] command : commands) {
                PrintWriter sink = new PrintWriter(Writer.nullWriter());
                CnnCli.forArguments(command, sink, sink).execute(command);
            }
        } finally {
            Files.deleteIfExists(broken);
        }
    }
}
