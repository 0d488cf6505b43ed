package io.cnnkit.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cnnkit.compiler.CnnCompiler;
import io.cnnkit.compiler.Compilation;
import io.cnnkit.compiler.Diagnostic;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Every file of the zoo compiles without errors or warnings. */
class ExamplesCompileTest {
    static final Path ZOO = Path.of(".");

    static Stream<Path> sources() throws IOException {
        return Files.list(ZOO).filter(p -> p.toString().endsWith(".cnn")).sorted();
    }

    @TestFactory
    Stream<DynamicTest> everyExampleCompilesClean() throws IOException {
        return sources().map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> {
            Compilation c = CnnCompiler.compile(file);
            assertEquals("", c.diagnostics().stream().map(Diagnostic::render).reduce("", String::concat));
            assertTrue(c.graph().isPresent());
        }));
    }

    /** Non-blank lines that are not only a comment. */
    static long codeLines(Path file) throws IOException {
        return Files.readAllLines(file).stream().map(String::strip)
                .filter(line -> !line.isEmpty() && !line.startsWith("//")).count();
    }

    @Test
    void googlenetIsConcise() throws IOException {
        long lines = codeLines(ZOO.resolve("googlenet.cnn"));
        assertTrue(lines <= 60, "googlenet.cnn has " + lines + " code lines; the bound is 60");
    }
}
