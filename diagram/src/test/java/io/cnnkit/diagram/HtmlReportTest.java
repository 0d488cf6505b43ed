package io.cnnkit.diagram;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cnnkit.analyzer.Analysis;
import io.cnnkit.analyzer.LayerStats;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class HtmlReportTest {

    static String report(Analysis analysis) {
        return HtmlReport.render(analysis, DiagramRenderer.svg(DiagramModel.of(analysis, DiagramOptions.DEFAULT),
                DiagramOptions.DEFAULT));
    }

    private static int count(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    @Test
    void oneRowAndOneNodePerLayerWithMatchingIds() {
        Analysis analysis = Fixtures.analyze(Fixtures.resource("googlenet.cnn"));
        String html = report(analysis);
        assertEquals(analysis.layers().size(), count(html, "<tr class=\"layer[ \"]"));
        for (LayerStats s : analysis.layers()) {
            String name = s.layer().name();
            assertTrue(html.contains("<tr class=\"layer" + (s.inference() ? "" : " aux") + "\" id=\"r-" + name + "\""),
                    name);
            assertTrue(html.contains("id=\"n-" + name + "\""), "no diagram node for " + name);
        }
        // the nine inception modules and the two auxiliary heads are foldable scope rows
        assertEquals(9 + 2, count(html, "<tr class=\"scope"));
    }

    @Test
    void selfContainedWithConventionTotalsAndChart() {
        Analysis analysis = Fixtures.analyze(Fixtures.example("resnet18.cnn"));
        String html = report(analysis);
        assertFalse(Pattern.compile("(src|href)\\s*=\\s*\"(https?:)?//").matcher(html).find(), "external resource");
        assertFalse(html.contains("<link"), "external stylesheet");
        assertFalse(html.contains("<?xml") || html.contains("<!DOCTYPE svg"), "SVG prolog inside HTML");
        assertTrue(html.contains("1 MAC = 1 multiply + 1 accumulate = 2 FLOPs"));
        // torchvision resnet18: 11,689,512 parameters, 1.81 GMACs
        assertTrue(html.contains("11,689,512 (11.69 M)"));
        assertTrue(html.contains("1,814,073,344 (1.81 G)"));
        long nonGlobal = analysis.layers().stream()
                .filter(s -> s.receptiveField() != null && !s.receptiveField().global()).count();
        assertEquals(nonGlobal, count(html, "<circle class=\"pt"));
        // ResNet-18's last stage sees 435 pixels with an effective stride of 32, the figure receptive-field
        // calculators give for torchvision's resnet18
        assertTrue(html.contains(">435/32<"), "layer4 receptive field");
    }

    @Test
    void namesAreEscaped() {
        assertEquals("a&lt;b&gt; &amp; &quot;c&quot;", HtmlReport.escape("a<b> & \"c\""));
    }
}
