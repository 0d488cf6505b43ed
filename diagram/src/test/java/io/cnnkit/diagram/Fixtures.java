package io.cnnkit.diagram;

import static org.junit.jupiter.api.Assertions.assertFalse;

import io.cnnkit.analyzer.Analysis;
import io.cnnkit.analyzer.Analyzer;
import io.cnnkit.compiler.CnnCompiler;
import io.cnnkit.compiler.Compilation;
import io.cnnkit.compiler.Diagnostic;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.stream.Collectors;

/** Networks for the tests: this module's resources and the model zoo in {@code ../examples}. */
final class Fixtures {
    private Fixtures() {
    }

    static Path resource(String name) {
        try {
            return Path.of(Fixtures.class.getResource("/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static Path example(String name) {
        return Path.of("..", "examples", name);
    }

    static Analysis analyze(Path file) {
        Compilation c = CnnCompiler.compile(file);
        assertFalse(c.hasErrors(), () -> c.diagnostics().stream().map(Diagnostic::render).collect(Collectors.joining("\n")));
        Analysis analysis = Analyzer.analyze(c.graph().orElseThrow(), 1);
        assertFalse(analysis.hasErrors(), () -> analysis.diagnostics().toString());
        return analysis;
    }

    static String dot(Analysis analysis, DiagramOptions options) {
        return DotWriter.write(DiagramModel.of(analysis, options), options);
    }
}
