package io.cnnkit.compiler.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cnnkit.compiler.SourceFile;
import io.cnnkit.compiler.parse.SourceParser;
import io.cnnkit.grammar.CnnBaseLexer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.Token;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class FormatterTest {
    static final Path EXAMPLES = Path.of("..", "examples");

    static Stream<Path> examples() throws IOException {
        try (Stream<Path> files = Files.walk(EXAMPLES)) {
            return files.filter(p -> p.toString().endsWith(".cnn")).sorted().toList().stream();
        }
    }

    @ParameterizedTest
    @MethodSource("examples")
    void formattingAnExampleIsIdempotentAndKeepsTokensCommentsAndTheAst(Path file) throws IOException {
        String source = Files.readString(file);
        Formatter.Result once = Formatter.format(file.toString(), source);
        assertTrue(once.ok(), () -> file + ": " + once.errors());
        Formatter.Result twice = Formatter.format(file.toString(), once.text());
        assertTrue(twice.ok(), () -> file + " after formatting: " + twice.errors() + "\n" + once.text());
        assertEquals(once.text(), twice.text(), file + ": fmt(fmt(x)) differs from fmt(x)");
        assertEquals(tokens(source, Token.DEFAULT_CHANNEL), tokens(once.text(), Token.DEFAULT_CHANNEL), file.toString());
        assertEquals(comments(source), comments(once.text()), file + ": comments differ");
        assertEquals(ast(file, source), ast(file, once.text()), file + ": the AST changed");
        for (String line : once.text().split("\n")) {
            assertFalse(line.endsWith(" "), () -> file + ": trailing space in '" + line + "'");
        }
    }

    @Test
    void aLongChainWrapsToOneCallPerLine() {
        String chain = "network N input x: 3x64x64 y = x -> conv(64, 3, pad=1) -> relu -> conv(64, 3, pad=1) -> relu"
                + " -> maxpool(2) -> conv(128, 3, pad=1) -> relu output o = y -> flatten -> dense(10)";
        assertEquals("""
                network N
                input x: 3x64x64
                y = x
                    -> conv(64, 3, pad=1)
                    -> relu
                    -> conv(64, 3, pad=1)
                    -> relu
                    -> maxpool(2)
                    -> conv(128, 3, pad=1)
                    -> relu
                output o = y -> flatten -> dense(10)
                """, Formatter.format("n.cnn", chain).text());
    }

    @Test
    void letsFunctionsAndNumberedOrQuotedLabelsKeepTheirSpelling() {
        String source = "network N input x: 3x8x8 let w = max( 8,4 ) module m(c) { let h = min(c*2, 64) "
                + "out in -> [conv(h, 1) -> 3: relu] } output o = x -> \"block1-0\": m(w) -> 0: flatten";
        assertEquals("""
                network N
                input x: 3x8x8
                let w = max(8, 4)
                module m(c) {
                  let h = min(c * 2, 64)
                  out in -> [conv(h, 1) -> 3: relu]
                }
                output o = x -> "block1-0": m(w) -> 0: flatten
                """, Formatter.format("n.cnn", source).text());
    }

    @Test
    void commentsStayWhereTheyWereWrittenAndEmptyLinesCollapseToOne() {
        String source = """
                // header
                network   N


                /* block */ input x :3x8x8   // trailing
                module m(a, b=2) {
                  y = in -> conv(a, 1)
                     // inside
                     -> relu
                  out y
                }
                output o=x->m(4)->flatten // end
                // last
                """;
        assertEquals("""
                // header
                network N

                /* block */ input x: 3x8x8 // trailing
                module m(a, b=2) {
                  y = in
                      -> conv(a, 1)
                      // inside
                      -> relu
                  out y
                }
                output o = x -> m(4) -> flatten // end
                // last
                """, Formatter.format("n.cnn", source).text());
    }

    @Test
    void aSyntaxErrorIsReportedAndNothingIsFormatted() {
        Formatter.Result result = Formatter.format("bad.cnn", "network N\ninput x: 3x8x8\ny = x -> conv(\n");
        assertFalse(result.ok());
        assertEquals("bad.cnn", result.errors().get(0).location().path());
        assertEquals(null, result.text());
    }

    static List<String> tokens(String text, int channel) {
        CnnBaseLexer lexer = new CnnBaseLexer(CharStreams.fromString(text));
        return lexer.getAllTokens().stream().filter(t -> t.getChannel() == channel)
                .map(t -> t.getType() + ":" + t.getText()).toList();
    }

    static List<String> comments(String text) {
        return tokens(text, Token.HIDDEN_CHANNEL).stream().filter(t -> !t.startsWith(CnnBaseLexer.WS + ":")).toList();
    }

    /** The AST with positions taken out, so that only its structure and values are compared. */
    static String ast(Path file, String text) {
        return SourceParser.parse(new SourceFile(file.toString(), text), 50).unit().orElseThrow().toString()
                .replaceAll(":\\d+:\\d+", ":@");
    }
}
