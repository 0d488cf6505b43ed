package io.cnnkit.compiler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Absurd inputs end in a diagnostic, within bounded time and memory. */
class LimitsTest {
    private static final Duration BOUND = Duration.ofSeconds(20);

    private static Compilation compile(String text) {
        return assertTimeoutPreemptively(BOUND, () -> CnnCompiler.compileString("t.cnn", text));
    }

    private static void assertCode(Compilation c, String code) {
        assertTrue(c.diagnostics().stream().anyMatch(d -> d.code().equals(code)), () -> c.diagnostics().toString());
    }

    @Test
    void tenThousandNestedBrackets() {
        String deep = "(".repeat(10_000) + "1" + ")".repeat(10_000);
        assertCode(compile("network T\ninput x: 3x8x8\noutput o = x -> conv(" + deep + ", 1)\n"), "too-deep");
        String groups = "[".repeat(10_000) + "relu" + "]".repeat(10_000);
        assertCode(compile("network T\ninput x: 3x8x8\noutput o = x -> " + groups + "\n"), "too-deep");
    }

    @Test
    void longPrefixAndInfixChainsAreBounded() {
        Compilation unary = compile("network T\ninput x: 3x8x8\noutput o = x -> conv(" + "-".repeat(100_000)
                + "1, 1)\n");
        // An even number of minus signs: the filter count is 1. Either it compiles, or it is refused as too deep.
        assertTrue(unary.graph().isPresent() || unary.diagnostics().stream().anyMatch(d -> d.code().equals("too-deep")),
                () -> unary.diagnostics().toString());
        Compilation sum = compile("network T\ninput x: 3x8x8\noutput o = x -> conv(" + "1 + ".repeat(100_000)
                + "1, 1)\n");
        assertTrue(sum.hasErrors() || sum.graph().isPresent());
    }

    @Test
    void hugeRepeatCounts() {
        assertCode(compile("network T\ninput x: 3x8x8\noutput o = x -> repeat 99999999999 relu\n"), "repeat-count");
        assertCode(compile("network T\ninput x: 3x8x8\nmodule b() { out in -> repeat 10000 relu }\n"
                + "module c() { out in -> repeat 10000 b }\noutput o = x -> repeat 10000 c\n"), "too-large");
    }

    @Test
    void hugeFilesAreRefusedBeforeReading(@TempDir Path dir) throws Exception {
        Path big = dir.resolve("big.cnn");
        try (RandomAccessFile file = new RandomAccessFile(big.toFile(), "rw")) {
            file.setLength(100L << 20);
        }
        Compilation c = assertTimeoutPreemptively(BOUND, () -> CnnCompiler.compile(big));
        assertCode(c, "too-large");
        assertEquals(1, c.diagnostics().size());
    }

    @Test
    void binaryGarbageIsReportedNotThrown(@TempDir Path dir) throws Exception {
        Path junk = dir.resolve("junk.cnn");
        byte[] bytes = new byte[4096];
        new java.util.Random(1).nextBytes(bytes);
        Files.write(junk, bytes);
        Compilation c = assertTimeoutPreemptively(BOUND, () -> CnnCompiler.compile(junk));
        assertTrue(c.hasErrors());
    }
}
