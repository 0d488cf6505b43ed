package io.cnnkit.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code bench} as cnn.jar lists it: the command itself lives in the bench module (with ONNX
 * Runtime, kept out of cnn.jar), which the {@code ./cnn} launcher runs instead of this.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Latency next to ONNX Runtime on the same model and weights (docs/performance.md).")
final class BenchLauncherCommand implements Callable<Integer> {
    @Parameters(arity = "0..*", hidden = true)
    List<String> ignored;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().getErr().println("cnn bench: run it through the ./cnn launcher, which adds the bench module"
                + " and ONNX Runtime (not part of cnn.jar)");
        spec.commandLine().getErr().flush();
        return ExitCode.FAILURE;
    }
}
