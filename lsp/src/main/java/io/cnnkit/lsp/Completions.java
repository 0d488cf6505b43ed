package io.cnnkit.lsp;

import io.cnnkit.compiler.ast.Ast;
import io.cnnkit.compiler.op.Operators;
import io.cnnkit.grammar.CnnBaseLexer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.Token;
import org.eclipse.lsp4j.CompletionItem;
import org.eclipse.lsp4j.CompletionItemKind;
import org.eclipse.lsp4j.InsertTextFormat;
import org.eclipse.lsp4j.MarkupContent;
import org.eclipse.lsp4j.MarkupKind;
import org.eclipse.lsp4j.ParameterInformation;
import org.eclipse.lsp4j.SignatureHelp;
import org.eclipse.lsp4j.SignatureInformation;

/**
 * Completion and signature help from the text as typed (which need not parse): the tokens before
 * the cursor tell whether it is in an import path, in a call's arguments or where a layer goes;
 * the last good symbol index supplies modules and the values in scope.
 */
final class Completions {
    private Completions() {
    }

    /** Where the cursor is, read from the visible tokens before it. */
    record Context(List<Token> before, Optional<Token> inString, Optional<String> callee, int argument,
                   Optional<String> namedArgument, String container) {
    }

    static Context context(String text, int offset) {
        CnnBaseLexer lexer = new CnnBaseLexer(CharStreams.fromString(text));
        lexer.removeErrorListeners();
        List<Token> before = new ArrayList<>();
        Optional<Token> inString = Optional.empty();
        for (Token t : lexer.getAllTokens()) {
            if (t.getStartIndex() >= offset) {
                break;
            }
            boolean string = t.getType() == CnnBaseLexer.STRING || t.getType() == CnnBaseLexer.UNTERMINATED_STRING;
            if (string && offset <= t.getStopIndex() + (t.getType() == CnnBaseLexer.STRING ? 0 : 1)) {
                inString = Optional.of(t);
            }
            if (t.getChannel() == Token.DEFAULT_CHANNEL && t.getStopIndex() < offset) {
                before.add(t);
            }
        }
        // the innermost unclosed '(' after a name is a call's argument list
        int depth = 0;
        int commas = 0;
        Optional<String> callee = Optional.empty();
        for (int i = before.size() - 1; i >= 0; i--) {
            int type = before.get(i).getType();
            if (type == CnnBaseLexer.RPAREN) {
                depth++;
            } else if (type == CnnBaseLexer.LPAREN) {
                if (depth == 0) {
                    if (i > 0 && before.get(i - 1).getType() == CnnBaseLexer.IDENT) {
                        callee = Optional.of(before.get(i - 1).getText());
                    }
                    break;
                }
                depth--;
            } else if (type == CnnBaseLexer.COMMA && depth == 0) {
                commas++;
            } else if (depth == 0 && (type == CnnBaseLexer.ARROW || type == CnnBaseLexer.LBRACE
                    || type == CnnBaseLexer.RBRACE)) {
                break;
            }
        }
        Optional<String> named = Optional.empty();
        int n = before.size();
        if (callee.isPresent() && n >= 2 && before.get(n - 1).getType() == CnnBaseLexer.ASSIGN
                && before.get(n - 2).getType() == CnnBaseLexer.IDENT) {
            named = Optional.of(before.get(n - 2).getText());
        } else if (callee.isPresent() && n >= 3 && before.get(n - 2).getType() == CnnBaseLexer.ASSIGN
                && before.get(n - 3).getType() == CnnBaseLexer.IDENT) {
            named = Optional.of(before.get(n - 3).getText());
        }
        return new Context(before, inString, callee, commas, named, container(before));
    }

    /** The module whose body holds the cursor, or "" for the network body. */
    private static String container(List<Token> before) {
        String module = "";
        int depth = 0;
        for (int i = 0; i < before.size(); i++) {
            int type = before.get(i).getType();
            if (type == CnnBaseLexer.MODULE && depth == 0 && i + 1 < before.size()) {
                module = before.get(i + 1).getText();
            } else if (type == CnnBaseLexer.LBRACE) {
                depth++;
            } else if (type == CnnBaseLexer.RBRACE && --depth <= 0) {
                depth = 0;
                module = "";
            }
        }
        return depth > 0 ? module : "";
    }

    static List<CompletionItem> complete(String text, int offset, Path file, Optional<SymbolIndex> index) {
        Context ctx = context(text, offset);
        if (ctx.inString().isPresent()) {
            return importPaths(file);
        }
        List<CompletionItem> items = new ArrayList<>();
        boolean afterAssign = !ctx.before().isEmpty()
                && ctx.before().get(ctx.before().size() - 1).getType() == CnnBaseLexer.ASSIGN;
        if (ctx.callee().isPresent() && ctx.namedArgument().isEmpty() && !afterAssign) {
            items.addAll(namedArguments(ctx.callee().get(), index));
        }
        if (ctx.callee().isEmpty()) {
            for (Operators.Spec spec : Operators.all()) {
                items.add(operator(spec));
            }
            index.ifPresent(ix -> ix.modules().values().forEach(m -> items.add(module(m))));
        }
        index.ifPresent(ix -> ix.visibleIn(ctx.container()).forEach(s -> {
            CompletionItem item = new CompletionItem(s.name());
            item.setKind(s.kind() == SymbolIndex.Kind.VALUE ? CompletionItemKind.Variable : CompletionItemKind.TypeParameter);
            item.setDetail(s.kind().name().toLowerCase(java.util.Locale.ROOT));
            items.add(item);
        }));
        if (!ctx.container().isEmpty()) {
            CompletionItem in = new CompletionItem("in");
            in.setKind(CompletionItemKind.Keyword);
            in.setDetail("the module's input");
            items.add(in);
        }
        return items;
    }

    private static CompletionItem operator(Operators.Spec spec) {
        CompletionItem item = new CompletionItem(spec.name());
        item.setKind(CompletionItemKind.Function);
        item.setDetail(spec.signatureWithDefaults());
        item.setDocumentation(new MarkupContent(MarkupKind.MARKDOWN, Hovers.operatorDoc(spec).strip()));
        if (spec.required() > 0 || spec.arity() == Operators.Arity.MERGE) {
            StringBuilder snippet = new StringBuilder(spec.name()).append('(');
            List<String> args = spec.arity() == Operators.Arity.MERGE ? List.of("a", "b")
                    : spec.parameters().subList(0, spec.required());
            for (int i = 0; i < args.size(); i++) {
                snippet.append(i > 0 ? ", " : "").append("${").append(i + 1).append(':').append(args.get(i)).append('}');
            }
            item.setInsertText(snippet.append(")$0").toString());
            item.setInsertTextFormat(InsertTextFormat.Snippet);
        }
        return item;
    }

    private static CompletionItem module(Ast.ModuleDecl module) {
        CompletionItem item = new CompletionItem(module.name().name());
        item.setKind(CompletionItemKind.Module);
        item.setDetail(Hovers.moduleSignature(module));
        return item;
    }

    private static List<CompletionItem> namedArguments(String callee, Optional<SymbolIndex> index) {
        List<CompletionItem> items = new ArrayList<>();
        Optional<Ast.ModuleDecl> module = index.map(ix -> ix.modules().get(callee));
        if (module.isPresent()) {
            module.get().params().forEach(p -> items.add(argument(p.name().name(), callee, "parameter of module " + callee)));
        } else {
            Operators.lookup(callee).ifPresent(spec -> spec.params().forEach(
                    p -> items.add(argument(p.name(), callee, Hovers.parameterDoc(p)))));
        }
        return items;
    }

    private static CompletionItem argument(String name, String callee, String doc) {
        CompletionItem item = new CompletionItem(name + "=");
        item.setKind(CompletionItemKind.Property);
        item.setDetail("argument of " + callee);
        item.setDocumentation(new MarkupContent(MarkupKind.MARKDOWN, doc));
        item.setInsertText(name + "=");
        return item;
    }

    /** The `.cnn` files beside {@code file} and in its subfolders, relative to it. */
    private static List<CompletionItem> importPaths(Path file) {
        Path dir = file.getParent();
        List<CompletionItem> items = new ArrayList<>();
        try (Stream<Path> files = Files.walk(dir, 2)) {
            files.filter(p -> p.toString().endsWith(".cnn") && !p.equals(file)).sorted().forEach(p -> {
                CompletionItem item = new CompletionItem(dir.relativize(p).toString().replace('\\', '/'));
                item.setKind(CompletionItemKind.File);
                items.add(item);
            });
        } catch (IOException e) {
            // no suggestions from an unreadable folder
        }
        return items;
    }

    static Optional<SignatureHelp> signatureHelp(String text, int offset, Optional<SymbolIndex> index) {
        Context ctx = context(text, offset);
        if (ctx.callee().isEmpty()) {
            return Optional.empty();
        }
        String callee = ctx.callee().get();
        String label;
        List<String> params;
        Optional<Ast.ModuleDecl> module = index.map(ix -> ix.modules().get(callee));
        if (module.isPresent()) {
            label = Hovers.moduleSignature(module.get()).substring("module ".length());
            params = module.get().params().stream().map(p -> p.name().name()).toList();
        } else {
            Optional<Operators.Spec> spec = Operators.lookup(callee);
            if (spec.isEmpty()) {
                return Optional.empty();
            }
            label = spec.get().signatureWithDefaults();
            params = spec.get().arity() == Operators.Arity.MERGE ? List.of() : spec.get().parameters();
        }
        SignatureInformation signature = new SignatureInformation(label);
        Optional<Operators.Spec> operator = module.isPresent() ? Optional.empty() : Operators.lookup(callee);
        operator.ifPresent(spec -> signature.setDocumentation(new MarkupContent(MarkupKind.MARKDOWN, spec.doc())));
        signature.setParameters(params.stream().map(p -> {
            ParameterInformation info = new ParameterInformation(p);
            operator.flatMap(spec -> spec.params().stream().filter(q -> q.name().equals(p)).findFirst())
                    .ifPresent(q -> info.setDocumentation(new MarkupContent(MarkupKind.MARKDOWN, Hovers.parameterDoc(q))));
            return info;
        }).toList());
        int active = ctx.namedArgument().map(params::indexOf).orElse(ctx.argument());
        SignatureHelp help = new SignatureHelp(List.of(signature), 0, Math.max(0, Math.min(active, params.size())));
        return Optional.of(help);
    }
}
