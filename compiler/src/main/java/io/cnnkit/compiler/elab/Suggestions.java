package io.cnnkit.compiler.elab;

import io.cnnkit.compiler.Diagnostic;
import io.cnnkit.compiler.DiagnosticCode;
import io.cnnkit.compiler.ast.Ast;
import io.cnnkit.compiler.op.Operators;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** "did you mean ...?" hints, by edit distance, shared prefix or PyTorch's name for a parameter. */
final class Suggestions {
    /** PyTorch's argument names that are not near ours in spelling. */
    private static final Map<String, String> PYTORCH_NAMES = Map.of(
            "out_channels", "filters", "out_features", "units", "count_include_pad", "count_pad",
            "negative_slope", "alpha");

    private Suggestions() {
    }

    static String didYouMean(String name, Collection<String> candidates) {
        return closest(name, candidates).map(best -> " (did you mean '" + best + "'?)").orElse("");
    }

    /**
     * The candidate {@code name} most likely stands for: PyTorch's name for it ({@code out_channels}
     * for {@code filters}), then the nearest by edit distance (one edit in three characters at most:
     * 'b' is no typo of 'a'), then one of which it is an extension ({@code padding} for {@code pad}).
     */
    static Optional<String> closest(String name, Collection<String> candidates) {
        String alias = PYTORCH_NAMES.get(name);
        if (alias != null && candidates.contains(alias)) {
            return Optional.of(alias);
        }
        String lower = name.toLowerCase(Locale.ROOT);
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : new TreeSet<>(candidates)) {
            int d = distance(lower, candidate.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                bestDistance = d;
                best = candidate;
            }
        }
        int allowed = name.length() < 3 ? 0 : Math.min(3, name.length() / 3);
        if (best != null && bestDistance <= allowed) {
            return Optional.of(best);
        }
        return new TreeSet<>(candidates).stream()
                .filter(c -> c.length() >= 3 && lower.startsWith(c.toLowerCase(Locale.ROOT))).findFirst();
    }

    /** {@code diagnostic} with a fix that writes the suggestion over {@code wrong}, when there is one. */
    static Diagnostic withFix(Diagnostic diagnostic, Ast.Identifier wrong, Collection<String> candidates) {
        return closest(wrong.name(), candidates)
                .map(best -> diagnostic.withFix("replace '" + wrong.name() + "' with '" + best + "'", wrong.location(),
                        best))
                .orElse(diagnostic);
    }

    /** "unknown operator or module 'x'", with a did-you-mean and its fix: one message wherever a call is. */
    static Diagnostic unknownCallee(Ast.Identifier callee, Collection<String> modules) {
        Set<String> callables = callables(modules);
        return withFix(Diagnostic.error(DiagnosticCode.UNKNOWN_OPERATOR, callee.location(),
                "unknown operator or module '" + callee.name() + "'" + didYouMean(callee.name(), callables)),
                callee, callables);
    }

    /** Every operator name and the given module names. */
    static Set<String> callables(Collection<String> modules) {
        Set<String> all = new TreeSet<>(modules);
        Operators.all().forEach(spec -> all.add(spec.name()));
        return all;
    }

    /** Edit distance where swapping two neighbours counts as one edit (optimal string alignment). */
    private static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
