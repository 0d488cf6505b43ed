package io.cnnkit.lsp;

import io.cnnkit.grammar.CnnBaseLexer;
import io.cnnkit.lsp.SymbolIndex.Occurrence;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.Token;
import org.eclipse.lsp4j.SemanticTokensLegend;

/**
 * Semantic tokens: the lexer's classes (keywords, numbers, strings, comments), refined by the symbol
 * index for names, so that operators, modules, values, parameters and labels differ.
 */
final class TokenHighlighter {
    static final List<String> TYPES = List.of("keyword", "function", "class", "variable", "parameter", "property",
            "number", "string", "comment", "operator", "type");
    static final List<String> MODIFIERS = List.of("declaration", "defaultLibrary");
    static final SemanticTokensLegend LEGEND = new SemanticTokensLegend(TYPES, MODIFIERS);

    private TokenHighlighter() {
    }

    /** The LSP encoding: per token, line delta, start delta, length, type, modifier bits. */
    static List<Integer> encode(String text, Optional<SymbolIndex> index) {
        Map<String, Occurrence> names = new HashMap<>();
        index.ifPresent(ix -> ix.occurrences().forEach(o -> names.put(o.location().line() + ":" + o.location().column(), o)));
        CnnBaseLexer lexer = new CnnBaseLexer(CharStreams.fromString(text));
        lexer.removeErrorListeners();
        List<Integer> data = new ArrayList<>();
        int[] last = {0, 0};
        for (Token t : lexer.getAllTokens()) {
            int type;
            int modifiers = 0;
            int kind = t.getType();
            if (kind == CnnBaseLexer.WS || kind == CnnBaseLexer.UNKNOWN_CHAR) {
                continue;
            } else if (kind >= CnnBaseLexer.NETWORK && kind <= CnnBaseLexer.IN) {
                type = kind == CnnBaseLexer.TRUE || kind == CnnBaseLexer.FALSE ? TYPES.indexOf("number") : 0;
            } else if (kind == CnnBaseLexer.INT || kind == CnnBaseLexer.FLOAT) {
                type = TYPES.indexOf("number");
            } else if (kind == CnnBaseLexer.SHAPE) {
                type = TYPES.indexOf("type");
            } else if (kind == CnnBaseLexer.STRING || kind == CnnBaseLexer.UNTERMINATED_STRING) {
                type = TYPES.indexOf("string");
            } else if (kind == CnnBaseLexer.LINE_COMMENT || kind == CnnBaseLexer.BLOCK_COMMENT
                    || kind == CnnBaseLexer.UNTERMINATED_COMMENT) {
                type = TYPES.indexOf("comment");
            } else if (kind == CnnBaseLexer.ARROW) {
                type = TYPES.indexOf("operator");
            } else if (kind == CnnBaseLexer.IDENT) {
                Occurrence o = names.get(t.getLine() + ":" + (t.getCharPositionInLine() + 1));
                if (o == null) {
                    continue;
                }
                type = TYPES.indexOf(switch (o.symbol().kind()) {
                    case OPERATOR -> "function";
                    case MODULE -> "class";
                    case VALUE, LET -> "variable";
                    case PARAMETER, INDEX, ARGUMENT -> "parameter";
                    case LABEL -> "property";
                });
                modifiers = (o.definition() ? 1 : 0) | (o.symbol().kind() == SymbolIndex.Kind.OPERATOR ? 2 : 0);
            } else {
                continue;
            }
            // one token per line: clients need not support tokens that span lines
            String[] lines = t.getText().split("\n", -1);
            int line = t.getLine() - 1;
            int column = t.getCharPositionInLine();
            for (String part : lines) {
                if (!part.isEmpty()) {
                    data.add(line - last[0]);
                    data.add(line == last[0] ? column - last[1] : column);
                    data.add(part.length());
                    data.add(type);
                    data.add(modifiers);
                    last[0] = line;
                    last[1] = column;
                }
                line++;
                column = 0;
            }
        }
        return data;
    }
}
