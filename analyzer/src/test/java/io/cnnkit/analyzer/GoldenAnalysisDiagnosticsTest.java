package io.cnnkit.analyzer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cnnkit.compiler.CnnCompiler;
import io.cnnkit.compiler.Compilation;
import io.cnnkit.compiler.Diagnostic;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Golden pairs of the shape analysis, as {@code cnn check} prints them: {@code <code>.cnn} in
 * {@code src/test/resources/diagnostics} compiles, and its analysis gives exactly {@code <code>.errors}
 * (messages, notes at related locations, fixes), its own code among them.
 */
class GoldenAnalysisDiagnosticsTest {
    private static final Path DIR = Path.of("src/test/resources/diagnostics");

    @TestFactory
    Stream<DynamicTest> everyGoldenPairMatches() throws IOException {
        try (Stream<Path> files = Files.list(DIR)) {
            return files.filter(p -> p.toString().endsWith(".cnn")).sorted().toList().stream()
                    .map(source -> DynamicTest.dynamicTest(source.getFileName().toString(), () -> {
                        String code = source.getFileName().toString().replace(".cnn", "");
                        Compilation compilation = CnnCompiler.compile(source);
                        List<Diagnostic> all = new ArrayList<>(compilation.diagnostics());
                        all.addAll(Analyzer.analyze(compilation.graphOrThrow(), 1).diagnostics());
                        assertTrue(all.stream().anyMatch(d -> d.code().equals(code)), code + " is not reported");
                        String rendered = all.stream().map(Diagnostic::render).map(t -> t.replace(DIR + "/", ""))
                                .collect(Collectors.joining("\n", "", "\n"));
                        assertEquals(Files.readString(DIR.resolve(code + ".errors"), StandardCharsets.UTF_8), rendered);
                    }));
        }
    }
}
