package io.cnnkit.compiler.elab;

import io.cnnkit.compiler.Diagnostic;
import io.cnnkit.compiler.DiagnosticCode;
import io.cnnkit.compiler.ast.Ast;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/** The layer names taken within one scope, and the counters behind automatic names. */
final class NameTable {
    private final Set<String> reserved;
    private final Map<String, Ast.Identifier> claimed = new HashMap<>();
    private final Set<String> used = new HashSet<>();
    /** The names that {@link #claimIndex} gave, by position in a group. */
    private final Set<String> positions = new HashSet<>();
    private final Map<String, Integer> counters = new HashMap<>();
    private int nextIndex;

    NameTable(Set<String> reserved) {
        this.reserved = reserved;
    }

    /** Reserves the labels and value names written directly in a body, so automatic names avoid them. */
    static NameTable forBody(java.util.List<Ast.Statement> body) {
        return new NameTable(Usage.namesWrittenIn(body));
    }

    /** Takes an explicit name; reports and returns null when it is already taken in this scope. */
    String claim(Ast.Identifier name, Diagnostics diagnostics) {
        if (name.name().isEmpty() || name.name().contains(".")) {
            diagnostics.add(Diagnostic.error(DiagnosticCode.LABEL, name.location(), "label \"" + name.name() + "\" "
                    + (name.name().isEmpty() ? "is empty" : "contains '.', which separates scopes in layer names")
                    + "; expected a PyTorch module name, such as \"block1-0\""));
            return null;
        }
        Ast.Identifier previous = claimed.get(name.name());
        if (previous == null && positions.contains(name.name())) {
            diagnostics.add(Diagnostic.error(DiagnosticCode.DUPLICATE_NAME, name.location(), "layer name '"
                    + name.name() + "' is already the position of an unlabelled step before it; expected a number"
                    + " after the steps before it (" + nextIndex + " or more), or no label"));
            return null;
        }
        if (previous != null || used.contains(name.name())) {
            String where = previous != null && previous.location().line() > 0
                    ? " at " + previous.location().path() + ":" + previous.location().line() : "";
            diagnostics.add(Diagnostic.error(DiagnosticCode.DUPLICATE_NAME, name.location(),
                    "layer name '" + name.name() + "' is already used" + where + "; expected a unique name"));
            return null;
        }
        claimed.put(name.name(), name);
        used.add(name.name());
        if (name.name().matches("[0-9]{1,9}")) {
            // a numbered step: unlabelled steps after it in a group go on from its number
            nextIndex = Math.max(nextIndex, Integer.parseInt(name.name()) + 1);
        }
        return name.name();
    }

    /** The next position in a group: "0", "1", ... */
    String claimIndex() {
        String name;
        do {
            name = Integer.toString(nextIndex++);
        } while (used.contains(name));
        used.add(name);
        positions.add(name);
        return name;
    }

    /** {@code kind_k}, the first k from 1 that no label, value or earlier layer uses. */
    String auto(String kind) {
        int k = counters.getOrDefault(kind, 0);
        String name;
        do {
            k++;
            name = kind + "_" + k;
        } while (used.contains(name) || reserved.contains(name));
        counters.put(kind, k);
        used.add(name);
        return name;
    }
}
