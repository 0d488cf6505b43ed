package io.cnnkit.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "completion", mixinStandardHelpOptions = true,
        description = {"Print a shell completion script for cnn (commands, options, enum values, files).",
                "bash: source <(cnn completion bash)    zsh: source <(cnn completion zsh)"})
final class CompletionCommand implements Callable<Integer> {
    enum Shell { bash, zsh }

    @Parameters(paramLabel = "SHELL", description = "bash or zsh")
    Shell shell;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        // picocli's script is for bash; under zsh it loads bashcompinit itself, so one script serves both
        String script = AutoComplete.bash("cnn", spec.root().commandLine());
        spec.commandLine().getOut().print(script);
        spec.commandLine().getOut().flush();
        return ExitCode.OK;
    }
}
