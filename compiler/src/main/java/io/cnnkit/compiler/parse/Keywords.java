package io.cnnkit.compiler.parse;

import io.cnnkit.grammar.CnnBaseLexer;
import java.util.Set;
import java.util.TreeSet;

/** The language's reserved words, read from the grammar's vocabulary rather than listed again. */
public final class Keywords {
    private static final Set<String> WORDS = words();

    private Keywords() {
    }

    /** Every keyword ({@code network}, {@code repeat}, {@code true}, ...): not usable as a name. */
    public static Set<String> all() {
        return WORDS;
    }

    /** Bare words that arguments take as values ({@code pad=same}); a value so named would be shadowed. */
    public static Set<String> argumentSymbols() {
        return Set.of("same", "valid");
    }

    private static Set<String> words() {
        Set<String> words = new TreeSet<>();
        for (int type = 0; type <= CnnBaseLexer.VOCABULARY.getMaxTokenType(); type++) {
            String literal = CnnBaseLexer.VOCABULARY.getLiteralName(type);
            if (literal != null && literal.matches("'[A-Za-z_][A-Za-z0-9_]*'")) {
                words.add(literal.substring(1, literal.length() - 1));
            }
        }
        return Set.copyOf(words);
    }
}
