package io.cnnkit.diagram;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cnnkit.analyzer.Analysis;
import io.cnnkit.analyzer.LayerStats;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

/**
 * Rendering through graphviz-java's bundled engine: SVG that parses and names every layer, PNG of
 * sensible size, and the model zoo. Times are printed for the record, never asserted.
 */
class RenderTest {

    @Test
    void svgParsesAsXmlAndHasAnIdForEveryLayer() throws Exception {
        for (Path source : new Path[] {Fixtures.resource("lenet5.cnn"), Fixtures.resource("tiny_modules.cnn")}) {
            Analysis analysis = Fixtures.analyze(source);
            Document svg = Svg.parse(GraphvizRenderer.svg(Fixtures.dot(analysis, DiagramOptions.DEFAULT)));
            assertEquals("svg", svg.getDocumentElement().getLocalName());
            Set<String> ids = Svg.groupIds(svg);
            for (LayerStats s : analysis.layers()) {
                assertTrue(ids.contains("n-" + s.layer().name()), source + ": no node for " + s.layer().name());
            }
            for (var output : analysis.graph().outputs()) {
                assertTrue(ids.contains("n-out:" + output.name()), output.name());
            }
        }
    }

    @Test
    void collapsedScopesAndClustersHaveIds() throws Exception {
        Analysis analysis = Fixtures.analyze(Fixtures.resource("tiny_modules.cnn"));
        Set<String> ids = Svg.groupIds(Svg.parse(GraphvizRenderer.svg(
                Fixtures.dot(analysis, DiagramOptions.DEFAULT.withDepth(1)))));
        assertTrue(ids.containsAll(Set.of("c-blocks", "n-blocks.0", "n-blocks.1", "n-squeeze", "n-concat_1")), ids.toString());
    }

    @Test
    void pngHasSensibleDimensions() throws Exception {
        String dot = Fixtures.dot(Fixtures.analyze(Fixtures.resource("lenet5.cnn")), DiagramOptions.DEFAULT);
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(GraphvizRenderer.png(dot)));
        // fourteen nodes in one column, drawn at two pixels per point: tall and narrow
        assertTrue(image.getWidth() >= 150 && image.getWidth() <= 600, "width " + image.getWidth());
        assertTrue(image.getHeight() >= 1200 && image.getHeight() <= 3000, "height " + image.getHeight());
        String wide = Fixtures.dot(Fixtures.analyze(Fixtures.resource("lenet5.cnn")),
                DiagramOptions.DEFAULT.withRankDir(DiagramOptions.RankDir.LR));
        BufferedImage lr = ImageIO.read(new ByteArrayInputStream(GraphvizRenderer.png(wide)));
        assertTrue(lr.getWidth() > 3 * lr.getHeight(), lr.getWidth() + "x" + lr.getHeight());
    }

    @Test
    void hugePngIsScaledDownWithinBounds() {
        assertEquals(GraphvizRenderer.PNG_SCALE, GraphvizRenderer.pngScale("<svg width=\"300px\" height=\"2000px\""));
        double scale = GraphvizRenderer.pngScale("<svg width=\"600px\" height=\"60000px\"");
        assertTrue(60000 * scale <= GraphvizRenderer.MAX_PNG_SIDE && 600 * 60000 * scale * scale
                <= GraphvizRenderer.MAX_PNG_PIXELS, "scale " + scale);
    }

    @Test
    void modelZooRendersAndTimesAreReported() throws Exception {
        GraphvizRenderer.svg("digraph { a -> b }"); // engine start-up, timed apart
        time("GoogLeNet, every layer", Fixtures.resource("googlenet.cnn"), DiagramOptions.DEFAULT);
        time("ResNet-18, every layer", Fixtures.example("resnet18.cnn"), DiagramOptions.DEFAULT);
        time("ResNet-152, depth 1", Fixtures.example("resnet152.cnn"), DiagramOptions.DEFAULT.withDepth(1));
        time("ResNet-152, every layer", Fixtures.example("resnet152.cnn"), DiagramOptions.DEFAULT);
    }

    private static void time(String what, Path source, DiagramOptions options) throws Exception {
        Analysis analysis = Fixtures.analyze(source);
        DiagramModel model = DiagramModel.of(analysis, options);
        long start = System.nanoTime();
        String svg = GraphvizRenderer.svg(DotWriter.write(model, options));
        long millis = (System.nanoTime() - start) / 1_000_000;
        Set<String> ids = Svg.groupIds(Svg.parse(svg));
        model.nodes().forEach(n -> assertTrue(ids.contains("n-" + n.id()), n.id()));
        Path out = Path.of("target", "renders", what.replaceAll("[^A-Za-z0-9]+", "-").toLowerCase(Locale.ROOT) + ".svg");
        Files.createDirectories(out.getParent());
        Files.writeString(out, svg);
        System.out.printf(Locale.ROOT, "render time: %s (%d nodes): %d ms -> %s%n", what, model.nodes().size(), millis, out);
    }
}
