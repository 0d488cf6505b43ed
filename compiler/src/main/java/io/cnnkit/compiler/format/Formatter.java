package io.cnnkit.compiler.format;

import io.cnnkit.compiler.CnnCompiler;
import io.cnnkit.compiler.Diagnostic;
import io.cnnkit.compiler.SourceFile;
import io.cnnkit.compiler.parse.SourceParser;
import io.cnnkit.grammar.CnnBaseLexer;
import io.cnnkit.grammar.CnnBaseParser;
import io.cnnkit.grammar.CnnBaseParser.*;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;
import java.util.List;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.CommonTokenStream;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.tree.ParseTree;
import org.antlr.v4.runtime.tree.TerminalNode;

/**
 * The canonical layout of a `.cnn` file. Only white space changes: the visible tokens and every
 * comment stay, in order. Statements start on their own line; a module body is indented by two;
 * a chain that does not fit in {@link #WIDTH} columns puts each {@code -> layer} on its own line,
 * indented by four; one empty line is kept where the source had one or more.
 */
public final class Formatter {
    public static final int WIDTH = 100;
    private static final int BODY_INDENT = 2;
    private static final int CHAIN_INDENT = 4;

    /** The formatted text, or the syntax errors that prevent formatting. */
    public record Result(String text, List<Diagnostic> errors) {
        public Result {
            errors = List.copyOf(errors);
        }

        public boolean ok() {
            return errors.isEmpty();
        }
    }

    private final CommonTokenStream tokens;
    /** Indexes of the tokens that start a statement, so that {@link #leading} starts a line there. */
    private final Set<Integer> statementStarts = new HashSet<>();

    private Formatter(CommonTokenStream tokens) {
        this.tokens = tokens;
    }

    public static Result format(SourceFile file) {
        SourceParser.Result checked = SourceParser.parse(file, CnnCompiler.MAX_ERRORS);
        List<Diagnostic> errors = checked.diagnostics().stream().filter(Diagnostic::isError).toList();
        if (checked.unit().isEmpty() || !errors.isEmpty()) {
            return new Result(null, errors.isEmpty() ? checked.diagnostics() : errors);
        }
        CnnBaseLexer lexer = new CnnBaseLexer(CharStreams.fromString(file.text(), file.path()));
        lexer.removeErrorListeners();
        CommonTokenStream tokens = new CommonTokenStream(lexer);
        CnnBaseParser parser = new CnnBaseParser(tokens);
        parser.removeErrorListeners();
        CompilationUnitContext tree = parser.compilationUnit();
        Doc doc = new Formatter(tokens).unit(tree);
        return new Result(Doc.print(doc, WIDTH), List.of());
    }

    public static Result format(String path, String text) {
        return format(new SourceFile(path, text));
    }

    // ---- structure ------------------------------------------------------------------------------

    private Doc unit(CompilationUnitContext ctx) {
        List<Doc> parts = new ArrayList<>();
        for (ParseTree child : ctx.children) {
            if (child instanceof ParserRuleContext rule) {
                statementStarts.add(rule.getStart().getTokenIndex());
            }
            if (child instanceof NetworkDeclContext n) {
                parts.add(words(n));
            } else if (child instanceof ImportDeclContext i) {
                parts.add(words(i));
            } else if (child instanceof TopItemContext item) {
                parts.add(topItem(item));
            } else if (child instanceof TerminalNode eof) {
                parts.add(leading(eof.getSymbol(), true));
            }
        }
        return new Doc.Cat(parts);
    }

    private Doc topItem(TopItemContext item) {
        if (item instanceof ModuleItemContext m) {
            return module(m.moduleDecl());
        }
        if (item instanceof InputItemContext in) {
            return Doc.cat(tok(in.INPUT()), Doc.text(" "), tok(in.IDENT()), tok(in.COLON()),
                    Doc.text(" "), tok(in.shape().getStart()));
        }
        if (item instanceof OutputItemContext out) {
            List<Doc> parts = new ArrayList<>();
            if (out.AUX() != null) {
                parts.add(tok(out.AUX()));
                parts.add(Doc.text(" "));
            }
            parts.add(tok(out.OUTPUT()));
            parts.add(Doc.text(" "));
            parts.add(tok(out.IDENT()));
            if (out.chain() != null) {
                parts.add(Doc.text(" "));
                parts.add(tok(out.ASSIGN()));
                parts.add(Doc.text(" "));
                parts.add(chain(out.chain()));
            }
            return new Doc.Cat(parts);
        }
        if (item instanceof LetItemContext let) {
            return let(let.LET(), let.IDENT(), let.ASSIGN(), let.expr());
        }
        ValueItemContext v = (ValueItemContext) item;
        return assignment(v.IDENT(), v.ASSIGN(), v.chain());
    }

    private Doc assignment(TerminalNode name, TerminalNode assign, ChainContext chain) {
        return Doc.cat(tok(name), Doc.text(" "), tok(assign), Doc.text(" "), chain(chain));
    }

    private Doc let(TerminalNode let, TerminalNode name, TerminalNode assign, ExprContext value) {
        return Doc.cat(tok(let), Doc.text(" "), tok(name), Doc.text(" "), tok(assign), Doc.text(" "), expr(value));
    }

    private Doc module(ModuleDeclContext ctx) {
        List<Doc> header = new ArrayList<>(List.of(tok(ctx.MODULE()), Doc.text(" "), tok(ctx.IDENT()),
                tok(ctx.LPAREN())));
        List<Doc> params = new ArrayList<>();
        for (ParamContext p : ctx.param()) {
            params.add(p.expr() == null ? tok(p.IDENT()) : Doc.cat(tok(p.IDENT()), tok(p.ASSIGN()), expr(p.expr())));
        }
        header.add(separated(params, ctx.COMMA(), CHAIN_INDENT));
        header.add(tok(ctx.RPAREN()));
        header.add(Doc.text(" "));
        header.add(tok(ctx.LBRACE()));
        List<Doc> body = new ArrayList<>();
        for (ModuleStmtContext stmt : ctx.moduleStmt()) {
            statementStarts.add(stmt.getStart().getTokenIndex());
            Doc inner = stmt instanceof ModuleValueContext v ? assignment(v.IDENT(), v.ASSIGN(), v.chain())
                    : stmt instanceof ModuleLetContext let ? let(let.LET(), let.IDENT(), let.ASSIGN(), let.expr())
                    : Doc.cat(tok(((ModuleOutContext) stmt).OUT()), Doc.text(" "), chain(((ModuleOutContext) stmt).chain()));
            body.add(inner);
        }
        body.add(leading(ctx.RBRACE().getSymbol(), true));
        return Doc.cat(new Doc.Cat(header), new Doc.Nest(BODY_INDENT, new Doc.Cat(body)), new Doc.Fresh(),
                text(ctx.RBRACE().getSymbol()));
    }

    /** {@code head -> layer -> ...}: one line when it fits, else one {@code -> layer} per line. */
    private Doc chain(ChainContext ctx) {
        List<Doc> steps = new ArrayList<>();
        List<TerminalNode> arrows = ctx.ARROW();
        for (int i = 0; i < ctx.layer().size(); i++) {
            steps.add(Doc.cat(Doc.line(), tok(arrows.get(i)), Doc.text(" "), layer(ctx.layer(i))));
        }
        return new Doc.Group(Doc.cat(head(ctx.head()), new Doc.Nest(CHAIN_INDENT, new Doc.Cat(steps))));
    }

    private Doc head(HeadContext ctx) {
        if (ctx instanceof ConditionalHeadContext c) {
            return new Doc.Group(Doc.cat(tok(c.IF()), Doc.text(" "), expr(c.expr()), Doc.text(" "),
                    tok(c.LBRACE(0)), new Doc.Nest(BODY_INDENT, Doc.cat(Doc.line(), chain(c.chain(0)))), Doc.line(),
                    tok(c.RBRACE(0)), Doc.text(" "), tok(c.ELSE()), Doc.text(" "), tok(c.LBRACE(1)),
                    new Doc.Nest(BODY_INDENT, Doc.cat(Doc.line(), chain(c.chain(1)))), Doc.line(), tok(c.RBRACE(1))));
        }
        if (ctx instanceof InHeadContext in) {
            return tok(in.IN());
        }
        if (ctx instanceof ReferenceHeadContext r) {
            return tok(r.IDENT());
        }
        return layer(((LayerHeadContext) ctx).layer());
    }

    private Doc layer(LayerContext ctx) {
        List<Doc> parts = new ArrayList<>();
        if (ctx.label() != null) {
            parts.add(tok(ctx.label().getStart()));
            parts.add(tok(ctx.COLON()));
            parts.add(Doc.text(" "));
        }
        parts.add(body(ctx.layerBody()));
        if (ctx.shapeAssertion() != null) {
            parts.add(Doc.text(" "));
            parts.add(tok(ctx.shapeAssertion().COLON()));
            parts.add(Doc.text(" "));
            parts.add(tok(ctx.shapeAssertion().shape().getStart()));
        }
        return new Doc.Cat(parts);
    }

    private Doc body(LayerBodyContext ctx) {
        if (ctx instanceof CallBodyContext c) {
            return call(c.call());
        }
        if (ctx instanceof GroupBodyContext g) {
            return bracketed(g.LBRACKET(), g.layer(), g.ARROW(), g.RBRACKET());
        }
        RepeatBodyContext r = (RepeatBodyContext) ctx;
        List<Doc> parts = new ArrayList<>(List.of(tok(r.REPEAT()), Doc.text(" "), expr(r.expr())));
        if (r.AS() != null) {
            parts.addAll(List.of(Doc.text(" "), tok(r.AS()), Doc.text(" "), tok(r.IDENT())));
        }
        parts.add(Doc.text(" "));
        if (r.repeatTarget() instanceof RepeatCallContext rc) {
            parts.add(call(rc.call()));
        } else {
            RepeatChainContext rc = (RepeatChainContext) r.repeatTarget();
            parts.add(bracketed(rc.LPAREN(), rc.layer(), rc.ARROW(), rc.RPAREN()));
        }
        return new Doc.Cat(parts);
    }

    /** {@code [a -> b]} or {@code (a -> b)}: flat, or one layer per line inside the brackets. */
    private Doc bracketed(TerminalNode open, List<LayerContext> layers, List<TerminalNode> arrows, TerminalNode close) {
        List<Doc> inner = new ArrayList<>(List.of(Doc.softLine(), layer(layers.get(0))));
        for (int i = 1; i < layers.size(); i++) {
            inner.add(Doc.cat(Doc.line(), tok(arrows.get(i - 1)), Doc.text(" "), layer(layers.get(i))));
        }
        return new Doc.Group(Doc.cat(tok(open), new Doc.Nest(BODY_INDENT, new Doc.Cat(inner)), Doc.softLine(),
                tok(close)));
    }

    private Doc call(CallContext ctx) {
        if (ctx.LPAREN() == null) {
            return tok(ctx.IDENT());
        }
        List<Doc> args = new ArrayList<>();
        for (ArgumentContext a : ctx.argument()) {
            args.add(a.IDENT() == null ? expr(a.expr()) : Doc.cat(tok(a.IDENT()), tok(a.ASSIGN()), expr(a.expr())));
        }
        return Doc.cat(tok(ctx.IDENT()), tok(ctx.LPAREN()), separated(args, ctx.COMMA(), CHAIN_INDENT),
                tok(ctx.RPAREN()));
    }

    /** Comma-separated items: on one line, or one per line when they do not fit. */
    private Doc separated(List<Doc> items, List<TerminalNode> commas, int indent) {
        if (items.isEmpty()) {
            return Doc.text("");
        }
        List<Doc> parts = new ArrayList<>(List.of(Doc.softLine(), items.get(0)));
        for (int i = 1; i < items.size(); i++) {
            parts.add(tok(commas.get(i - 1)));
            parts.add(Doc.line());
            parts.add(items.get(i));
        }
        return new Doc.Group(Doc.cat(new Doc.Nest(indent, new Doc.Cat(parts)), Doc.softLine()));
    }

    private Doc expr(ExprContext ctx) {
        if (ctx instanceof ParenExprContext p) {
            return Doc.cat(tok(p.LPAREN()), expr(p.expr()), tok(p.RPAREN()));
        }
        if (ctx instanceof TupleExprContext t) {
            return Doc.cat(tok(t.LPAREN()), commaList(t.expr(), t.COMMA()), tok(t.RPAREN()));
        }
        if (ctx instanceof FunctionExprContext f) {
            return Doc.cat(tok(f.IDENT()), tok(f.LPAREN()), commaList(f.expr(), f.COMMA()), tok(f.RPAREN()));
        }
        if (ctx instanceof UnaryExprContext u) {
            return Doc.cat(tok(u.op), expr(u.expr()));
        }
        if (ctx instanceof ConditionalExprContext c) {
            return Doc.cat(tok(c.IF()), Doc.text(" "), expr(c.expr(0)), Doc.text(" "), tok(c.THEN()), Doc.text(" "),
                    expr(c.expr(1)), Doc.text(" "), tok(c.ELSE()), Doc.text(" "), expr(c.expr(2)));
        }
        if (ctx.getChildCount() == 3 && ctx.getChild(1) instanceof TerminalNode op) {
            // binary: multiplicative, additive, relational, equality, and, or
            return Doc.cat(expr((ExprContext) ctx.getChild(0)), Doc.text(" "), tok(op.getSymbol()), Doc.text(" "),
                    expr((ExprContext) ctx.getChild(2)));
        }
        return tok(ctx.getStart()); // a literal or a name: one token
    }

    /** {@code a, b, c} on one line: the elements of a tuple or a function's arguments. */
    private Doc commaList(List<ExprContext> elements, List<TerminalNode> commas) {
        List<Doc> parts = new ArrayList<>(List.of(expr(elements.get(0))));
        for (int i = 1; i < elements.size(); i++) {
            parts.add(tok(commas.get(i - 1)));
            parts.add(Doc.text(" "));
            parts.add(expr(elements.get(i)));
        }
        return new Doc.Cat(parts);
    }

    /** Keywords and names separated by single spaces ({@code network X}, {@code import "f"}). */
    private Doc words(ParserRuleContext ctx) {
        List<Doc> parts = new ArrayList<>();
        for (int i = 0; i < ctx.getChildCount(); i++) {
            if (i > 0) {
                parts.add(Doc.text(" "));
            }
            parts.add(tok(((TerminalNode) ctx.getChild(i)).getSymbol()));
        }
        return new Doc.Cat(parts);
    }

    // ---- tokens and comments --------------------------------------------------------------------

    private Doc tok(TerminalNode node) {
        return tok(node.getSymbol());
    }

    /** A visible token with the comments written before it and those after it on its line. */
    private Doc tok(Token token) {
        return Doc.cat(leading(token, false), text(token), trailing(token));
    }

    /** The comments on the rest of the line of {@code token}; a line comment ends the line. */
    private Doc trailing(Token token) {
        List<Token> hidden = tokens.getHiddenTokensToRight(token.getTokenIndex());
        List<Doc> parts = new ArrayList<>();
        for (Token t : hidden == null ? List.<Token>of() : hidden) {
            if (t.getType() == CnnBaseLexer.WS) {
                if (t.getText().indexOf('\n') >= 0) {
                    break;
                }
                continue;
            }
            parts.add(Doc.text(" "));
            parts.add(text(t));
            if (t.getType() == CnnBaseLexer.LINE_COMMENT) {
                parts.add(new Doc.Fresh());
            }
        }
        return new Doc.Cat(parts);
    }

    private static Doc text(Token token) {
        return Doc.text(token.getText());
    }

    /**
     * The comments between the previous visible token and {@code token}. A comment on the line of
     * the previous token stays there; one on a line of its own keeps its own line, after an empty
     * line where the source had one. A token that starts a statement (or {@code lineAfter}: a
     * closing brace, the end of the file) starts a line, after an empty line where there was one.
     */
    private Doc leading(Token token, boolean lineAfter) {
        List<Token> hidden = tokens.getHiddenTokensToLeft(token.getTokenIndex());
        List<Doc> parts = new ArrayList<>();
        int newlines = 0;
        boolean any = false;
        boolean lineComment = false;
        boolean lineStarted = previousVisible(token) < 0;
        for (Token t : hidden == null ? List.<Token>of() : hidden) {
            if (t.getType() == CnnBaseLexer.WS) {
                newlines += count(t.getText(), '\n');
                lineStarted |= newlines > 0;
                continue;
            }
            if (!lineStarted) {
                continue; // on the previous token's line: printed by trailing()
            }
            boolean ownLine = newlines > 0 || !any;
            parts.add(ownLine ? (newlines > 1 ? new Doc.Blank() : new Doc.Fresh()) : Doc.text(" "));
            parts.add(text(t));
            lineComment = t.getType() == CnnBaseLexer.LINE_COMMENT;
            newlines = 0;
            any = true;
        }
        if (lineAfter || statementStarts.contains(token.getTokenIndex())) {
            boolean besideBlockComment = any && newlines == 0 && !lineComment;
            parts.add(besideBlockComment ? Doc.text(" ") : newlines > 1 ? new Doc.Blank() : new Doc.Fresh());
        } else if (any) {
            parts.add(lineComment || newlines > 0 ? new Doc.Fresh() : Doc.text(" "));
        }
        return new Doc.Cat(parts);
    }

    private int previousVisible(Token t) {
        if (t.getType() == Token.EOF && t.getTokenIndex() == 0) {
            return -1;
        }
        for (int i = t.getTokenIndex() - 1; i >= 0; i--) {
            if (tokens.get(i).getChannel() == Token.DEFAULT_CHANNEL) {
                return i;
            }
        }
        return -1;
    }

    private static int count(String s, char c) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == c) {
                n++;
            }
        }
        return n;
    }
}
