package io.cnnkit.lsp;

import io.cnnkit.lsp.SymbolIndex.Kind;
import io.cnnkit.lsp.SymbolIndex.Occurrence;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.lsp4j.DocumentSymbol;
import org.eclipse.lsp4j.SymbolKind;

/** The document outline: modules with their parameters and values, then the network's values. */
final class Outline {
    private Outline() {
    }

    static List<DocumentSymbol> symbols(SymbolIndex index) {
        String file = index.occurrences().isEmpty() ? "" : index.occurrences().get(0).location().path();
        Map<String, DocumentSymbol> modules = new LinkedHashMap<>();
        List<DocumentSymbol> top = new ArrayList<>();
        for (Occurrence o : index.occurrences()) {
            if (!o.definition() || !o.location().path().equals(file)) {
                continue;
            }
            SymbolKind kind = switch (o.symbol().kind()) {
                case MODULE -> SymbolKind.Class;
                case VALUE -> SymbolKind.Variable;
                case PARAMETER, INDEX -> SymbolKind.TypeParameter;
                case LET -> SymbolKind.Constant;
                default -> null;
            };
            if (kind == null) {
                continue;
            }
            DocumentSymbol symbol = new DocumentSymbol(o.symbol().name(), kind, Positions.range(o.location()),
                    Positions.range(o.location()), o.symbol().kind().name().toLowerCase(java.util.Locale.ROOT));
            symbol.setChildren(new ArrayList<>());
            if (o.symbol().kind() == Kind.MODULE) {
                modules.put(o.symbol().name(), symbol);
                top.add(symbol);
            } else if (!o.symbol().container().isEmpty() && modules.containsKey(o.symbol().container())) {
                modules.get(o.symbol().container()).getChildren().add(symbol);
            } else {
                top.add(symbol);
            }
        }
        return top;
    }
}
