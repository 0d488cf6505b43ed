package io.cnnkit.cli;

import io.cnnkit.analyzer.Analysis;
import io.cnnkit.diagram.DiagramModel;
import io.cnnkit.diagram.DiagramOptions;
import io.cnnkit.diagram.DotWriter;
import io.cnnkit.diagram.GraphvizRenderer;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "render", mixinStandardHelpOptions = true,
        description = {"Draw the network as SVG, PNG or DOT (by the output file's extension).",
                "Layout by Graphviz in the bundled V8 JavaScript engine; no system Graphviz needed."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:written", "1:the diagram could not be drawn or written", "2:invalid input or options"})
final class RenderCommand implements Callable<Integer> {
    enum Heat { macs, params, memory }

    @Parameters(paramLabel = "FILE", description = "the .cnn file")
    Path file;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT",
            description = "the diagram to write: OUT.svg, OUT.png or OUT.dot")
    Path output;

    @Option(names = "--depth", paramLabel = "N",
            description = "draw modules nested deeper than N as one node with subtotals (default: every layer)")
    Integer depth;

    @Option(names = "--rankdir", defaultValue = "TB", paramLabel = "TB|LR",
            description = "layout direction: TB (top to bottom) or LR (default: ${DEFAULT-VALUE})")
    DiagramOptions.RankDir rankDir;

    @Option(names = "--heat", paramLabel = "macs|params|memory",
            description = "colour nodes by cost (MACs, parameters or activation memory) with a legend")
    Heat heat;

    @Option(names = "--no-shapes", description = "leave the tensor shapes off the edges")
    boolean noShapes;

    @CommandLine.Mixin
    AnalysisOptions options;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        String extension = extension(output);
        if (!extension.equals("svg") && !extension.equals("png") && !extension.equals("dot")) {
            err.println("cnn render: the output file must end in .svg, .png or .dot, got " + output);
            err.flush();
            return ExitCode.INVALID_INPUT;
        }
        if (!Outputs.usable(output, "render", err, file)) {
            return ExitCode.INVALID_INPUT;
        }
        Optional<Analysis> analysis = options.validThenAnalyze(file, err, depth);
        if (analysis.isEmpty()) {
            return ExitCode.INVALID_INPUT;
        }
        DiagramOptions diagram = new DiagramOptions(depth == null ? Integer.MAX_VALUE : depth, rankDir,
                Optional.ofNullable(heat).map(h -> DiagramOptions.Heat.valueOf(h.name().toUpperCase(Locale.ROOT))),
                !noShapes);
        String dot = DotWriter.write(DiagramModel.of(analysis.get(), diagram), diagram);
        return Outputs.write(output, spec, () -> switch (extension) {
            case "svg" -> GraphvizRenderer.svg(dot).getBytes(StandardCharsets.UTF_8);
            case "png" -> GraphvizRenderer.png(dot);
            default -> dot.getBytes(StandardCharsets.UTF_8);
        });
    }

    private static String extension(Path path) {
        String name = path.getFileName() == null ? "" : path.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    }
}
