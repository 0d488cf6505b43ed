package io.cnnkit.analyzer.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cnnkit.analyzer.Analysis;
import io.cnnkit.analyzer.Analyzer;
import io.cnnkit.compiler.CnnCompiler;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** The benchmark's graphs are what they claim to be. */
class AnalyzerBenchmarkGraphsTest {

    @Test
    void resnet152MatchesTorchvision() {
        Analysis a = Analyzer.analyze(CnnCompiler.compileString("resnet152.cnn", AnalyzerBenchmark.RESNET152)
                .graphOrThrow(), 1);
        assertTrue(a.diagnostics().isEmpty(), a.diagnostics().toString());
        // torchvision resnet152: 60,192,808 parameters, "GFLOPS" 11.51
        assertEquals(60_192_808L, a.inferenceTotals().parameters());
        assertEquals("11.51", String.format(Locale.ROOT, "%.2f", a.inferenceTotals().macs() / 1e9));
    }

    @Test
    void generatedGraphHasTenThousandLayers() {
        Analysis a = Analyzer.analyze(AnalyzerBenchmark.generated(10_000), 1);
        assertEquals(10_000, a.layers().size());
        assertTrue(a.diagnostics().isEmpty(), a.diagnostics().toString());
    }
}
