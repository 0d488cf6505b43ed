package io.cnnkit.cli;

import java.io.PrintWriter;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code cnn} command: one subcommand per job, all testable through {@link #newCommandLine}. */
@Command(name = "cnn", mixinStandardHelpOptions = true, versionProvider = CnnCli.Version.class,
        description = "Compile, analyse, draw, run and train convolutional networks written in .cnn.",
        footer = {"", "Shell completion: source <(cnn completion bash)  (or zsh)."},
        subcommands = {CheckCommand.class, GraphCommand.class, AnalyzeCommand.class, CompareCommand.class, RunCommand.class,
                RenderCommand.class, ReportCommand.class, ExportCommand.class, ImportCommand.class, FmtCommand.class,
                LspCommand.class, ServeCommand.class, BenchLauncherCommand.class, WeightsCommand.class,
                CompletionCommand.class, TrainCommand.class, EvalCommand.class, GradsCommand.class,
                CommandLine.HelpCommand.class})
public final class CnnCli implements Runnable {

    /** Subcommands that the process entry point may build alone (picocli reflects on each one it builds). */
    private static final Map<String, Class<?>> ALONE = Map.of("check", CheckCommand.class, "analyze",
            AnalyzeCommand.class, "graph", GraphCommand.class, "compare", CompareCommand.class);

    /** The same command without subcommands, for a process that runs only one of {@link #ALONE}. */
    @Command(name = "cnn", mixinStandardHelpOptions = true, versionProvider = CnnCli.Version.class)
    static final class Bare implements Runnable {
        @Override
        public void run() {
        }
    }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        System.exit(forArguments(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true))
                .execute(args));
    }

    /**
     * The command line a process runs {@code args} with: only the subcommand asked for when it is
     * one of {@link #ALONE}, since building the model of every subcommand costs a quick command
     * about a third of its start-up.
     */
    static CommandLine forArguments(String[] args, PrintWriter out, PrintWriter err) {
        Class<?> alone = args.length > 0 ? ALONE.get(args[0]) : null;
        return alone == null ? newCommandLine(out, err)
                : configure(new CommandLine(new Bare()).addSubcommand(args[0], alone), out, err);
    }

    /**
     * A command line writing to the given streams. Every error, picocli's own included, is one line
     * {@code cnn COMMAND: ...} (exit 2 for invalid usage); unexpected failures print no trace.
     */
    public static CommandLine newCommandLine(PrintWriter out, PrintWriter err) {
        return configure(new CommandLine(new CnnCli()), out, err);
    }

    private static CommandLine configure(CommandLine cli, PrintWriter out, PrintWriter err) {
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
