package io.cnnkit.compiler.parse;

import io.cnnkit.compiler.Diagnostic;
import io.cnnkit.compiler.DiagnosticCode;
import io.cnnkit.compiler.SourceFile;
import io.cnnkit.compiler.SourceLocation;
import io.cnnkit.compiler.ast.Ast;
import io.cnnkit.grammar.CnnBaseLexer;
import io.cnnkit.grammar.CnnBaseParser;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.CommonTokenStream;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.Token;

/** Turns one source file into an AST, or syntax diagnostics. The only door to ANTLR. */
public final class SourceParser {
    /** Brackets nested deeper than this are refused before parsing, so recursion stays bounded. */
    public static final int MAX_NESTING = 200;

    private SourceParser() {
    }

    public record Result(Optional<Ast.CompilationUnit> unit, List<Diagnostic> diagnostics) {
    }

    public static Result parse(SourceFile file, int maxErrors) {
        List<Diagnostic> diagnostics = new ArrayList<>();
        SyntaxErrorListener listener = new SyntaxErrorListener(file, diagnostics, maxErrors);
        CnnBaseLexer lexer = new CnnBaseLexer(CharStreams.fromString(file.text(), file.path()));
        lexer.removeErrorListeners();
        lexer.addErrorListener(listener);
        CommonTokenStream tokens = new CommonTokenStream(lexer);
        tokens.fill();
        Optional<Diagnostic> tooDeep = checkNesting(file, tokens.getTokens());
        if (tooDeep.isPresent()) {
            return new Result(Optional.empty(), List.of(tooDeep.get()));
        }
        CnnBaseParser parser = new CnnBaseParser(tokens);
        parser.removeErrorListeners();
        parser.addErrorListener(listener);
        CnnBaseParser.CompilationUnitContext tree = parser.compilationUnit();
        if (!diagnostics.isEmpty()) {
            return new Result(Optional.empty(), Recovery.rootErrors(file, tokens.getTokens(), statements(tree),
                    diagnostics));
        }
        AstBuilder builder = new AstBuilder(file, diagnostics);
        Ast.CompilationUnit unit = builder.build(tree);
        return new Result(diagnostics.isEmpty() ? Optional.of(unit) : Optional.empty(), diagnostics);
    }

    /** The statements the parser recognised (top level and in module bodies), even around errors. */
    private static List<Recovery.Span> statements(CnnBaseParser.CompilationUnitContext tree) {
        List<Recovery.Span> spans = new ArrayList<>();
        List<ParserRuleContext> items = new ArrayList<>(tree.topItem());
        for (CnnBaseParser.TopItemContext item : tree.topItem()) {
            if (item instanceof CnnBaseParser.ModuleItemContext m && m.moduleDecl() != null) {
                items.addAll(m.moduleDecl().moduleStmt());
            }
        }
        for (ParserRuleContext item : items) {
            Token start = item.getStart();
            Token stop = item.getStop();
            if (start != null && stop != null && item.exception == null && stop.getTokenIndex() >= start.getTokenIndex()) {
                spans.add(new Recovery.Span(start.getLine(), start.getCharPositionInLine() + 1, stop.getLine(),
                        stop.getCharPositionInLine() + 1));
            }
        }
        return spans;
    }

    private static Optional<Diagnostic> checkNesting(SourceFile file, List<Token> tokens) {
        int depth = 0;
        for (Token token : tokens) {
            switch (token.getType()) {
                case CnnBaseLexer.LPAREN, CnnBaseLexer.LBRACKET, CnnBaseLexer.LBRACE -> {
                    if (++depth > MAX_NESTING) {
                        return Optional.of(Diagnostic.error(DiagnosticCode.TOO_DEEP, location(file, token),
                                "brackets nested more than " + MAX_NESTING + " levels deep; expected a flatter structure"));
                    }
                }
                case CnnBaseLexer.RPAREN, CnnBaseLexer.RBRACKET, CnnBaseLexer.RBRACE -> depth = Math.max(0, depth - 1);
                default -> {
                }
            }
        }
        return Optional.empty();
    }

    static SourceLocation location(SourceFile file, Token token) {
        if (token.getType() == Token.EOF) {
            return endOfText(file);
        }
        int length = token.getType() == Token.EOF ? 1 : Math.max(1, token.getStopIndex() - token.getStartIndex() + 1);
        return new SourceLocation(file, token.getLine(), token.getCharPositionInLine() + 1, length);
    }

    /** Just after the last visible character, so "unexpected end of file" has a line to show. */
    private static SourceLocation endOfText(SourceFile file) {
        String text = file.text();
        int end = text.length();
        while (end > 0 && Character.isWhitespace(text.charAt(end - 1))) {
            end--;
        }
        int line = 1;
        int lineStart = 0;
        for (int i = 0; i < end; i++) {
            if (text.charAt(i) == '\n') {
                line++;
                lineStart = i + 1;
            }
        }
        return new SourceLocation(file, line, end - lineStart + 1, 1);
    }
}
