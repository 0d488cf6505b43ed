package io.cnnkit.cli;

import io.cnnkit.analyzer.Analysis;
import io.cnnkit.exec.io.Weights;
import io.cnnkit.exec.io.WeightsException;
import io.cnnkit.onnx.ExportOptions;
import io.cnnkit.onnx.ExportRefusedException;
import io.cnnkit.onnx.OnnxException;
import io.cnnkit.onnx.OnnxExporter;
import io.cnnkit.onnx.proto.Onnx.ModelProto;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Write a network and its weights as an ONNX model.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:written", "1:the output file could not be written",
                "2:invalid network, weights or options"})
final class ExportCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL", description = "the .cnn file")
    Path model;

    @ArgGroup(exclusive = true)
    WeightSource source = new WeightSource();

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "MODEL.onnx", description = "the ONNX file to write")
    Path output;

    @Option(names = "--opset", paramLabel = "N", defaultValue = "" + ExportOptions.DEFAULT_OPSET,
            description = "ONNX operator set version, " + ExportOptions.MIN_OPSET + " to " + ExportOptions.MAX_OPSET
                    + " (default: ${DEFAULT-VALUE})")
    int opset;

    @Option(names = "--batch", paramLabel = "N|dynamic", defaultValue = "dynamic",
            description = "a fixed batch size, or 'dynamic' for a symbolic batch dimension (default: ${DEFAULT-VALUE})")
    String batch;

    @Option(names = "--aux-outputs", description = "also export auxiliary (training-only) heads as outputs")
    boolean auxOutputs;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        Optional<ExportOptions> options = options(err);
        if (options.isEmpty() || !Outputs.usable(output, "export", err, model, source.weights)) {
            return ExitCode.INVALID_INPUT;
        }
        Optional<Analysis> analysis = Sources.analysis(model, 1, err);
        if (analysis.isEmpty()) {
            return ExitCode.INVALID_INPUT;
        }
        ModelProto onnx;
        try {
            Weights weights = source.load(analysis.get(), err, "give --weights for trained ones");
            onnx = OnnxExporter.export(analysis.get().graph(), analysis.get(), weights.asMap(), options.get());
        } catch (ExportRefusedException e) {
            e.diagnostics().forEach(d -> err.println(d.render()));
            return fail(err, "nothing written: " + e.diagnostics().size() + " layer"
                    + (e.diagnostics().size() == 1 ? "" : "s") + " cannot be exported to ONNX", ExitCode.INVALID_INPUT);
        } catch (WeightsException | OnnxException e) {
            return fail(err, e.getMessage(), ExitCode.INVALID_INPUT);
        }
        try {
            OnnxExporter.write(onnx, output);
        } catch (WeightsException e) {
            return fail(err, e.getMessage(), ExitCode.FAILURE);
        }
        err.println("wrote " + output + " (opset " + opset + ", " + onnx.getGraph().getNodeCount() + " nodes, "
                + onnx.getGraph().getInitializerCount() + " initializers)");
        err.flush();
        return ExitCode.OK;
    }

    private Optional<ExportOptions> options(PrintWriter err) {
        OptionalInt fixed = OptionalInt.empty();
        if (!batch.equals("dynamic")) {
            try {
                fixed = OptionalInt.of(Integer.parseInt(batch));
            } catch (NumberFormatException e) {
                fail(err, "--batch takes a positive integer or 'dynamic', not '" + batch + "'", 0);
                return Optional.empty();
            }
        }
        try {
            return Optional.of(new ExportOptions(opset, fixed, auxOutputs));
        } catch (IllegalArgumentException e) {
            fail(err, e.getMessage(), 0);
            return Optional.empty();
        }
    }

    private static int fail(PrintWriter err, String message, int code) {
        err.println("cnn export: " + message);
        err.flush();
        return code;
    }
}
