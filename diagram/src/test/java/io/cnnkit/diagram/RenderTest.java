package io.cnnkit.diagram;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cnnkit.analyzer.Analysis;
import io.cnnkit.analyzer.LayerStats;
import io.cnnkit.diagram.Drawing.Box;
import io.cnnkit.diagram.Drawing.Text;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

/**
 * Layout and drawing: SVG that parses and names every layer, branches in source order, every text
 * inside its box as measured by the font that draws it, PNG at the asked scale, and the model zoo.
 * Times are printed for the record, never asserted.
 */
class RenderTest {

    private static DiagramRenderer.Laid laid(Analysis analysis, DiagramOptions options) {
        return DiagramRenderer.layout(DiagramModel.of(analysis, options), options);
    }

    @Test
    void svgParsesAsXmlAndHasAnIdForEveryLayer() throws Exception {
        for (Path source : new Path[] {Fixtures.resource("lenet5.cnn"), Fixtures.resource("tiny_modules.cnn")}) {
            Analysis analysis = Fixtures.analyze(source);
            Document svg = Svg.parse(laid(analysis, DiagramOptions.DEFAULT).svg());
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
        Set<String> ids = Svg.groupIds(Svg.parse(laid(analysis, DiagramOptions.DEFAULT.withDepth(1)).svg()));
        assertTrue(ids.containsAll(Set.of("c-blocks", "n-blocks.0", "n-blocks.1", "n-squeeze", "n-concat_1")), ids.toString());
    }

    /** GoogLeNet's inception branches stand left to right as the module writes them, and so do the concat's inputs. */
    @Test
    void branchesAreInSourceOrder() {
        Analysis analysis = Fixtures.analyze(Fixtures.example("googlenet.cnn"));
        for (DiagramOptions.RankDir dir : DiagramOptions.RankDir.values()) {
            Drawing drawing = laid(analysis, DiagramOptions.DEFAULT.withRankDir(dir)).drawing();
            Function<Box, Double> across = dir == DiagramOptions.RankDir.TB ? Box::x : Box::y;
            Map<String, Box> clusters = drawing.clusters().stream().collect(Collectors.toMap(Box::id, b -> b));
            for (String module : List.of("inception3a", "inception4e", "inception5b")) {
                List<Double> positions = List.of(1, 2, 3, 4).stream()
                        .map(b -> across.apply(clusters.get("c-" + module + ".branch" + b))).toList();
                assertEquals(positions.stream().sorted().toList(), positions, dir + " " + module + ": " + positions);
                List<Double> arrivals = drawing.edges().stream().filter(e -> e.to().startsWith(module + ".concat"))
                        .map(e -> {
                            Drawing.Point end = e.points().get(e.points().size() - 1);
                            return dir == DiagramOptions.RankDir.TB ? end.x() : end.y();
                        }).toList();
                assertEquals(4, arrivals.size());
                assertEquals(arrivals.stream().sorted().toList(), arrivals, dir + " " + module + " concat inputs");
            }
        }
    }

    /** Measured with the font that draws it: every line inside its node, cluster title inside its border, legend clear of the title. */
    @Test
    void everyTextFitsItsBox() {
        for (DiagramOptions options : List.of(DiagramOptions.DEFAULT, DiagramOptions.DEFAULT.withDepth(1)
                .withHeat(DiagramOptions.Heat.MACS))) {
            Drawing drawing = laid(Fixtures.analyze(Fixtures.resource("googlenet.cnn")), options).drawing();
            for (Box box : concat(drawing.nodes(), drawing.clusters(), drawing.legend())) {
                for (Text t : box.texts()) {
                    double w = DiagramFont.width(t.text(), t.size(), t.bold());
                    double left = t.anchor() == Drawing.Anchor.MIDDLE ? t.x() - w / 2 : t.x();
                    double inner = box.shape() == Drawing.Shape.OVAL ? 0.1 * box.w() : 2;
                    assertTrue(left >= box.x() + inner && left + w <= box.x() + box.w() - inner,
                            box.id() + " '" + t.text() + "' " + left + "+" + w + " in " + box.x() + "+" + box.w());
                    assertTrue(t.y() - t.size() * 0.8 >= box.y() && t.y() <= box.y() + box.h(), box.id() + " " + t.text());
                }
            }
            Text title = drawing.texts().get(0);
            for (Box cell : drawing.legend()) {
                assertTrue(cell.y() > title.y(), "legend cell above the title's baseline");
            }
            if (options.heat().isPresent()) {
                Text caption = drawing.texts().get(1);
                assertTrue(caption.y() - caption.size() > title.y(), "legend caption on the title's line");
                assertEquals(9, drawing.legend().size());
            }
        }
    }

    @SafeVarargs
    private static List<Box> concat(List<Box>... lists) {
        return java.util.Arrays.stream(lists).flatMap(List::stream).toList();
    }

    @Test
    void deepNetworksAreCollapsedUntilLegible() {
        assertEquals(Integer.MAX_VALUE, DiagramModel.fittingDepth(Fixtures.analyze(Fixtures.resource("googlenet.cnn")),
                DiagramOptions.DEFAULT, DiagramOptions.LEGIBLE_NODES));
        Analysis resnet152 = Fixtures.analyze(Fixtures.example("resnet152.cnn"));
        int depth = DiagramModel.fittingDepth(resnet152, DiagramOptions.DEFAULT, DiagramOptions.LEGIBLE_NODES);
        assertEquals(1, depth);
        assertTrue(DiagramModel.of(resnet152, DiagramOptions.DEFAULT.withDepth(depth)).nodes().size() <= DiagramOptions.LEGIBLE_NODES);
        assertTrue(DiagramModel.of(resnet152, DiagramOptions.DEFAULT.withDepth(2)).nodes().size() > DiagramOptions.LEGIBLE_NODES);
    }

    @Test
    void pngIsTheDrawingAtTheAskedScale() throws Exception {
        Analysis lenet = Fixtures.analyze(Fixtures.resource("lenet5.cnn"));
        DiagramRenderer.Laid tb = laid(lenet, DiagramOptions.DEFAULT);
        for (double scale : new double[] {1, 2}) {
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(tb.png(scale)));
            assertEquals(Math.ceil(tb.width() * scale), image.getWidth());
            assertEquals(Math.ceil(tb.height() * scale), image.getHeight());
        }
        // fourteen nodes in one column: tall and narrow; left to right: wide and low
        assertTrue(tb.height() > 4 * tb.width(), tb.width() + "x" + tb.height());
        DiagramRenderer.Laid lr = laid(lenet, DiagramOptions.DEFAULT.withRankDir(DiagramOptions.RankDir.LR));
        assertTrue(lr.width() > 3 * lr.height(), lr.width() + "x" + lr.height());
    }

    @Test
    void pngPastThePixelBoundIsRefusedNotShrunk() {
        DiagramRenderer.Laid tb = laid(Fixtures.analyze(Fixtures.resource("lenet5.cnn")), DiagramOptions.DEFAULT);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> tb.png(40));
        assertTrue(e.getMessage().contains("--scale"), e.getMessage());
    }

    @Test
    void modelZooRendersAndTimesAreReported() throws Exception {
        time("LeNet-5, first in this JVM", Fixtures.resource("lenet5.cnn"), DiagramOptions.DEFAULT);
        time("GoogLeNet, every layer", Fixtures.resource("googlenet.cnn"), DiagramOptions.DEFAULT);
        time("ResNet-18, every layer", Fixtures.example("resnet18.cnn"), DiagramOptions.DEFAULT);
        time("ResNet-152, depth 1", Fixtures.example("resnet152.cnn"), DiagramOptions.DEFAULT.withDepth(1));
        time("ResNet-152, every layer", Fixtures.example("resnet152.cnn"), DiagramOptions.DEFAULT);
    }

    private static void time(String what, Path source, DiagramOptions options) throws Exception {
        Analysis analysis = Fixtures.analyze(source);
        DiagramModel model = DiagramModel.of(analysis, options);
        long start = System.nanoTime();
        String svg = DiagramRenderer.svg(model, options);
        long millis = (System.nanoTime() - start) / 1_000_000;
        Set<String> ids = Svg.groupIds(Svg.parse(svg));
        model.nodes().forEach(n -> assertTrue(ids.contains("n-" + n.id()), n.id()));
        Path out = Path.of("target", "renders", what.replaceAll("[^A-Za-z0-9]+", "-").toLowerCase(Locale.ROOT) + ".svg");
        Files.createDirectories(out.getParent());
        Files.writeString(out, svg);
        System.out.printf(Locale.ROOT, "render time: %s (%d nodes): %d ms -> %s%n", what, model.nodes().size(), millis, out);
    }
}
