package io.cnnkit.compiler;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cnnkit.compiler.op.Operators;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The language reference names every operator, links their table, and documents every diagnostic code. */
class LanguageDocTest {
    @Test
    void referenceCoversOperatorsAndCodes() throws Exception {
        String doc = Files.readString(Path.of("../docs/language.md"));
        // the parameters are in the generated docs/operators.md (OperatorDocsTest keeps it current)
        assertTrue(doc.contains("(operators.md)"), "docs/language.md must link the operator table");
        for (Operators.Spec spec : Operators.all()) {
            assertTrue(doc.contains("`" + spec.name()), "docs/language.md lacks operator " + spec.name());
        }
        for (DiagnosticCode code : DiagnosticCode.values()) {
            assertTrue(doc.contains("| `" + code.id() + "` |"), "docs/language.md lacks code " + code.id());
        }
    }

    @Test
    void generatedNetworksCompile() {
        assertTrue(CnnCompiler.compileString("f.cnn", CompileBenchmark.flatNetwork(1000)).graph().isPresent());
        assertTrue(CnnCompiler.compileString("r.cnn", CompileBenchmark.repeatedNetwork(10000)).graph().isPresent());
    }
}
