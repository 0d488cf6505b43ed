package io.cnnkit.compiler.elab;

import io.cnnkit.compiler.op.Operators;
import java.util.Collection;
import java.util.Set;
import java.util.TreeSet;

/** "did you mean ...?" hints by edit distance. */
final class Suggestions {
    private Suggestions() {
    }

    static String didYouMean(String name, Collection<String> candidates) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : new TreeSet<>(candidates)) {
            int d = distance(name.toLowerCase(java.util.Locale.ROOT), candidate.toLowerCase(java.util.Locale.ROOT));
            if (d < bestDistance) {
                bestDistance = d;
                best = candidate;
            }
        }
        // One edit in three characters at most: 'b' is no typo of 'a'.
        int allowed = name.length() < 3 ? 0 : Math.min(3, name.length() / 3);
        return best != null && bestDistance <= allowed ? " (did you mean '" + best + "'?)" : "";
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
