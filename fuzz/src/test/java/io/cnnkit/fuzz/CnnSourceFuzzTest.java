package io.cnnkit.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.cnnkit.analyzer.Analysis;
import io.cnnkit.analyzer.Analyzer;
import io.cnnkit.compiler.CnnCompiler;
import io.cnnkit.compiler.Compilation;
import io.cnnkit.exec.io.MemoryCheck;
import io.cnnkit.exec.io.ParamRequirement;
import io.cnnkit.exec.io.Weights;
import io.cnnkit.exec.io.WeightsException;
import io.cnnkit.onnx.ExportOptions;
import io.cnnkit.onnx.OnnxException;
import io.cnnkit.onnx.OnnxExporter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.OptionalInt;

/**
 * Any text as a {@code .cnn} source, through what {@code cnn export} does: compile, analyse, seed
 * the weights, build the ONNX model. Diagnostics, a weights refusal or an export refusal are the
 * contract; any other exception is a finding.
 */
public class CnnSourceFuzzTest {
    /** Weights and activations a fuzzed network may allocate: larger ones are refused by MemoryCheck, which keeps runs fast. */
    private static final long HEAP_FOR_ONE_INPUT = 2L << 20;

    public static void fuzzerTestOneInput(byte[] data) {
        String text = new String(data, StandardCharsets.UTF_8);
        Compilation compilation = CnnCompiler.compileString("fuzz.cnn", text);
        if (compilation.graph().isEmpty()) {
            return;
        }
        Analysis analysis = Analyzer.analyze(compilation.graph().get(), 1);
        analysis.diagnostics().forEach(d -> d.render());
        if (analysis.hasErrors()) {
            return;
        }
        try {
            List<ParamRequirement> required = ParamRequirement.of(analysis);
            MemoryCheck.check(required, analysis.memoryPlan().arenaBytes(), HEAP_FOR_ONE_INPUT);
            Weights weights = Weights.initialize(required, 1);
            OnnxExporter.export(analysis.graph(), analysis, weights.asMap(),
                    new ExportOptions(ExportOptions.DEFAULT_OPSET, OptionalInt.empty(), false));
        } catch (WeightsException | OnnxException expected) {
            // a clear refusal is the contract
        }
    }

    @FuzzTest(maxDuration = "20s")
    void compileAnalyzeExport(byte[] data) {
        fuzzerTestOneInput(data);
    }
}
