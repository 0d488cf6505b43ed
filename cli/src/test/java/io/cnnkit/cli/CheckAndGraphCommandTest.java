package io.cnnkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

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
                + "                             ^~~~~\n"
                + "  help: replace 'strid' with 'stride'\n", run.err());
        assertTrue(run.out().endsWith(": failed (1 error, 0 warnings)\n"), run.out());
    }

    @Test
    void checkFindsShapeErrorsAndNamesEachMergeInput() throws IOException {
        String bad = file("shapes.cnn", """
                network S
                input image: 3x32x32
                a = image -> conv(32, 3, pad=1)
                b = image -> conv(16, 3, pad=1)
                c = image -> conv(8, 3) : 8x32x32
                d = image -> conv(8, 40)
                output y = add(a, b) -> flatten -> dense(10)
                output z = concat(c, d) -> dense(10)
                output w = image -> conv(4, 3) -> dense(10)
                """);
        Cli run = Cli.run("check", bad);
        assertEquals(ExitCode.INVALID_INPUT, run.code());
        assertEquals(bad + ": 12 layers, 3 outputs (4 errors, 0 warnings)\n", run.out());
        assertTrue(run.err().contains(bad + ":7:12: error: add inputs must have the same shape: 'a' is 32x32x32,"
                + " 'b' is 16x32x32 [add-shape-mismatch]\n"
                + "  output y = add(a, b) -> flatten -> dense(10)\n"
                + "             ^~~~~~~~~\n"
                + bad + ":3:1: note: 'a' is defined here, 32x32x32\n"
                + "  a = image -> conv(32, 3, pad=1)\n"
                + "  ^\n"
                + bad + ":4:1: note: 'b' is defined here, 16x32x32\n"), run.err());
        assertTrue(run.err().contains(bad + ":5:14: error: conv output is 8x30x30 but the assertion says 8x32x32"
                + " [shape-assertion]"), run.err());
        assertTrue(run.err().contains(bad + ":6:14: error: conv kernel 40 is larger than the padded input 32x32"),
                run.err());
        assertTrue(run.err().contains(bad + ":9:35: error: dense needs a vector input but gets 4x30x30"), run.err());
        assertTrue(run.err().contains("  help: insert 'flatten ->' before the dense layer"), run.err());
        assertFalse(run.err().contains("concat"), "the concat after a failed conv is not reported again");
    }

    @Test
    void checkWritesDiagnosticRecordsAsJson() throws IOException {
        String bad = file("pad.cnn", "network P\ninput x: 3x8x8\na = x -> conv(4, 3, padding=1)\nb = x -> conv(2, 1)\n"
                + "output y = add(a, b)\n");
        Cli run = Cli.run("check", "--format", "json", bad);
        assertEquals(ExitCode.INVALID_INPUT, run.code());
        assertEquals("", run.err());
        JsonNode d = new ObjectMapper().readTree(run.out()).get("diagnostics").get(0);
        assertEquals(bad, d.get("file").asText());
        assertEquals("{\"start\":{\"line\":3,\"column\":21},\"end\":{\"line\":3,\"column\":28}}",
                d.get("range").toString());
        assertEquals("error", d.get("severity").asText());
        assertEquals("unknown-argument", d.get("code").asText());
        JsonNode fix = d.get("fixes").get(0);
        assertEquals("pad", fix.get("replacement").asText());
        assertEquals(d.get("range"), fix.get("range"));

        String merge = file("merge.cnn", "network M\ninput x: 3x8x8\na = x -> conv(4, 3, pad=1)\nb = x -> conv(2, 1)\n"
                + "output y = add(a, b)\n");
        JsonNode m = new ObjectMapper().readTree(Cli.run("check", "--format", "json", merge).out()).get("diagnostics")
                .get(0);
        assertEquals("add-shape-mismatch", m.get("code").asText());
        assertEquals(2, m.get("related").size());
        assertEquals("'b' is defined here, 2x8x8", m.get("related").get(1).get("message").asText());
        assertEquals(4, m.get("related").get(1).get("range").get("start").get("line").asInt());

        Cli analyze = Cli.run("analyze", "--format", "json", merge);
        assertEquals(ExitCode.INVALID_INPUT, analyze.code());
        assertEquals(m, new ObjectMapper().readTree(analyze.out()).get("diagnostics").get(0),
                "analyze --format json prints the same records on errors");
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
    void aProcessRunningOneQuickCommandBuildsOnlyThatOne() throws IOException {
        String ok = file("one.cnn", "network A\ninput x: 3x8x8\noutput y = x -> conv(4, 3) -> relu\n");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine alone = CnnCli.forArguments(new String[] {"check", ok}, new PrintWriter(out), new PrintWriter(err));
        assertEquals(List.of("check"), List.copyOf(alone.getSubcommands().keySet()));
        assertEquals(ExitCode.OK, alone.execute("check", ok));
        assertEquals(Cli.run("check", ok).out(), out.toString());
        StringWriter help = new StringWriter();
        CnnCli.forArguments(new String[] {"check"}, new PrintWriter(help), new PrintWriter(help)).execute("check", "-h");
        assertEquals(Cli.run("check", "-h").out(), help.toString());
        assertTrue(CnnCli.forArguments(new String[] {"run"}, new PrintWriter(out), new PrintWriter(err))
                .getSubcommands().containsKey("render"), "other commands get the full command line");
    }

    @Test
    void versionAndHelp() {
        assertTrue(Cli.run("--version").out().startsWith("cnnkit "));
        Cli help = Cli.run("check", "--help");
        assertEquals(0, help.code());
        assertTrue(help.out().contains("Usage: cnn check"), help.out());
    }
}
