package io.cnnkit.compiler.parse;

import io.cnnkit.compiler.Diagnostic;
import io.cnnkit.compiler.DiagnosticCode;
import io.cnnkit.compiler.SourceFile;
import io.cnnkit.compiler.SourceLocation;
import io.cnnkit.grammar.CnnBaseLexer;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.antlr.v4.runtime.BaseErrorListener;
import org.antlr.v4.runtime.Parser;
import org.antlr.v4.runtime.RecognitionException;
import org.antlr.v4.runtime.Recognizer;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.Vocabulary;
import org.antlr.v4.runtime.misc.IntervalSet;

/** Rewrites ANTLR's messages as "unexpected X; expected Y" with friendly token names. */
final class SyntaxErrorListener extends BaseErrorListener {
    private final SourceFile file;
    private final List<Diagnostic> diagnostics;
    private final int maxErrors;

    SyntaxErrorListener(SourceFile file, List<Diagnostic> diagnostics, int maxErrors) {
        this.file = file;
        this.diagnostics = diagnostics;
        this.maxErrors = maxErrors;
    }

    @Override
    public void syntaxError(Recognizer<?, ?> recognizer, Object offendingSymbol, int line, int charPositionInLine,
                            String msg, RecognitionException e) {
        if (diagnostics.size() >= maxErrors) {
            return;
        }
        if (!(offendingSymbol instanceof Token token) || !(recognizer instanceof Parser parser)) {
            diagnostics.add(Diagnostic.error(DiagnosticCode.SYNTAX, new SourceLocation(file, line, charPositionInLine + 1, 1),
                    "unexpected input"));
            return;
        }
        SourceLocation location = SourceParser.location(file, token);
        String message = describeUnexpected(token) + (endsStatement(parser, token)
                ? statementEnded(parser, token) : expectedClause(parser, e));
        // ANTLR reports the same spot again while recovering; once is enough.
        boolean repeat = diagnostics.stream().anyMatch(d -> d.location().line() == location.line()
                && d.location().column() == location.column());
        if (!repeat) {
            diagnostics.add(Diagnostic.error(DiagnosticCode.SYNTAX, location, message));
        }
    }

    /** True when the parser has just finished a statement on this line and wants the next one. */
    private static boolean endsStatement(Parser parser, Token token) {
        try {
            IntervalSet expected = parser.getExpectedTokens();
            Token previous = parser.getTokenStream().LT(-1);
            return expected.contains(CnnBaseLexer.OUTPUT) && expected.contains(CnnBaseLexer.MODULE)
                    && previous != null && previous.getLine() == token.getLine();
        } catch (RuntimeException e) {
            return false;
        }
    }

    /**
     * After a complete chain, on the same line: the chain goes on without '->'. A ':' just after
     * is a label with more than one name in it ({@code conv 1: conv(6, 5)}).
     */
    private static String statementEnded(Parser parser, Token token) {
        Token previous = parser.getTokenStream().LT(-1);
        String after = previous != null && previous.getType() != Token.EOF ? " after '" + previous.getText() + "'" : "";
        for (int ahead = 2; ahead <= 3; ahead++) {
            Token next = parser.getTokenStream().LT(ahead);
            if (next != null && next.getType() == CnnBaseLexer.COLON && next.getLine() == token.getLine()) {
                return after + "; expected '->' or a new statement (a label is one name before ':', as in"
                        + " 'conv1: conv(6, 5)')";
            }
        }
        return after + "; expected '->' to continue the chain, or a new statement";
    }

    private String describeUnexpected(Token token) {
        return switch (token.getType()) {
            case Token.EOF -> "unexpected end of file";
            case CnnBaseLexer.UNKNOWN_CHAR -> "unexpected character '" + token.getText() + "'";
            case CnnBaseLexer.UNTERMINATED_STRING -> "unterminated string";
            case CnnBaseLexer.UNTERMINATED_COMMENT -> "unterminated comment";
            case CnnBaseLexer.IDENT -> "unexpected name '" + token.getText() + "'";
            case CnnBaseLexer.INT, CnnBaseLexer.FLOAT -> "unexpected number " + token.getText();
            case CnnBaseLexer.SHAPE -> "unexpected shape " + token.getText();
            default -> "unexpected '" + token.getText() + "'";
        };
    }

    private static String expectedClause(Parser parser, RecognitionException e) {
        IntervalSet expected = new IntervalSet();
        try {
            // Either set alone can miss alternatives after a failed prediction; together they do not.
            expected.addAll(parser.getExpectedTokens());
            if (e != null && e.getExpectedTokens() != null) {
                expected.addAll(e.getExpectedTokens());
            }
        } catch (RuntimeException ignored) {
            return "";
        }
        if (expected == null || expected.isNil()) {
            return "";
        }
        Set<String> names = new LinkedHashSet<>();
        for (int type : expected.toList()) {
            if (type == CnnBaseLexer.UNKNOWN_CHAR || type == CnnBaseLexer.UNTERMINATED_STRING
                    || type == CnnBaseLexer.UNTERMINATED_COMMENT) {
                continue;
            }
            names.add(tokenName(type, parser.getVocabulary()));
        }
        if (names.isEmpty()) {
            return "";
        }
        List<String> list = new ArrayList<>(names);
        if (list.size() > 8) {
            return "; expected one of " + String.join(", ", list.subList(0, 8)) + ", …";
        }
        return list.size() == 1 ? "; expected " + list.get(0) : "; expected one of " + String.join(", ", list);
    }

    static String tokenName(int type, Vocabulary vocabulary) {
        return switch (type) {
            case Token.EOF -> "end of file";
            case CnnBaseLexer.IDENT -> "a name";
            case CnnBaseLexer.INT -> "an integer";
            case CnnBaseLexer.FLOAT -> "a number";
            case CnnBaseLexer.SHAPE -> "a shape such as 3x224x224";
            case CnnBaseLexer.STRING -> "a string";
            default -> {
                Vocabulary v = vocabulary != null ? vocabulary : CnnBaseLexer.VOCABULARY;
                String literal = v.getLiteralName(type);
                yield literal != null ? literal : v.getDisplayName(type);
            }
        };
    }
}
