package io.cnnkit.diagram;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cnnkit.analyzer.Analysis;
import io.cnnkit.analyzer.Analyzer;
import io.cnnkit.compiler.CnnCompiler;
import io.cnnkit.compiler.Compilation;
import org.junit.jupiter.api.Test;

/** Modules nested thousands deep are drawn without a stack overflow and without indenting the text ever deeper. */
class DeepNestingTest {
    static String nested(int depth) {
        StringBuilder source = new StringBuilder("network Nest\ninput x: 1x4x4\nmodule m0() {\n  out in -> relu\n}\n");
        for (int i = 1; i < depth; i++) {
            source.append("module m").append(i).append("() {\n  out in -> m").append(i - 1).append("()\n}\n");
        }
        return source.append("output y = x -> m").append(depth - 1).append("()\n").toString();
    }

    @Test
    void fiveThousandNestedModulesGiveOneClusterEach() {
        Compilation c = CnnCompiler.compileString("nest.cnn", nested(5000));
        assertTrue(c.errors().isEmpty(), () -> c.errors().toString());
        Analysis analysis = Analyzer.analyze(c.graph().orElseThrow(), 1);
        String dot = DotWriter.write(DiagramModel.of(analysis, DiagramOptions.DEFAULT), DiagramOptions.DEFAULT);
        assertEquals(5000, dot.split("subgraph ", -1).length - 1);
        assertEquals(dot.chars().filter(ch -> ch == '{').count(), dot.chars().filter(ch -> ch == '}').count());
        // layer paths grow with the depth, the indentation does not
        assertTrue(dot.lines().allMatch(line -> line.length() - line.stripLeading().length() <= 66));
        // drawn as render draws it by default: collapsed to a legible depth, without a stack overflow
        DiagramOptions legible = DiagramOptions.DEFAULT.withDepth(
                DiagramModel.fittingDepth(analysis, DiagramOptions.DEFAULT, DiagramOptions.LEGIBLE_NODES));
        assertTrue(DiagramRenderer.svg(DiagramModel.of(analysis, legible), legible).contains("<svg"));
    }
}
