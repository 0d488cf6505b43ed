package io.cnnkit.cli;

import io.cnnkit.analyzer.Analysis;
import io.cnnkit.diagram.DiagramModel;
import io.cnnkit.diagram.DiagramOptions;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Optional;
import picocli.CommandLine.Option;

/** The diagram options that {@code render} and {@code report} share. */
final class DiagramArguments {
    enum Heat { macs, params, memory }

    @Option(names = "--depth", paramLabel = "N",
            description = {"draw modules nested deeper than N as one node with subtotals; 0 collapses every module",
                    "(default: every layer up to " + DiagramOptions.LEGIBLE_NODES + " nodes, else the deepest depth that fits)"})
    Integer depth;

    @Option(names = "--rankdir", defaultValue = "TB", paramLabel = "TB|LR",
            description = "layout direction: TB (top to bottom) or LR (default: ${DEFAULT-VALUE})")
    DiagramOptions.RankDir rankDir;

    @Option(names = "--heat", paramLabel = "macs|params|memory",
            description = "colour nodes by cost (MACs, parameters or activation memory) with a legend")
    Heat heat;

    @Option(names = "--no-shapes", description = "leave the tensor shapes off the edges")
    boolean noShapes;

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
