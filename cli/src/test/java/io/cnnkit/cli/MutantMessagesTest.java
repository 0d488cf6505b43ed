package io.cnnkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The regression sample of the mutant harness ({@code scripts/mutants.sh}): mutated ONNX models,
 * images and {@code .cnn} sources, regenerated from their seed, through {@code cnn import}, {@code run}
 * and {@code export}, each with the message shape it gave when the sample was taken (numbers and the
 * file's name replaced). Every one is a result or a clear refusal; none is a library's wording, an
 * exception, a hang or a partial file. {@code MutantHarness sample ROOT WORK OUT} writes a new sample.
 */
class MutantMessagesTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Path SAMPLE = ROOT.resolve("cli/src/test/resources/mutants/sample.tsv");

    @TempDir
    Path work;

    @Test
    void aSampleOfMutantsGivesTheMessagesItGaveWhenTaken() throws IOException {
        Path model = Files.writeString(work.resolve("net.cnn"), MutantHarness.IMAGE_NET);
        List<String> expected = Files.readAllLines(SAMPLE);
        List<String> actual = new ArrayList<>();
        for (String line : expected) {
            String[] f = line.split("\t", 4);
            Path mutant = MutantHarness.mutant(f[0], 1, Integer.parseInt(f[1]), MutantHarness.seeds(f[0], ROOT), work,
                    new StringBuilder());
            MutantHarness.Outcome outcome = MutantHarness.run(f[0], mutant, model, work);
            actual.add(f[0] + "\t" + f[1] + "\t" + outcome.verdict() + "\t" + MutantHarness.shape(outcome.message(), mutant));
        }
        assertEquals(String.join("\n", expected), String.join("\n", actual));
        assertEquals(List.of(), expected.stream().filter(l -> !l.split("\t")[2].matches("ok|clear")).toList(),
                "every sampled mutant is run or refused clearly");
    }
}
