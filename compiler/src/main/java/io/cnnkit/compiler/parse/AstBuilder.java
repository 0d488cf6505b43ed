package io.cnnkit.compiler.parse;

import io.cnnkit.compiler.Diagnostic;
import io.cnnkit.compiler.DiagnosticCode;
import io.cnnkit.compiler.SourceFile;
import io.cnnkit.compiler.SourceLocation;
import io.cnnkit.compiler.ast.Ast;
import io.cnnkit.compiler.ast.Ast.Expr;
import io.cnnkit.grammar.CnnBaseParser;
import io.cnnkit.grammar.CnnBaseParser.*;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.tree.TerminalNode;

/** Converts a parse tree (free of syntax errors) into immutable AST records. */
final class AstBuilder {
    private final SourceFile file;
    private final List<Diagnostic> diagnostics;

    AstBuilder(SourceFile file, List<Diagnostic> diagnostics) {
        this.file = file;
        this.diagnostics = diagnostics;
    }

    Ast.CompilationUnit build(CompilationUnitContext ctx) {
        Optional<Ast.Identifier> network = Optional.ofNullable(ctx.networkDecl()).map(n -> identifier(n.IDENT()));
        List<Ast.Import> imports = new ArrayList<>();
        for (ImportDeclContext imp : ctx.importDecl()) {
            imports.add(new Ast.Import(unquote(imp.STRING().getSymbol()), location(imp.STRING().getSymbol())));
        }
        List<Ast.ModuleDecl> modules = new ArrayList<>();
        List<Ast.Statement> statements = new ArrayList<>();
        for (TopItemContext item : ctx.topItem()) {
            if (item instanceof ModuleItemContext m) {
                modules.add(module(m.moduleDecl()));
            } else if (item instanceof InputItemContext in) {
                statements.add(new Ast.InputDecl(identifier(in.IDENT()), shape(in.shape()), location(in)));
            } else if (item instanceof OutputItemContext out) {
                statements.add(new Ast.OutputDecl(identifier(out.IDENT()),
                        Optional.ofNullable(out.chain()).map(this::chain), out.AUX() != null, location(out)));
            } else if (item instanceof ValueItemContext v) {
                statements.add(new Ast.ValueDecl(identifier(v.IDENT()), chain(v.chain()), location(v)));
            } else if (item instanceof LetItemContext let) {
                statements.add(new Ast.LetDecl(identifier(let.IDENT()), expr(let.expr()), location(let)));
            }
        }
        return new Ast.CompilationUnit(file, network, imports, modules, statements);
    }

    private Ast.ModuleDecl module(ModuleDeclContext ctx) {
        List<Ast.Param> params = new ArrayList<>();
        for (ParamContext p : ctx.param()) {
            params.add(new Ast.Param(identifier(p.IDENT()), Optional.ofNullable(p.expr()).map(this::expr)));
        }
        List<Ast.Statement> body = new ArrayList<>();
        for (ModuleStmtContext stmt : ctx.moduleStmt()) {
            if (stmt instanceof ModuleValueContext v) {
                body.add(new Ast.ValueDecl(identifier(v.IDENT()), chain(v.chain()), location(v)));
            } else if (stmt instanceof ModuleLetContext let) {
                body.add(new Ast.LetDecl(identifier(let.IDENT()), expr(let.expr()), location(let)));
            } else if (stmt instanceof ModuleOutContext o) {
                body.add(new Ast.OutDecl(chain(o.chain()), location(o)));
            }
        }
        return new Ast.ModuleDecl(identifier(ctx.IDENT()), params, body, location(ctx.IDENT().getSymbol()));
    }

    private Ast.Chain chain(ChainContext ctx) {
        List<Ast.LayerNode> steps = new ArrayList<>();
        for (LayerContext layer : ctx.layer()) {
            steps.add(layer(layer));
        }
        return new Ast.Chain(head(ctx.head()), steps, location(ctx));
    }

    private Ast.Head head(HeadContext ctx) {
        if (ctx instanceof ConditionalHeadContext c) {
            return new Ast.ConditionalHead(expr(c.expr()), chain(c.chain(0)), chain(c.chain(1)), location(c));
        }
        if (ctx instanceof InHeadContext in) {
            return new Ast.InHead(location(in));
        }
        if (ctx instanceof ReferenceHeadContext r) {
            return new Ast.ReferenceHead(identifier(r.IDENT()));
        }
        return new Ast.LayerHead(layer(((LayerHeadContext) ctx).layer()));
    }

    private Ast.LayerNode layer(LayerContext ctx) {
        Optional<Ast.Identifier> label = Optional.ofNullable(ctx.label()).map(this::label);
        Optional<Ast.ShapeLiteral> assertion = Optional.ofNullable(ctx.shapeAssertion()).map(a -> shape(a.shape()));
        return new Ast.LayerNode(label, body(ctx.layerBody()), assertion, location(ctx));
    }

    /** A label's name: a quoted label without its quotes. */
    private Ast.Identifier label(LabelContext ctx) {
        Token token = ctx.getStart();
        String name = ctx.STRING() != null ? unquote(token) : token.getText();
        return new Ast.Identifier(name, location(token));
    }

    private Ast.Body body(LayerBodyContext ctx) {
        if (ctx instanceof CallBodyContext c) {
            return new Ast.CallBody(call(c.call()));
        }
        if (ctx instanceof GroupBodyContext g) {
            return new Ast.GroupBody(layers(g.layer()), location(g));
        }
        RepeatBodyContext r = (RepeatBodyContext) ctx;
        Optional<Ast.Identifier> index = Optional.ofNullable(r.IDENT()).map(this::identifier);
        if (r.repeatTarget() instanceof RepeatCallContext rc) {
            Ast.Call call = call(rc.call());
            Ast.LayerNode only = new Ast.LayerNode(Optional.empty(), new Ast.CallBody(call), Optional.empty(),
                    call.location());
            return new Ast.RepeatBody(expr(r.expr()), index, List.of(only), true, location(r));
        }
        RepeatChainContext chain = (RepeatChainContext) r.repeatTarget();
        return new Ast.RepeatBody(expr(r.expr()), index, layers(chain.layer()), false, location(r));
    }

    private List<Ast.LayerNode> layers(List<LayerContext> contexts) {
        List<Ast.LayerNode> result = new ArrayList<>(contexts.size());
        for (LayerContext layer : contexts) {
            result.add(layer(layer));
        }
        return result;
    }

    private Ast.Call call(CallContext ctx) {
        List<Ast.Argument> args = new ArrayList<>();
        for (ArgumentContext a : ctx.argument()) {
            args.add(new Ast.Argument(Optional.ofNullable(a.IDENT()).map(this::identifier), expr(a.expr()), location(a)));
        }
        return new Ast.Call(identifier(ctx.IDENT()), args, location(ctx));
    }

    private Ast.ShapeLiteral shape(ShapeContext ctx) {
        Token token = ctx.getStart();
        List<Long> dims = new ArrayList<>();
        for (String part : token.getText().split("x")) {
            dims.add(parseLong(part, token));
        }
        return new Ast.ShapeLiteral(dims, location(token));
    }

    private Expr expr(ExprContext ctx) {
        SourceLocation at = location(ctx);
        if (ctx instanceof ParenExprContext p) {
            return expr(p.expr());
        }
        if (ctx instanceof TupleExprContext t) {
            List<Expr> elements = new ArrayList<>();
            for (ExprContext e : t.expr()) {
                elements.add(expr(e));
            }
            return new Ast.TupleExpr(elements, at);
        }
        if (ctx instanceof UnaryExprContext u) {
            return new Ast.UnaryExpr(u.op.getText(), expr(u.expr()), at);
        }
        if (ctx instanceof MultiplicativeExprContext m) {
            return binary(m.op, m.expr(0), m.expr(1), at);
        }
        if (ctx instanceof AdditiveExprContext a) {
            return binary(a.op, a.expr(0), a.expr(1), at);
        }
        if (ctx instanceof RelationalExprContext r) {
            return binary(r.op, r.expr(0), r.expr(1), at);
        }
        if (ctx instanceof EqualityExprContext e) {
            return binary(e.op, e.expr(0), e.expr(1), at);
        }
        if (ctx instanceof AndExprContext a) {
            return new Ast.BinaryExpr("&&", expr(a.expr(0)), expr(a.expr(1)), at);
        }
        if (ctx instanceof OrExprContext o) {
            return new Ast.BinaryExpr("||", expr(o.expr(0)), expr(o.expr(1)), at);
        }
        if (ctx instanceof ConditionalExprContext c) {
            return new Ast.ConditionalExpr(expr(c.expr(0)), expr(c.expr(1)), expr(c.expr(2)), at);
        }
        if (ctx instanceof FunctionExprContext f) {
            List<Expr> args = new ArrayList<>();
            for (ExprContext e : f.expr()) {
                args.add(expr(e));
            }
            return new Ast.FunctionExpr(identifier(f.IDENT()), args, at);
        }
        if (ctx instanceof IntLiteralContext i) {
            return new Ast.IntLiteral(parseLong(i.getText(), i.getStart()), at);
        }
        if (ctx instanceof FloatLiteralContext f) {
            double value = Double.parseDouble(f.getText());
            if (Double.isInfinite(value)) {
                diagnostics.add(Diagnostic.error(DiagnosticCode.NUMBER_RANGE, at, "number " + f.getText() + " is too large"));
            }
            return new Ast.FloatLiteral(value, at);
        }
        if (ctx instanceof DimsLiteralContext d) {
            List<Expr> elements = new ArrayList<>();
            for (String part : d.getText().split("x")) {
                elements.add(new Ast.IntLiteral(parseLong(part, d.getStart()), at));
            }
            return new Ast.TupleExpr(elements, at);
        }
        if (ctx instanceof BoolLiteralContext b) {
            return new Ast.BoolLiteral(b.TRUE() != null, at);
        }
        if (ctx instanceof StringLiteralContext s) {
            return new Ast.StringLiteral(unquote(s.STRING().getSymbol()), at);
        }
        if (ctx instanceof InReferenceContext) {
            return new Ast.InExpr(at);
        }
        return new Ast.NameExpr(((NameReferenceContext) ctx).IDENT().getText(), at);
    }

    private Expr binary(Token op, ExprContext left, ExprContext right, SourceLocation at) {
        return new Ast.BinaryExpr(op.getText(), expr(left), expr(right), at);
    }

    private long parseLong(String text, Token token) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            diagnostics.add(Diagnostic.error(DiagnosticCode.NUMBER_RANGE, location(token),
                    "integer " + text + " is too large; expected at most " + Long.MAX_VALUE));
            return 0;
        }
    }

    private static String unquote(Token token) {
        String text = token.getText();
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 1; i < text.length() - 1; i++) {
            char c = text.charAt(i);
            if (c == '\\' && i + 1 < text.length() - 1) {
                c = text.charAt(++i);
            }
            out.append(c);
        }
        return out.toString();
    }

    private Ast.Identifier identifier(TerminalNode node) {
        return new Ast.Identifier(node.getText(), location(node.getSymbol()));
    }

    private SourceLocation location(Token token) {
        return SourceParser.location(file, token);
    }

    private SourceLocation location(ParserRuleContext ctx) {
        Token start = ctx.getStart();
        Token stop = ctx.getStop();
        int length = 1;
        if (stop != null && stop.getLine() == start.getLine() && stop.getStopIndex() >= start.getStartIndex()) {
            length = stop.getStopIndex() - start.getStartIndex() + 1;
        } else if (start.getType() != Token.EOF) {
            length = start.getStopIndex() - start.getStartIndex() + 1;
        }
        return new SourceLocation(file, start.getLine(), start.getCharPositionInLine() + 1, length);
    }
}
