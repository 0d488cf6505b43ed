package io.cnnkit.cli;

import io.cnnkit.analyzer.Analysis;
import io.cnnkit.diagram.DiagramModel;
import io.cnnkit.diagram.DiagramOptions;
import io.cnnkit.diagram.RunLog;
import java.nio.file.Path;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Optional;
import picocli.CommandLine.Option;

/** The diagram options that {@code render} and {@code report} share. */
final class DiagramArguments {
    enum Heat { macs, params, memory, grad }

    @Option(names = "--depth", paramLabel = "N",
            description = {"draw modules nested deeper than N as one node with subtotals; 0 collapses every module",
                    "(default: every layer up to " + DiagramOptions.LEGIBLE_NODES + " nodes, else the deepest depth that fits)"})
    Integer depth;

    @Option(names = "--rankdir", defaultValue = "TB", paramLabel = "TB|LR",
            description = "layout direction: TB (top to bottom) or LR (default: ${DEFAULT-VALUE})")
    DiagramOptions.RankDir rankDir;

    @Option(names = "--heat", paramLabel = "macs|params|memory|grad",
            description = {"colour nodes by cost (MACs, parameters or activation memory) with a legend,",
                    "or by the weight gradient norm of the last statistics line of --run"})
    Heat heat;

    @Option(names = "--run", paramLabel = "METRICS.jsonl", description = "a training run (cnn train --metrics)")
    Path run;

    @Option(names = "--no-shapes", description = "leave the tensor shapes off the edges")
    boolean noShapes;

    /**
     * The run of {@code --run}, checked with {@code --heat grad}: empty without one.
     *
     * @throws IllegalArgumentException for an unreadable run or {@code --heat grad} without one
     */
    Optional<RunLog> run() {
        if (heat == Heat.grad && run == null) {
            throw new IllegalArgumentException("--heat grad colours by a training run's gradients: give --run METRICS.jsonl");
        }
        Optional<RunLog> log = Optional.ofNullable(run).map(RunLog::read);
        if (heat == Heat.grad && log.get().samples().isEmpty()) {
            throw new IllegalArgumentException(run + " has no per-layer statistics (cnn train --metrics with --stats-every)");
        }
        return log;
    }

    /** The diagram, with the run's last gradient norms when it has any. */
    static DiagramModel model(Analysis analysis, DiagramOptions options, Optional<RunLog> run) {
        DiagramModel model = DiagramModel.of(analysis, options);
        return run.map(r -> model.withGradients(r.lastGradNorms())).orElse(model);
    }

    /** The options for this network: an explicit depth as given, else one that keeps the diagram legible (said on stderr). */
    DiagramOptions resolve(Analysis analysis, String command, PrintWriter err) {
        DiagramOptions options = new DiagramOptions(depth == null ? Integer.MAX_VALUE : depth, rankDir,
                Optional.ofNullable(heat).map(h -> DiagramOptions.Heat.valueOf(h.name().toUpperCase(Locale.ROOT))),
                !noShapes);
        if (depth != null) {
            return options;
        }
        int fitting = DiagramModel.fittingDepth(analysis, options, DiagramOptions.LEGIBLE_NODES);
        if (fitting != Integer.MAX_VALUE) {
            err.println("cnn " + command + ": " + analysis.layers().size() + " layers, drawn at --depth " + fitting
                    + " to stay legible; --depth " + DiagramModel.fullDepth(analysis) + " draws every layer");
            err.flush();
        }
        return options.withDepth(fitting);
    }
}
