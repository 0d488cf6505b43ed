package io.cnnkit.lsp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cnnkit.compiler.op.Operators;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The VS Code grammar's list of built-in operators is the compiler's. */
class EditorGrammarTest {

    @Test
    void theTextMateGrammarHighlightsEveryBuiltInOperator() throws IOException {
        String grammar = Files.readString(Path.of("..", "editors", "vscode", "syntaxes", "cnn.tmLanguage.json"));
        Matcher m = Pattern.compile("\"support\\.function\\.builtin\\.cnn\",\\s*\"match\": \"\\\\\\\\b\\(([a-z0-9_|]+)\\)")
                .matcher(grammar);
        m.find();
        Set<String> highlighted = new TreeSet<>(Set.of(m.group(1).split("\\|")));
        Set<String> operators = new TreeSet<>();
        Operators.all().forEach(spec -> operators.add(spec.name()));
        assertEquals(operators, highlighted, "update editors/vscode/syntaxes/cnn.tmLanguage.json");
    }
}
