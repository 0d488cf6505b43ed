package io.cnnkit.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code cnn} command: one subcommand per job, all testable through {@link #newCommandLine}. */
@Command(name = "cnn", mixinStandardHelpOptions = true, versionProvider = CnnCli.Version.class,
        description = "Compile, analyse, draw and run convolutional networks written in .cnn.",
        footer = {"", "Latency next to ONNX Runtime: cnn bench MODEL.cnn (the ./cnn launcher; see docs/performance.md)."},
        subcommands = {CheckCommand.class, GraphCommand.class, AnalyzeCommand.class, CompareCommand.class, RunCommand.class,
                RenderCommand.class, ReportCommand.class, ExportCommand.class, ImportCommand.class, TrainCommand.class,
                EvalCommand.class,
                CommandLine.HelpCommand.class})
public final class CnnCli implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        int code = newCommandLine(new PrintWriter(System.out, true), new PrintWriter(System.err, true)).execute(args);
        System.exit(code);
    }

    /** A command line writing to the given streams; unexpected failures print one line, not a trace. */
    public static CommandLine newCommandLine(PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new CnnCli());
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("cnn: internal error: " + e);
            if (System.getenv("CNNKIT_DEBUG") != null) {
                e.printStackTrace(commandLine.getErr());
            }
            commandLine.getErr().flush();
            return ExitCode.FAILURE;
        });
        return cli;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = CnnCli.class.getPackage().getImplementationVersion();
            return new String[] {"cnnkit " + (version != null ? version : "0.1.0-SNAPSHOT")};
        }
    }
}
