package io.cnnkit.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cnnkit.analyzer.Analysis;
import io.cnnkit.compiler.graph.Output;
import io.cnnkit.diagram.DiagramModel;
import io.cnnkit.diagram.DiagramOptions;
import io.cnnkit.diagram.DiagramRenderer;
import java.io.StringReader;
import java.util.HashSet;
import java.util.Set;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

/**
 * Every model of the zoo draws at depth 1, as the gallery (docs/zoo.md) shows it: the SVG is
 * well-formed XML and has a node for the input and for every output.
 */
class ZooRendersTest {

    @ParameterizedTest
    @MethodSource("io.cnnkit.examples.Zoo#models")
    void rendersAtDepthOne(String file) throws Exception {
        Analysis analysis = Zoo.analyze(file);
        DiagramOptions options = DiagramOptions.DEFAULT.withDepth(1);
        String svg = DiagramRenderer.svg(DiagramModel.of(analysis, options), options);

        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new InputSource(new StringReader(svg)));
        assertEquals("svg", doc.getDocumentElement().getTagName());
        Set<String> ids = new HashSet<>();
        NodeList groups = doc.getElementsByTagName("g");
        for (int i = 0; i < groups.getLength(); i++) {
            ids.add(groups.item(i).getAttributes().getNamedItem("id") == null ? ""
                    : groups.item(i).getAttributes().getNamedItem("id").getNodeValue());
        }
        for (Output out : analysis.graph().outputs()) {
            assertTrue(ids.contains("n-out:" + out.name()), "node for output " + out.name() + " in " + ids);
        }
        assertTrue(ids.contains("n-" + analysis.graph().inputs().get(0).name()), "node for the input");
    }
}
