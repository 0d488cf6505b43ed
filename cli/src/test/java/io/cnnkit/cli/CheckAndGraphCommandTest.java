package io.cnnkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckAndGraphCommandTest {
    @TempDir
    Path dir;

    private String file(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text).toString();
    }

    @Test
    void checkReportsSuccessPerFile() throws IOException {
        String ok = file("ok.cnn", "network A\ninput x: 3x8x8\noutput y = x -> conv(4, 3) -> relu\n");
        Cli run = Cli.run("check", ok);
        assertEquals(ExitCode.OK, run.code());
        assertEquals(ok + ": ok, 3 layers, 1 output (0 errors, 0 warnings)\n", run.out());
        assertEquals("", run.err());
    }

    @Test
    void checkPrintsLocatedErrorsWithCaretsAndExitsTwo() throws IOException {
        String bad = file("bad.cnn", "network A\ninput x: 3x8x8\noutput y = x -> conv(4, 3, strid=2)\n");
        Cli run = Cli.run("check", bad);
        assertEquals(ExitCode.INVALID_INPUT, run.code());
        assertEquals(bad + ":3:28: error: 'conv' has no parameter 'strid' (did you mean 'stride'?); expected conv(filters,"
                + " kernel, stride, pad, dilation, groups, bias) [unknown-argument]\n"
                + "  output y = x -> conv(4, 3, strid=2)\n"
                + "                             ^~~~~\n", run.err());
        assertTrue(run.out().endsWith(": failed (1 error, 0 warnings)\n"), run.out());
    }

    @Test
    void missingFilesAndUnknownOptionsAreUsageErrorsWithoutStackTraces() {
        Cli missing = Cli.run("check", dir.resolve("nope.cnn").toString());
        assertEquals(ExitCode.INVALID_INPUT, missing.code());
        assertTrue(missing.err().contains("no such file [file-not-found]"), missing.err());
        Cli unknown = Cli.run("graph", "--frmat", "dot", "x.cnn");
        assertEquals(ExitCode.INVALID_INPUT, unknown.code());
        assertFalse(unknown.err().contains("\tat "), unknown.err());
    }

    @Test
    void graphPrintsDotAndJson() throws IOException {
        String src = file("m.cnn", "network M\ninput x: 3x8x8\na = x -> c1: conv(4, 1)\nb = x -> c2: conv(4, 1)\n"
                + "output y = add(a, b)\n");
        Cli dot = Cli.run("graph", src);
        assertEquals(ExitCode.OK, dot.code());
        assertTrue(dot.out().startsWith("strict digraph \"M\" {") || dot.out().startsWith("digraph \"M\" {"), dot.out());
        assertTrue(dot.out().contains("n1 -> n3 [ label=\"0\" ];"), dot.out());
        assertTrue(dot.out().contains("n2 -> n3 [ label=\"1\" ];"), dot.out());
        Cli json = Cli.run("graph", src, "--format", "json");
        JsonNode root = new ObjectMapper().readTree(json.out());
        assertEquals("M", root.get("network").asText());
        assertEquals(4, root.get("layers").size());
        JsonNode add = root.get("layers").get(3);
        assertEquals("add_1", add.get("name").asText(), "a merge is named like any operator");
        assertEquals("[\"c1\",\"c2\"]", add.get("inputs").toString());
        assertEquals(4, root.get("layers").get(1).get("args").get("filters").asInt());
    }

    @Test
    void versionAndHelp() {
        assertTrue(Cli.run("--version").out().startsWith("cnnkit "));
        Cli help = Cli.run("check", "--help");
        assertEquals(0, help.code());
        assertTrue(help.out().contains("Usage: cnn check"), help.out());
    }
}
