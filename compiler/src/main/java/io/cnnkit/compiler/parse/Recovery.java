package io.cnnkit.compiler.parse;

import io.cnnkit.compiler.Diagnostic;
import io.cnnkit.compiler.DiagnosticCode;
import io.cnnkit.compiler.SourceFile;
import io.cnnkit.compiler.SourceLocation;
import io.cnnkit.grammar.CnnBaseLexer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import org.antlr.v4.runtime.Token;

/**
 * Keeps the root cause of each syntax mistake and drops what ANTLR reports while it recovers.
 * A bracket left open or closed twice explains every error after it, so when brackets do not
 * balance only that is reported, at the bracket itself. Otherwise one error per statement is
 * kept: a statement starts at a keyword that only starts statements ({@code input},
 * {@code output}, {@code module}, ...) or at {@code name =} first on its line. An error at the
 * start of the statement after a broken one is the parser still recovering, and is dropped too.
 */
final class Recovery {
    private Recovery() {
    }

    /** A statement the parser recognised, from its first to its last token. */
    record Span(int startLine, int startColumn, int stopLine, int stopColumn) {
    }

    static List<Diagnostic> rootErrors(SourceFile file, List<Token> tokens, List<Span> statements,
                                       List<Diagnostic> syntaxErrors) {
        List<Token> visible = tokens.stream().filter(t -> t.getChannel() == Token.DEFAULT_CHANNEL).toList();
        List<Diagnostic> brackets = unbalancedBrackets(file, visible, syntaxErrors);
        if (!brackets.isEmpty()) {
            return brackets;
        }
        List<Long> starts = new ArrayList<>();
        for (int i = 0; i < visible.size(); i++) {
            if (startsStatement(visible, i)) {
                starts.add(position(visible.get(i).getLine(), visible.get(i).getCharPositionInLine() + 1));
            }
        }
        List<Long> errorsAt = syntaxErrors.stream().map(d -> position(d.location().line(), d.location().column()))
                .toList();
        List<Diagnostic> kept = new ArrayList<>();
        int lastRegion = -1;
        long lastError = -1;
        for (Diagnostic d : syntaxErrors) {
            long at = position(d.location().line(), d.location().column());
            int region = region(starts, at);
            // An error at the very start of a statement, with no statement parsed cleanly since
            // the last error, is the parser still inside the broken statement: the same mistake.
            boolean spill = lastError >= 0 && starts.contains(at) && !cleanStatementBetween(statements, errorsAt,
                    lastError, at);
            if (!d.code().equals(DiagnosticCode.SYNTAX.id()) || region != lastRegion && !spill) {
                kept.add(d);
            }
            lastRegion = region;
            lastError = at;
        }
        return kept;
    }

    private static boolean startsStatement(List<Token> visible, int i) {
        Token t = visible.get(i);
        return switch (t.getType()) {
            case CnnBaseLexer.NETWORK, CnnBaseLexer.IMPORT, CnnBaseLexer.INPUT, CnnBaseLexer.OUTPUT, CnnBaseLexer.AUX,
                    CnnBaseLexer.MODULE, CnnBaseLexer.OUT, CnnBaseLexer.LET -> true;
            case CnnBaseLexer.IDENT -> i + 1 < visible.size() && visible.get(i + 1).getType() == CnnBaseLexer.ASSIGN
                    && (i == 0 || visible.get(i - 1).getLine() < t.getLine());
            default -> false;
        };
    }

    private static boolean cleanStatementBetween(List<Span> statements, List<Long> errorsAt, long after, long before) {
        for (Span s : statements) {
            long start = position(s.startLine(), s.startColumn());
            long stop = position(s.stopLine(), s.stopColumn());
            if (start > after && stop < before && errorsAt.stream().noneMatch(e -> e >= start && e <= stop)) {
                return true;
            }
        }
        return false;
    }

    /** How many statement starts lie at or before {@code at}. */
    private static int region(List<Long> starts, long at) {
        int count = 0;
        for (long start : starts) {
            if (start <= at) {
                count++;
            }
        }
        return count;
    }

    private static long position(int line, int column) {
        return (long) line << 32 | column;
    }

    /**
     * Each opening bracket never closed, reported where it opens, and each closing bracket that
     * closes nothing; a closing bracket of the wrong kind closes the innermost open one (one error).
     */
    private static List<Diagnostic> unbalancedBrackets(SourceFile file, List<Token> visible, List<Diagnostic> errors) {
        List<Diagnostic> found = new ArrayList<>();
        Deque<Token> open = new ArrayDeque<>();
        for (Token t : visible) {
            Optional<Character> opener = opener(t.getType());
            if (opener.isEmpty() && !isCloser(t.getType())) {
                continue;
            }
            if (opener.isPresent()) {
                open.push(t);
                continue;
            }
            char wanted = t.getText().charAt(0);
            if (open.isEmpty()) {
                found.add(Diagnostic.error(DiagnosticCode.SYNTAX, SourceParser.location(file, t),
                        "'" + wanted + "' closes nothing; expected it to match an opening '" + partner(wanted) + "'"));
                continue;
            }
            if (closes(open.peek(), wanted)) {
                open.pop();
                continue;
            }
            if (open.stream().anyMatch(o -> closes(o, wanted))) {
                List<Token> unclosed = new ArrayList<>();
                while (!closes(open.peek(), wanted)) {
                    unclosed.add(0, open.pop());
                }
                open.pop();
                found.add(unclosed(file, unclosed, errors));
            } else {
                Token inner = open.pop();
                found.add(Diagnostic.error(DiagnosticCode.SYNTAX, SourceParser.location(file, t), "'" + wanted
                        + "' does not match the '" + inner.getText() + "' at line " + inner.getLine() + ":"
                        + (inner.getCharPositionInLine() + 1) + "; expected '" + partner(inner.getText().charAt(0)) + "'")
                        .withFix("replace with '" + partner(inner.getText().charAt(0)) + "'",
                                SourceParser.location(file, t), String.valueOf(partner(inner.getText().charAt(0)))));
            }
        }
        if (!open.isEmpty()) {
            List<Token> remaining = new ArrayList<>(open);
            java.util.Collections.reverse(remaining);
            found.add(unclosed(file, remaining, errors));
        }
        found.sort(java.util.Comparator.comparingInt((Diagnostic d) -> d.location().line())
                .thenComparingInt(d -> d.location().column()));
        return found;
    }

    /**
     * "'{' is never closed" at the outermost of brackets left open together (one mistake), with a
     * note at each inner one and where the parser first found something that cannot be inside it.
     */
    private static Diagnostic unclosed(SourceFile file, List<Token> openers, List<Diagnostic> errors) {
        Token opener = openers.get(0);
        char close = partner(opener.getText().charAt(0));
        Diagnostic d = Diagnostic.error(DiagnosticCode.SYNTAX, SourceParser.location(file, opener),
                "'" + opener.getText() + "' is never closed; expected a matching '" + close + "'");
        for (Token inner : openers.subList(1, openers.size())) {
            d = d.withRelated(SourceParser.location(file, inner), "this '" + inner.getText() + "' is not closed either");
        }
        long at = position(opener.getLine(), opener.getCharPositionInLine() + 1);
        Diagnostic outer = d;
        return errors.stream()
                .filter(e -> position(e.location().line(), e.location().column()) > at)
                .findFirst()
                .map(e -> outer.withRelated(e.location(), "'" + close + "' expected before this"))
                .orElse(d);
    }

    private static Optional<Character> opener(int type) {
        return switch (type) {
            case CnnBaseLexer.LPAREN -> Optional.of('(');
            case CnnBaseLexer.LBRACKET -> Optional.of('[');
            case CnnBaseLexer.LBRACE -> Optional.of('{');
            default -> Optional.empty();
        };
    }

    private static boolean isCloser(int type) {
        return type == CnnBaseLexer.RPAREN || type == CnnBaseLexer.RBRACKET || type == CnnBaseLexer.RBRACE;
    }

    private static boolean closes(Token opener, char closer) {
        return partner(opener.getText().charAt(0)) == closer;
    }

    private static char partner(char bracket) {
        return switch (bracket) {
            case '(' -> ')';
            case ')' -> '(';
            case '[' -> ']';
            case ']' -> '[';
            case '{' -> '}';
            default -> '{';
        };
    }
}
