package io.cnnkit.compiler;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cnnkit.compiler.op.Operators;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The language reference documents every operator and every diagnostic code the compiler has. */
class LanguageDocTest {
    @Test
    void referenceCoversOperatorsAndCodes() throws Exception {
        String doc = Files.readString(Path.of("../docs/language.md"));
        for (Operators.Spec spec : Operators.all()) {
            assertTrue(doc.contains("`" + spec.name() + "`"), "docs/language.md lacks operator " + spec.name());
            for (String parameter : spec.parameters()) {
                assertTrue(doc.contains(parameter), "docs/language.md lacks " + spec.name() + "'s " + parameter);
            }
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
