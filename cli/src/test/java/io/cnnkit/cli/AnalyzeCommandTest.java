package io.cnnkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AnalyzeCommandTest {
    private static final String LENET = """
            network LeNet5
            input image: 1x32x32
            x = image -> conv1: conv(6, 5) -> relu -> maxpool(2) -> conv2: conv(16, 5) -> relu -> maxpool(2)
            output logits = x -> flatten -> fc1: dense(120) -> relu -> fc2: dense(84) -> relu -> fc3: dense(10)
            """;
    private static final String INCEPTION = """
            network %s
            input x: 256x28x28
            module m() {
              b1 = in -> conv(128, 1)
              b2 = in -> %s conv(192, 3, pad=1)
              b3 = in -> %s conv(96, 5, pad=2)
              b4 = in -> maxpool(3, stride=1, pad=1) %s
              out concat(b1, b2, b3, b4)
            }
            output y = x -> inception: m
            """;

    @TempDir
    Path dir;

    private String file(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text).toString();
    }

    @Test
    void tableWithTotals() throws IOException {
        Cli r = Cli.run("analyze", file("lenet.cnn", LENET));
        assertEquals(ExitCode.OK, r.code(), r.err());
        assertTrue(r.out().contains("1 MAC = 1 multiply + 1 accumulate = 2 FLOPs"), r.out());
        assertTrue(r.out().contains("61,706") && r.out().contains("416,520"), r.out());
    }

    @Test
    void jsonWithBatch() throws IOException {
        Cli r = Cli.run("analyze", file("lenet.cnn", LENET), "--format", "json", "--batch", "4");
        assertEquals(ExitCode.OK, r.code(), r.err());
        JsonNode root = new ObjectMapper().readTree(r.out());
        assertEquals(1, root.get("schemaVersion").asInt());
        assertEquals(4, root.get("batch").asInt());
        assertEquals(4 * 416_520L, root.at("/totals/inference/macs").asLong());
    }

    /** LeNet-5 at batch 16 by hand: 61,706 parameters; outputs 1024 + 2·4704 + 1176 + 2·1600 + 400 + 2·120 + 2·84 + 10 per sample. */
    @Test
    void trainingMemory() throws IOException {
        String path = file("lenet.cnn", LENET);
        Cli r = Cli.run("analyze", path, "--train=adamw", "--batch", "16", "--format", "json");
        assertEquals(ExitCode.OK, r.code(), r.err());
        JsonNode totals = new ObjectMapper().readTree(r.out()).get("totals");
        assertEquals(61_706 * 4, totals.get("parameter_bytes").asLong());
        assertEquals(2 * 61_706 * 4, totals.get("optimizer_bytes").asLong());
        assertEquals(16 * 4 * (1024 + 2 * 4704 + 1176 + 2 * 1600 + 400 + 2 * 120 + 2 * 84 + 10),
                totals.get("activation_bytes").asLong());
        Cli table = Cli.run("analyze", path, "--train", "--batch", "16");
        assertTrue(table.out().contains("SGD with momentum") && table.out().contains("gradient peak"), table.out());
        Cli csv = Cli.run("analyze", path, "--train", "--format", "csv");
        assertEquals(ExitCode.INVALID_INPUT, csv.code());
        assertTrue(csv.err().contains("cnn analyze: --train prints a table or json"), csv.err());
    }

    @Test
    void csvAndMarkdownWithDepth() throws IOException {
        String path = file("naive.cnn", INCEPTION.formatted("Naive", "", "", ""));
        Cli csv = Cli.run("analyze", path, "--format", "csv", "--depth", "0");
        assertEquals(ExitCode.OK, csv.code(), csv.err());
        assertEquals(3, csv.out().lines().count(), csv.out());
        assertTrue(csv.out().lines().anyMatch(l -> l.startsWith("scope,inception,m,0,672x28x28,1089952,854196224,")),
                csv.out());
        Cli md = Cli.run("analyze", path, "--format", "markdown", "--depth", "0");
        assertTrue(md.out().contains("| inception | m (collapsed) | 672x28x28 | 1,089,952 | 854,196,224 |"), md.out());
    }

    @Test
    void shapeErrorsWriteNoReport() throws IOException {
        Cli r = Cli.run("analyze", file("bad.cnn", """
                network Bad
                input image: 3x8x8
                output y = image -> fc: dense(10)
                """));
        assertEquals(ExitCode.INVALID_INPUT, r.code());
        assertEquals("", r.out());
        assertTrue(r.err().contains("bad.cnn:3:25: error: dense needs a vector input but gets 3x8x8;"
                + " insert flatten before it"), r.err());
        assertTrue(r.err().contains("1 error in the shapes"), r.err());
    }

    @Test
    void badOptions() throws IOException {
        Cli r = Cli.run("analyze", file("lenet.cnn", LENET), "--batch", "0");
        assertEquals(ExitCode.INVALID_INPUT, r.code());
        assertEquals("cnn analyze: --batch must be at least 1, got 0\n", r.err());
        Cli unknown = Cli.run("analyze", file("lenet.cnn", LENET), "--dept", "1");
        assertEquals(ExitCode.INVALID_INPUT, unknown.code());
        assertTrue(unknown.err().startsWith("cnn analyze: Unknown options: '--dept', '1'\nPossible solutions: --depth\n"), unknown.err());
        assertTrue(unknown.err().endsWith("Try 'cnn analyze --help' for usage.\n"), unknown.err());
        assertEquals("", r.out());
        Cli missing = Cli.run("analyze", dir.resolve("missing.cnn").toString());
        assertEquals(ExitCode.INVALID_INPUT, missing.code());
        assertEquals("", missing.out());
    }

    @Test
    void compareNaiveAndBottleneckInception() throws IOException {
        String naive = file("naive.cnn", INCEPTION.formatted("Naive", "", "", ""));
        String reduced = file("reduced.cnn", INCEPTION.formatted("Reduced", "conv(64, 1) ->", "conv(64, 1) ->",
                "-> conv(64, 1)"));
        Cli r = Cli.run("compare", naive, reduced);
        assertEquals(ExitCode.OK, r.code(), r.err());
        assertTrue(r.out().contains("854,196,224") && r.out().contains("271,351,808"), r.out());
        assertTrue(r.out().contains("-582,844,416"), r.out());
        assertTrue(r.out().contains("672x28x28") && r.out().contains("480x28x28"), r.out());
        Cli json = Cli.run("compare", naive, reduced, "--format", "json");
        assertEquals(ExitCode.OK, json.code(), json.err());
        assertEquals(271_351_808L, new ObjectMapper().readTree(json.out()).at("/second/totals/macs").asLong());
    }

    @Test
    void deepNetworksFitAScreenByDefaultWithModuleSubtotals() {
        Cli deep = Cli.run("analyze", "../examples/resnet152.cnn");
        assertEquals(ExitCode.OK, deep.code(), deep.err());
        assertTrue(deep.out().lines().count() <= 45, deep.out());
        assertTrue(deep.out().contains("layer3     repeat (collapsed)  1024x14x14    40,613,888  8,015,314,944"), deep.out());
        assertTrue(deep.out().endsWith("Modules are collapsed to keep the table to a screen; --depth N expands N levels,"
                + " --depth 3 shows every layer.\n"), deep.out());
        // expanded, a module's own row carries the same subtotals as its collapsed row
        Cli all = Cli.run("analyze", "../examples/resnet152.cnn", "--depth", "3");
        String layer3 = all.out().lines().filter(l -> l.startsWith("layer3 ")).findFirst().orElseThrow();
        assertEquals(List.of("layer3", "repeat", "1024x14x14", "40,613,888", "8,015,314,944", "16,071,222,272",
                "1291/16", "162.37", "MB"), List.of(layer3.trim().split("\\s+")));
        assertFalse(all.out().contains("collapsed to keep"), "no hint when every layer is shown");
        assertTrue(all.out().lines().count() > 500);
    }

    @Test
    void compareShowsEachSidesTypeWithin120Columns() {
        Cli r = Cli.run("compare", "../examples/teaching/inception_naive.cnn", "../examples/teaching/inception_bottleneck.cnn");
        assertEquals(ExitCode.OK, r.code(), r.err());
        assertTrue(r.out().contains("inception  inception_naive/inception"), r.out());
        assertTrue(r.out().lines().allMatch(l -> l.length() <= 120), r.out());
    }
}
