package io.cnnkit.compiler;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * Mutates the example networks (characters deleted, inserted, replaced; spans duplicated or
 * swapped) and compiles them: only diagnostics may come out, never an exception or a hang.
 */
class FuzzTest {
    private static final List<String> SEEDS = seeds();
    private static final String ALPHABET = "()[]{}->:=,.x0123456789 \n\"/*+-!&|<>abcinoutrepeatifelse";

    private static List<String> seeds() {
        try (Stream<Path> files = Files.list(Path.of("../examples"))) {
            return files.filter(p -> p.toString().endsWith(".cnn")).sorted().map(p -> {
                try {
                    return Files.readString(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Property(tries = 400, seed = "20261122")
    void mutatedSourcesOnlyProduceDiagnostics(@ForAll("mutants") String source) {
        Compilation c = assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> CnnCompiler.compileString("fuzz.cnn", source));
        assertNotNull(c);
        c.diagnostics().forEach(d -> d.render());
        c.graph().ifPresent(g -> g.toDot());
    }

    /** Errors per mistake over the same corpus: every edit is a mistake, every error reported counts. */
    private static final Recovery RECOVERY = new Recovery();

    @Property(tries = 400, seed = "20261122")
    void mistakesGiveAboutOneErrorEach(@ForAll("mutantsWithEdits") Tuple.Tuple2<String, Integer> mutant) {
        Compilation c = CnnCompiler.compileString("fuzz.cnn", mutant.get1());
        RECOVERY.add(mutant.get2(), c.errors().size(),
                c.errors().stream().filter(d -> d.code().equals("syntax")).count());
    }

    @AfterContainer
    static void reportAndBoundTheRatio() {
        if (RECOVERY.mutants == 0) {
            return;
        }
        System.out.println(RECOVERY);
        // The corpus is fixed by the seed; cascades after a mistake would show as a rise past these
        // bounds (docs/language.md gives the figures; without recovery: 4.4 and 1.27).
        assertTrue(RECOVERY.singleEditErrors <= 1.15 * RECOVERY.singleEditFailing, RECOVERY.toString());
        assertTrue(RECOVERY.errors <= 0.5 * RECOVERY.edits, RECOVERY.toString());
    }

    /** Counts over the mutation corpus. */
    private static final class Recovery {
        long mutants;
        long edits;
        long errors;
        long syntaxErrors;
        long singleEditMutants;
        long singleEditErrors;
        long singleEditFailing;

        synchronized void add(int editCount, long errorCount, long syntaxCount) {
            mutants++;
            edits += editCount;
            errors += errorCount;
            syntaxErrors += syntaxCount;
            if (editCount == 1) {
                singleEditMutants++;
                singleEditErrors += errorCount;
                singleEditFailing += errorCount > 0 ? 1 : 0;
            }
        }

        @Override
        public String toString() {
            return String.format(java.util.Locale.ROOT, "mutation corpus: %d mutants, %d edits, %d errors (%d syntax):"
                    + " %.2f errors per edit; %d single-edit mutants, %d of them wrong: %.2f errors each",
                    mutants, edits, errors, syntaxErrors, (double) errors / edits, singleEditMutants, singleEditFailing,
                    (double) singleEditErrors / Math.max(1, singleEditFailing));
        }
    }

    @Provide
    Arbitrary<String> mutants() {
        return Combinators.combine(Arbitraries.of(SEEDS), edits()).as(FuzzTest::mutate);
    }

    /** The same mutants as {@link #mutants()} (same generators, same seed), with their number of edits. */
    @Provide
    Arbitrary<Tuple.Tuple2<String, Integer>> mutantsWithEdits() {
        return Combinators.combine(Arbitraries.of(SEEDS), edits()).as((seed, edits) -> Tuple.of(mutate(seed, edits),
                edits.size()));
    }

    private static Arbitrary<List<Tuple.Tuple3<Integer, Integer, Character>>> edits() {
        return Combinators.combine(
                Arbitraries.integers().between(0, 5), Arbitraries.integers().between(0, Integer.MAX_VALUE),
                Arbitraries.of(ALPHABET.chars().mapToObj(c -> (char) c).toList()))
                .as(Tuple::of).list().ofMinSize(1).ofMaxSize(12);
    }

    private static String mutate(String seed, List<Tuple.Tuple3<Integer, Integer, Character>> edits) {
        StringBuilder text = new StringBuilder(seed);
        for (Tuple.Tuple3<Integer, Integer, Character> edit : edits) {
            int at = text.length() == 0 ? 0 : edit.get2() % text.length();
            int end = Math.min(text.length(), at + 1 + edit.get2() % 40);
            switch (edit.get1()) {
                case 0 -> text.deleteCharAt(Math.min(at, Math.max(0, text.length() - 1)));
                case 1 -> text.insert(at, edit.get3());
                case 2 -> text.setCharAt(Math.min(at, Math.max(0, text.length() - 1)), edit.get3());
                case 3 -> text.insert(at, text.substring(at, end));
                case 4 -> text.delete(at, end);
                default -> {
                    String span = text.substring(at, end);
                    text.delete(at, end);
                    text.insert(text.length() == 0 ? 0 : (at * 7) % text.length(), span);
                }
            }
            if (text.length() == 0) {
                text.append(edit.get3());
            }
        }
        return text.toString();
    }
}
