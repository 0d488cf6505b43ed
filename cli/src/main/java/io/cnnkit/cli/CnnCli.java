package io.cnnkit.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code cnn} command: one subcommand per job, all testable through {@link #newCommandLine}. */
@Command(name = "cnn", mixinStandardHelpOptions = true, versionProvider = CnnCli.Version.class,
        description = "Compile, analyse, draw and run convolutional networks written in .cnn.",
        footer = {"", "Shell completion: source <(cnn completion bash)  (or zsh)."},
        subcommands = {CheckCommand.class, GraphCommand.class, AnalyzeCommand.class, CompareCommand.class, RunCommand.class,
                RenderCommand.class, ReportCommand.class, ExportCommand.class, ImportCommand.class, FmtCommand.class,
                LspCommand.class, ServeCommand.class, BenchLauncherCommand.class, WeightsCommand.class,
                CompletionCommand.class,
                CommandLine.HelpCommand.class})
public final class CnnCli implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        System.exit(newCommandLine(new PrintWriter(System.out, true), new PrintWriter(System.err, true)).execute(args));
    }

    /**
     * A command line writing to the given streams. Every error, picocli's own included, is one line
     * {@code cnn COMMAND: ...} (exit 2 for invalid usage); unexpected failures print no trace.
     */
    public static CommandLine newCommandLine(PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new CnnCli());
        cli.setOut(out);
        cli.setErr(err);
        cli.setParameterExceptionHandler((ex, args) -> {
            CommandLine command = ex.getCommandLine();
            PrintWriter to = command.getErr();
            String name = command.getCommandSpec().qualifiedName();
            to.println(name + ": " + ex.getMessage());
            CommandLine.UnmatchedArgumentException.printSuggestions(ex, to);
            to.println("Try '" + name + " --help' for usage.");
            to.flush();
            return ExitCode.INVALID_INPUT;
        });
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println(commandLine.getCommandSpec().qualifiedName() + ": internal error: " + e);
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
