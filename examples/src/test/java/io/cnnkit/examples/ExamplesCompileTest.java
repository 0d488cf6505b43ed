package io.cnnkit.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cnnkit.compiler.CnnCompiler;
import io.cnnkit.compiler.Compilation;
import io.cnnkit.compiler.Diagnostic;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every file of the zoo and of the teaching pairs compiles without errors or warnings. */
class ExamplesCompileTest {

    static List<Path> sources() throws IOException {
        try (Stream<Path> zoo = Files.list(Zoo.DIR); Stream<Path> teaching = Files.list(Zoo.DIR.resolve("teaching"))) {
            return Stream.concat(zoo, teaching).filter(p -> p.toString().endsWith(".cnn")).sorted().toList();
        }
    }

    @TestFactory
    Stream<DynamicTest> everyExampleCompilesClean() throws IOException {
        List<Path> files = sources();
        assertTrue(files.size() >= 20, "the zoo and teaching pairs are found: " + files);
        return files.stream().map(file -> DynamicTest.dynamicTest(Zoo.DIR.relativize(file).toString(), () -> {
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

    @ParameterizedTest(name = "{0} has at most {1} code lines")
    @CsvSource({"googlenet.cnn, 60", "resnet152.cnn, 40"})
    void concise(String file, int bound) throws IOException {
        long lines = codeLines(Zoo.DIR.resolve(file));
        assertTrue(lines <= bound, file + " has " + lines + " code lines; the bound is " + bound);
    }
}
