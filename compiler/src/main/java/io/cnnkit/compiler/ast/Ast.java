package io.cnnkit.compiler.ast;

import io.cnnkit.compiler.SourceFile;
import io.cnnkit.compiler.SourceLocation;
import java.util.List;
import java.util.Optional;

/** The immutable syntax tree of one `.cnn` file. Every node knows where it was written. */
public final class Ast {
    private Ast() {
    }

    public record Identifier(String name, SourceLocation location) {
    }

    public record CompilationUnit(SourceFile file, Optional<Identifier> network, List<Import> imports,
                                  List<ModuleDecl> modules, List<Statement> statements) {
        public CompilationUnit {
            imports = List.copyOf(imports);
            modules = List.copyOf(modules);
            statements = List.copyOf(statements);
        }
    }

    public record Import(String path, SourceLocation location) {
    }

    public record ModuleDecl(Identifier name, List<Param> params, List<Statement> body, SourceLocation location) {
        public ModuleDecl {
            params = List.copyOf(params);
            body = List.copyOf(body);
        }
    }

    public record Param(Identifier name, Optional<Expr> defaultValue) {
    }

    /** Statements of the network body and of module bodies. */
    public sealed interface Statement {
        SourceLocation location();
    }

    public record InputDecl(Identifier name, ShapeLiteral shape, SourceLocation location) implements Statement {
    }

    public record ValueDecl(Identifier name, Chain chain, SourceLocation location) implements Statement {
    }

    /** {@code [aux] output name [= chain]}; without a chain it marks an existing value. */
    public record OutputDecl(Identifier name, Optional<Chain> chain, boolean aux, SourceLocation location)
            implements Statement {
    }

    /** {@code let name = expr}: a number computed once per module instance (or for the network). */
    public record LetDecl(Identifier name, Expr value, SourceLocation location) implements Statement {
    }

    /** A module's {@code out chain}. */
    public record OutDecl(Chain chain, SourceLocation location) implements Statement {
    }

    public record Chain(Head head, List<LayerNode> steps, SourceLocation location) {
        public Chain {
            steps = List.copyOf(steps);
        }
    }

    public sealed interface Head {
        SourceLocation location();
    }

    public record ReferenceHead(Identifier name) implements Head {
        public SourceLocation location() {
            return name.location();
        }
    }

    public record InHead(SourceLocation location) implements Head {
    }

    public record ConditionalHead(Expr condition, Chain then, Chain otherwise, SourceLocation location)
            implements Head {
    }

    public record LayerHead(LayerNode layer) implements Head {
        public SourceLocation location() {
            return layer.location();
        }
    }

    /** One step of a chain: an optional label, what it does, an optional shape assertion. */
    public record LayerNode(Optional<Identifier> label, Body body, Optional<ShapeLiteral> assertion,
                            SourceLocation location) {
    }

    public sealed interface Body {
        SourceLocation location();
    }

    public record CallBody(Call call) implements Body {
        public SourceLocation location() {
            return call.location();
        }
    }

    /** {@code [a -> b -> c]}: elements are named by position, like nn.Sequential. */
    public record GroupBody(List<LayerNode> elements, SourceLocation location) implements Body {
        public GroupBody {
            elements = List.copyOf(elements);
        }
    }

    /** {@code repeat N [as i] target}; the target is one call or a parenthesised sub-chain. */
    public record RepeatBody(Expr count, Optional<Identifier> index, List<LayerNode> target, boolean single,
                             SourceLocation location) implements Body {
        public RepeatBody {
            target = List.copyOf(target);
        }
    }

    public record Call(Identifier callee, List<Argument> arguments, SourceLocation location) {
        public Call {
            arguments = List.copyOf(arguments);
        }
    }

    public record Argument(Optional<Identifier> name, Expr value, SourceLocation location) {
    }

    public record ShapeLiteral(List<Long> dims, SourceLocation location) {
        public ShapeLiteral {
            dims = List.copyOf(dims);
        }
    }

    public sealed interface Expr {
        SourceLocation location();
    }

    public record IntLiteral(long value, SourceLocation location) implements Expr {
    }

    public record FloatLiteral(double value, SourceLocation location) implements Expr {
    }

    public record BoolLiteral(boolean value, SourceLocation location) implements Expr {
    }

    public record StringLiteral(String value, SourceLocation location) implements Expr {
    }

    public record TupleExpr(List<Expr> elements, SourceLocation location) implements Expr {
        public TupleExpr {
            elements = List.copyOf(elements);
        }
    }

    public record NameExpr(String name, SourceLocation location) implements Expr {
    }

    public record InExpr(SourceLocation location) implements Expr {
    }

    public record UnaryExpr(String operator, Expr operand, SourceLocation location) implements Expr {
    }

    public record BinaryExpr(String operator, Expr left, Expr right, SourceLocation location) implements Expr {
    }

    public record ConditionalExpr(Expr condition, Expr then, Expr otherwise, SourceLocation location)
            implements Expr {
    }

    /** {@code max(a, b)}: a built-in function of numbers. */
    public record FunctionExpr(Identifier function, List<Expr> arguments, SourceLocation location) implements Expr {
        public FunctionExpr {
            arguments = List.copyOf(arguments);
        }
    }
}
