package io.cnnkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RenderCommandTest {
    private static final String LENET = """
            network LeNet5
            input image: 1x32x32
            x = image -> conv1: conv(6, 5) -> relu -> maxpool(2) -> conv2: conv(16, 5) -> relu -> maxpool(2)
            output logits = x -> flatten -> fc1: dense(120) -> relu -> fc2: dense(84) -> relu -> fc3: dense(10)
            """;
    private static final String BAD_SHAPES = """
            network Bad
            input image: 1x8x8
            output y = image -> conv(4, 9)
            """;

    @TempDir
    Path dir;

    private static Cli run(String... args) {
        return Cli.run(args);
    }

    private String source(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text).toString();
    }

    private void assertOnlyFiles(String... names) throws IOException {
        try (var files = Files.list(dir)) {
            assertEquals(java.util.Set.of(names), files.map(p -> p.getFileName().toString())
                    .collect(java.util.stream.Collectors.toSet()));
        }
    }

    @Test
    void writesDotSvgAndPng() throws IOException {
        String lenet = source("lenet.cnn", LENET);
        Cli dot = run("render", lenet, "-o", dir.resolve("l.dot").toString(), "--no-shapes", "--rankdir", "LR");
        assertEquals(ExitCode.OK, dot.code(), dot.err());
        String text = Files.readString(dir.resolve("l.dot"));
        assertTrue(text.startsWith("digraph \"LeNet5\"") && text.contains("rankdir=LR") && !text.contains("label=\" "), text);

        Cli svg = run("render", lenet, "-o", dir.resolve("l.svg").toString(), "--heat", "params");
        assertEquals(ExitCode.OK, svg.code(), svg.err());
        assertTrue(Files.readString(dir.resolve("l.svg")).contains("parameters per node"));
        assertEquals("wrote " + dir.resolve("l.svg") + System.lineSeparator(), svg.out());

        Cli png = run("render", lenet, "-o", dir.resolve("l.png").toString(), "--batch", "8");
        assertEquals(ExitCode.OK, png.code(), png.err());
        assertTrue(ImageIO.read(dir.resolve("l.png").toFile()).getHeight() > 500);
        assertOnlyFiles("lenet.cnn", "l.dot", "l.svg", "l.png");
    }

    @Test
    void writesTheHtmlReport() throws IOException {
        Cli r = run("report", source("lenet.cnn", LENET), "-o", dir.resolve("r.html").toString());
        assertEquals(ExitCode.OK, r.code(), r.err());
        String html = Files.readString(dir.resolve("r.html"));
        assertTrue(html.startsWith("<!DOCTYPE html>") && html.contains("61,706") && html.contains("416,520"));
    }

    @Test
    void unknownExtensionIsInvalidInputAndWritesNothing() throws IOException {
        Cli r = run("render", source("lenet.cnn", LENET), "-o", dir.resolve("l.pdf").toString());
        assertEquals(ExitCode.INVALID_INPUT, r.code());
        assertEquals("cnn render: the output file must end in .svg, .png or .dot, got " + dir.resolve("l.pdf")
                + System.lineSeparator(), r.err());
        assertOnlyFiles("lenet.cnn");
    }

    @Test
    void shapeErrorsKeepAnExistingOutputUntouched() throws IOException {
        Path out = Files.writeString(dir.resolve("old.svg"), "old");
        Cli r = run("render", source("bad.cnn", BAD_SHAPES), "-o", out.toString());
        assertEquals(ExitCode.INVALID_INPUT, r.code());
        assertTrue(r.err().contains("bad.cnn:3:") && r.err().contains("1 error in the shapes"), r.err());
        assertFalse(r.err().contains("Exception"), r.err());
        assertEquals("old", Files.readString(out));
        Cli report = run("report", dir.resolve("bad.cnn").toString(), "-o", dir.resolve("r.html").toString());
        assertEquals(ExitCode.INVALID_INPUT, report.code());
        assertOnlyFiles("bad.cnn", "old.svg");
    }

    @Test
    void badOptionsAndUnwritableOutput() throws IOException {
        String lenet = source("lenet.cnn", LENET);
        assertEquals(ExitCode.INVALID_INPUT, run("render", lenet, "-o", dir.resolve("a.svg").toString(), "--depth", "-1").code());
        Cli heat = run("render", lenet, "-o", dir.resolve("a.svg").toString(), "--heat", "watts");
        assertEquals(ExitCode.INVALID_INPUT, heat.code());
        assertTrue(heat.err().contains("macs, params, memory"), heat.err());
        Cli missing = run("render", lenet, "-o", dir.resolve("no/such/dir/a.svg").toString());
        assertEquals(ExitCode.INVALID_INPUT, missing.code());
        assertEquals("cnn render: cannot write " + dir.resolve("no/such/dir/a.svg") + ": folder "
                + dir.resolve("no/such/dir") + " does not exist" + System.lineSeparator(), missing.err());
        assertOnlyFiles("lenet.cnn");
    }

    @Test
    void scaleSetsThePngSizeAndIsChecked() throws IOException {
        String lenet = source("lenet.cnn", LENET);
        assertEquals(ExitCode.OK, run("render", lenet, "-o", dir.resolve("one.png").toString(), "--scale", "1").code());
        assertEquals(ExitCode.OK, run("render", lenet, "-o", dir.resolve("two.png").toString(), "--scale", "2").code());
        int one = ImageIO.read(dir.resolve("one.png").toFile()).getWidth();
        int two = ImageIO.read(dir.resolve("two.png").toFile()).getWidth();
        assertTrue(Math.abs(two - 2 * one) <= 1, one + " and " + two);
        for (String bad : new String[] {"0", "-1", "17"}) {
            Cli r = run("render", lenet, "-o", dir.resolve("bad.png").toString(), "--scale", bad);
            assertEquals(ExitCode.INVALID_INPUT, r.code(), bad);
            assertTrue(r.err().startsWith("cnn render: --scale must be"), r.err());
        }
        Cli huge = run("render", lenet, "-o", dir.resolve("huge.png").toString(), "--scale", "16", "--rankdir", "LR");
        assertEquals(ExitCode.FAILURE, huge.code(), huge.err());
        assertTrue(huge.err().contains("use a smaller --scale"), huge.err());
        assertOnlyFiles("lenet.cnn", "one.png", "two.png");
    }

    /** The report takes render's diagram options, and a deep network is collapsed until legible, saying so. */
    @Test
    void reportTakesTheDiagramOptionsAndDeepNetworksAreCollapsed() throws IOException {
        String lenet = source("lenet.cnn", LENET);
        Cli r = run("report", lenet, "-o", dir.resolve("l.html").toString(), "--depth", "0", "--heat", "macs",
                "--rankdir", "LR", "--no-shapes");
        assertEquals(ExitCode.OK, r.code(), r.err());
        assertTrue(Files.readString(dir.resolve("l.html")).contains("MACs per node"));
        Path resnet152 = Path.of("..", "examples", "resnet152.cnn");
        Cli deep = run("render", resnet152.toString(), "-o", dir.resolve("r.svg").toString());
        assertEquals(ExitCode.OK, deep.code(), deep.err());
        assertEquals("cnn render: 516 layers, drawn at --depth 1 to stay legible; --depth 3 draws every layer"
                + System.lineSeparator(), deep.err());
        String svg = Files.readString(dir.resolve("r.svg"));
        assertTrue(svg.contains("id=\"n-layer3.35\"") && !svg.contains("id=\"n-layer3.35.conv1\""));
        Cli every = run("render", resnet152.toString(), "-o", dir.resolve("all.svg").toString(), "--depth", "3");
        assertEquals("", every.err());
        assertTrue(Files.readString(dir.resolve("all.svg")).contains("id=\"n-layer3.35.conv1\""));
    }
}
