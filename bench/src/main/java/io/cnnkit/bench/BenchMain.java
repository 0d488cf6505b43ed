package io.cnnkit.bench;

import io.cnnkit.cli.CnnCli;
import java.io.PrintWriter;
import picocli.CommandLine;

/**
 * The {@code cnn} command with {@code bench} added. It lives apart from the CLI's own jar because
 * ONNX Runtime (the peer) brings 93 MB of native libraries; the {@code ./cnn} launcher runs this
 * class for {@code cnn bench}.
 */
public final class BenchMain {
    private BenchMain() {
    }

    public static void main(String[] args) {
        int code = newCommandLine(new PrintWriter(System.out, true), new PrintWriter(System.err, true)).execute(args);
        System.exit(code);
    }

    /** {@link CnnCli#newCommandLine} plus the {@code bench} subcommand, writing to the given streams. */
    public static CommandLine newCommandLine(PrintWriter out, PrintWriter err) {
        CommandLine cli = CnnCli.newCommandLine(out, err);
        cli.getCommandSpec().removeSubcommand("bench"); // cnn.jar's placeholder, which only points here
        cli.addSubcommand("bench", new BenchCommand());
        cli.getSubcommands().get("bench").setOut(out).setErr(err);
        return cli;
    }
}
