package io.cnnkit.compiler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Golden pairs in {@code src/test/resources/diagnostics}: for every diagnostic code, a
 * {@code <code>.cnn} file and the exact rendered output in {@code <code>.errors}; more cases of a
 * code in {@code <code>-<case>.cnn} and {@code .errors}.
 */
class GoldenDiagnosticsTest {
    private static final Path DIR = Path.of("src/test/resources/diagnostics");

    @TestFactory
    Stream<DynamicTest> everyCodeHasAGoldenPair() {
        return Arrays.stream(DiagnosticCode.values()).map(code -> DynamicTest.dynamicTest(code.id(), () -> {
            Path source = DIR.resolve(code.id() + ".cnn");
            Path golden = DIR.resolve(code.id() + ".errors");
            assertTrue(Files.exists(source), "missing golden source " + source);
            assertTrue(Files.exists(golden), "missing golden output " + golden);
            Compilation compilation = CnnCompiler.compile(source);
            assertTrue(compilation.diagnostics().stream().anyMatch(d -> d.code().equals(code.id())),
                    code.id() + ".cnn does not produce its own code");
            assertEquals(read(golden), render(compilation));
        }));
    }

    /** Further pairs named {@code <code>-<case>.cnn} show one code's other messages (recovery, fixes). */
    @TestFactory
    Stream<DynamicTest> everyGoldenPairMatches() throws IOException {
        try (Stream<Path> files = Files.list(DIR)) {
            return files.filter(p -> p.toString().endsWith(".errors")).sorted().toList().stream()
                    .map(golden -> DynamicTest.dynamicTest(golden.getFileName().toString(), () -> {
                        String stem = golden.getFileName().toString().replace(".errors", "");
                        assertEquals(read(golden), render(CnnCompiler.compile(DIR.resolve(stem + ".cnn"))));
                    }));
        }
    }

    static String render(Compilation compilation) {
        return compilation.diagnostics().stream().map(Diagnostic::render)
                .map(text -> text.replace(DIR + "/", ""))
                .collect(Collectors.joining("\n", "", "\n"));
    }

    private static String read(Path path) throws IOException {
        return Files.readString(path, StandardCharsets.UTF_8);
    }
}
