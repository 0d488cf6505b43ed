package io.cnnkit.diagram;

import java.io.IOException;
import java.io.StringReader;
import java.util.HashSet;
import java.util.Set;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;

/** Parses SVG as XML with javax.xml, refusing any external DTD. */
final class Svg {
    private Svg() {
    }

    static Document parse(String svg) throws ParserConfigurationException, IOException, SAXException {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        return factory.newDocumentBuilder().parse(new InputSource(new StringReader(svg)));
    }

    /** The ids of every {@code <g>} element: nodes and clusters. */
    static Set<String> groupIds(Document document) {
        Set<String> ids = new HashSet<>();
        NodeList groups = document.getElementsByTagNameNS("http://www.w3.org/2000/svg", "g");
        for (int i = 0; i < groups.getLength(); i++) {
            ids.add(((Element) groups.item(i)).getAttribute("id"));
        }
        return ids;
    }
}
