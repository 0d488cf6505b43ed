package io.cnnkit.cli;

import io.cnnkit.exec.io.AtomicFiles;
import io.cnnkit.exec.io.SafeTensors;
import io.cnnkit.exec.io.WeightsException;
import io.cnnkit.onnx.OnnxException;
import io.cnnkit.onnx.imports.OnnxImporter;
import io.cnnkit.onnx.imports.UnsupportedModelException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "import", mixinStandardHelpOptions = true,
        description = "Convert an ONNX model into a .cnn network and its weights (safetensors, PyTorch names).",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:written", "1:an output file could not be written",
                "2:invalid or unsupported ONNX model, or wrong usage"})
final class ImportCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL.onnx", description = "the ONNX model")
    Path model;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "MODEL.cnn", description = "the .cnn file to write")
    Path output;

    @Option(names = "--weights-out", paramLabel = "W.safetensors", description = "write the weights here")
    Path weightsOut;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        if (!Outputs.usable(output, "import", err, model, weightsOut)
                || weightsOut != null && !Outputs.usable(weightsOut, "import", err, model)) {
            return ExitCode.INVALID_INPUT;
        }
        OnnxImporter.Imported imported;
        try {
            imported = OnnxImporter.importModel(model, output.toString());
        } catch (OnnxException | UnsupportedModelException e) {
            err.println("cnn import: " + e.getMessage());
            err.flush();
            return ExitCode.INVALID_INPUT;
        }
        try {
            // the weights first: if they cannot be written, no .cnn without its weights is left behind
            if (weightsOut != null) {
                SafeTensors.write(weightsOut, imported.weights());
            }
            byte[] source = imported.source().getBytes(StandardCharsets.UTF_8);
            AtomicFiles.write(output, channel -> {
                ByteBuffer buffer = ByteBuffer.wrap(source);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
            });
        } catch (WeightsException | java.io.UncheckedIOException e) {
            err.println("cnn import: " + e.getMessage());
            err.flush();
            return ExitCode.FAILURE;
        }
        var totals = imported.analysis().inferenceTotals();
        err.printf(Locale.ROOT, "wrote %s: %,d layers, %,d parameters, %,d MACs%s%n", output, totals.layers(),
                totals.parameters(), totals.macs(), imported.structured() ? "" : " (flat: the node names do not form scopes)");
        if (weightsOut != null) {
            err.println("wrote " + weightsOut + ": " + imported.weights().size() + " tensors");
        } else if (!imported.weights().isEmpty()) {
            err.println("note: the weights were not written; give --weights-out W.safetensors to keep them");
        }
        err.flush();
        return ExitCode.OK;
    }
}
