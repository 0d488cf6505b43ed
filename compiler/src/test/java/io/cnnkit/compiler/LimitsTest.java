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

    /**
     * Doubling at each of 40 nesting levels (2^39 layers) and a module calling the one below it
     * twice, 28 times over (2^28): the layers are counted from the syntax tree, so the bound is
     * reported with the true count at the call, before any layer is made.
     */
    @Test
    void nestedRepeatsAndDoublingModulesAreCountedBeforeExpansion() {
        StringBuilder nested = new StringBuilder("network D\ninput x: 1x4x4\nmodule m0() {\n  out in -> relu\n}\n");
        for (int i = 1; i < 40; i++) {
            nested.append("module m").append(i).append("() {\n  out in -> repeat 2 m").append(i - 1).append("()\n}\n");
        }
        StringBuilder doubling = new StringBuilder("network D\ninput x: 1x4x4\nmodule d0() {\n  out in -> relu\n}\n");
        for (int i = 1; i <= 28; i++) {
            doubling.append("module d").append(i).append("() {\n  a = in -> d").append(i - 1).append("()\n  out a -> d")
                    .append(i - 1).append("()\n}\n");
        }
        String bound = " layers, more than the 1,000,000 allowed (passed at this step); expected a smaller network"
                + " (check repeat counts and module nesting)";
        Compilation c = assertTimeoutPreemptively(Duration.ofSeconds(5),
                () -> CnnCompiler.compileString("t.cnn", nested.append("output y = x -> m39()\n").toString()));
        assertEquals(1, c.errors().size(), c.diagnostics().toString());
        assertEquals("too-large", c.errors().get(0).code());
        assertEquals("the network expands to 549,755,813,889" + bound, c.errors().get(0).message());
        assertEquals(123, c.errors().get(0).location().line());
        c = assertTimeoutPreemptively(Duration.ofSeconds(5),
                () -> CnnCompiler.compileString("t.cnn", doubling.append("output y = x -> d28()\n").toString()));
        assertEquals("the network expands to 268,435,457" + bound, c.errors().get(0).message());
        // past 2^63 the count saturates
        c = compile("network T\ninput x: 3x8x8\noutput o = x -> " + "repeat 10000 (".repeat(5) + "relu" + ")".repeat(5) + "\n");
        assertEquals("the network expands to more than 2^63" + bound, c.errors().get(0).message());
    }

    @Test
    void importsTakeCnnFilesByValidPaths(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("passwd"), "root:x:0:0:root:/root:/bin/bash\n");
        Path main = Files.writeString(dir.resolve("main.cnn"), "network T\nimport \"passwd\"\nimport \"b\0.cnn\"\n"
                + "input x: 3x8x8\noutput o = x -> relu\n");
        Compilation c = CnnCompiler.compile(main);
        assertEquals(2, c.errors().size(), c.diagnostics().toString());
        assertEquals("cannot import 'passwd': imports take .cnn files; expected a path ending in .cnn",
                c.errors().get(0).message());
        assertEquals("file-not-found", c.errors().get(1).code());
        assertTrue(c.errors().get(1).message().startsWith("cannot import 'b\\u0000.cnn': not a valid file path"),
                c.errors().get(1).message());
    }

    @Test
    void anImportedFileThatIsNotCnnGivesOneError(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("notes.cnn"), "line one\nline two\nline three\nline four\n");
        Path main = Files.writeString(dir.resolve("main.cnn"), "network T\nimport \"notes.cnn\"\n"
                + "input x: 3x8x8\noutput o = x -> relu\n");
        Compilation c = CnnCompiler.compile(main);
        assertEquals(1, c.errors().size(), c.diagnostics().toString());
    }

    @Test
    void aByteOrderMarkIsAcceptedAndControlCharactersAreEscaped(@TempDir Path dir) throws Exception {
        Path bom = Files.writeString(dir.resolve("bom.cnn"), "\uFEFFnetwork T\ninput x: 3x8x8\noutput o = x -> relu\n");
        Compilation ok = CnnCompiler.compile(bom);
        assertTrue(ok.diagnostics().isEmpty(), ok.diagnostics().toString());
        Compilation bad = CnnCompiler.compileString("t.cnn", "network T\ninput x: 3x8x8\noutput o = x -> /*\u0007\r*/ relx\n");
        String shown = bad.errors().get(0).render();
        assertTrue(shown.chars().noneMatch(ch -> ch < 0x20 && ch != '\n'), shown);
        assertTrue(shown.contains("output o = x -> /*\\u0007\\r*/ relx"), shown);
        // the caret stays under the name though the escapes before it are wider than one column
        String[] lines = shown.split("\n");
        assertEquals(lines[1].indexOf("relx"), lines[2].indexOf('^'), shown);
    }
}
