package io.cnnkit.exec.io;

import static io.cnnkit.exec.io.TorchFixturesTest.fixture;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * Mutates PyTorch checkpoints (bytes replaced, inserted, deleted, spans duplicated) and reads
 * them: only a {@link WeightsException} may come out, never another exception, a hang or code run.
 * The pickle inside the zip is mutated and re-zipped (so the mutants reach the unpickler rather
 * than the zip's checksums); the legacy file is mutated whole.
 */
class TorchCheckpointFuzzTest {
    private static final byte[] PICKLE = TorchCheckpointTest.dataPkl(fixture("torch/layouts.pth"));
    private static final Map<String, byte[]> STORAGES = storages(fixture("torch/layouts.pth"));
    private static final byte[] LEGACY = read(fixture("torch/layouts_legacy.pth"));

    @Property(tries = 300, seed = "20261206")
    void mutatedZipCheckpointsOnlyFailCleanly(@ForAll("pickleMutants") byte[] pickle) throws IOException {
        Path dir = Files.createTempDirectory("pthfuzz");
        try {
            TorchCheckpointTest t = new TorchCheckpointTest();
            t.dir = dir;
            Path file = t.checkpoint(pickle, STORAGES);
            readCleanly(file);
        } finally {
            try (var files = Files.list(dir)) {
                for (Path p : files.toList()) {
                    Files.delete(p);
                }
            }
            Files.delete(dir);
        }
    }

    @Property(tries = 200, seed = "20261207")
    void mutatedLegacyCheckpointsOnlyFailCleanly(@ForAll("legacyMutants") byte[] bytes) throws IOException {
        Path file = Files.createTempFile("pthfuzz", ".pth");
        try {
            Files.write(file, bytes);
            readCleanly(file);
        } finally {
            Files.delete(file);
        }
    }

    private static void readCleanly(Path file) {
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            try {
                TorchCheckpoint.read(file);
            } catch (WeightsException expected) {
                // a clear refusal is the other acceptable outcome
            }
        });
    }

    @Provide
    Arbitrary<byte[]> pickleMutants() {
        return mutants(PICKLE);
    }

    @Provide
    Arbitrary<byte[]> legacyMutants() {
        return mutants(LEGACY);
    }

    private static Arbitrary<byte[]> mutants(byte[] seed) {
        Arbitrary<List<Tuple.Tuple3<Integer, Integer, Integer>>> edits = Combinators.combine(
                Arbitraries.integers().between(0, 3), Arbitraries.integers().between(0, Integer.MAX_VALUE),
                Arbitraries.integers().between(0, 255)).as(Tuple::of).list().ofMinSize(1).ofMaxSize(8);
        return edits.map(e -> mutate(seed, e));
    }

    private static byte[] mutate(byte[] seed, List<Tuple.Tuple3<Integer, Integer, Integer>> edits) {
        byte[] b = seed.clone();
        for (Tuple.Tuple3<Integer, Integer, Integer> edit : edits) {
            int at = edit.get2() % b.length;
            switch (edit.get1()) {
                case 0 -> b[at] = (byte) (int) edit.get3();
                case 1 -> b = splice(b, at, 0, new byte[] {(byte) (int) edit.get3()});
                case 2 -> b = b.length > 1 ? splice(b, at, 1, new byte[0]) : b;
                default -> b = splice(b, at, 0, java.util.Arrays.copyOfRange(b, at, Math.min(b.length, at + 1
                        + edit.get3() % 16)));
            }
        }
        return b;
    }

    private static byte[] splice(byte[] b, int at, int remove, byte[] insert) {
        byte[] out = new byte[b.length - remove + insert.length];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(insert, 0, out, at, insert.length);
        System.arraycopy(b, at + remove, out, at + insert.length, b.length - at - remove);
        return out;
    }

    private static Map<String, byte[]> storages(Path pth) {
        Map<String, byte[]> out = new java.util.LinkedHashMap<>();
        try (ZipFile zip = new ZipFile(pth.toFile())) {
            for (ZipEntry e : zip.stream().toList()) {
                int at = e.getName().indexOf("/data/");
                if (at >= 0) {
                    out.put(e.getName().substring(at + "/data/".length()), zip.getInputStream(e).readAllBytes());
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] read(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
