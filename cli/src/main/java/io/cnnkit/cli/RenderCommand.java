package io.cnnkit.cli;

import io.cnnkit.analyzer.Analysis;
import io.cnnkit.diagram.DiagramModel;
import io.cnnkit.diagram.DiagramOptions;
import io.cnnkit.diagram.DotWriter;
import io.cnnkit.diagram.DiagramRenderer;
import io.cnnkit.diagram.RunLog;
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
                "Laid out in the JVM by ELK's layered algorithm; text in DejaVu Sans (fonts-dejavu-core) when installed."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:written", "1:the diagram could not be drawn or written", "2:invalid input or options"})
final class RenderCommand implements Callable<Integer> {
    @Parameters(paramLabel = "FILE", description = "the .cnn file")
    Path file;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT",
            description = "the diagram to write: OUT.svg, OUT.png or OUT.dot")
    Path output;

    @Option(names = "--scale", paramLabel = "S", defaultValue = "2",
            description = "PNG pixels per diagram pixel (default: ${DEFAULT-VALUE}, sharp on high-density screens)")
    double scale;

    @CommandLine.Mixin
    DiagramArguments diagramArguments;

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
        if (!(scale > 0 && scale <= 16)) {
            err.println("cnn render: --scale must be more than 0 and at most 16, got " + scale);
            err.flush();
            return ExitCode.INVALID_INPUT;
        }
        Optional<Analysis> analysis = options.validThenAnalyze(file, err, diagramArguments.depth);
        if (analysis.isEmpty()) {
            return ExitCode.INVALID_INPUT;
        }
        Optional<RunLog> run;
        try {
            run = diagramArguments.run();
        } catch (IllegalArgumentException e) {
            err.println("cnn render: " + e.getMessage());
            err.flush();
            return ExitCode.INVALID_INPUT;
        }
        DiagramOptions diagram = diagramArguments.resolve(analysis.get(), "render", err);
        DiagramModel model = DiagramArguments.model(analysis.get(), diagram, run);
        return Outputs.write(output, spec, () -> switch (extension) {
            case "svg" -> DiagramRenderer.svg(model, diagram).getBytes(StandardCharsets.UTF_8);
            case "png" -> DiagramRenderer.png(model, diagram, scale);
            default -> DotWriter.write(model, diagram).getBytes(StandardCharsets.UTF_8);
        });
    }

    private static String extension(Path path) {
        String name = path.getFileName() == null ? "" : path.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    }
}
