package io.cnnkit.compiler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

/** Notes, fixes and colour in the printed form of a diagnostic. */
class DiagnosticRendererTest {
    private static final SourceFile FILE = new SourceFile("n.cnn", "a = x -> conv(4, 3)\nb = add(a, x)\n");
    private static final Diagnostic MERGE = Diagnostic.error("add-shape-mismatch", new SourceLocation(FILE, 2, 5, 9),
                    "add inputs must have the same shape")
            .withRelated(new SourceLocation(FILE, 1, 1, 1), "'a' is defined here")
            .withFix("insert 'flatten ->'", new SourceLocation(FILE, 1, 10, 0), "flatten -> ");

    @Test
    void plainTextHasNotesAndHelpLines() {
        assertEquals("""
                n.cnn:2:5: error: add inputs must have the same shape [add-shape-mismatch]
                  b = add(a, x)
                      ^~~~~~~~~
                n.cnn:1:1: note: 'a' is defined here
                  a = x -> conv(4, 3)
                  ^
                  help: insert 'flatten ->'""", MERGE.render());
    }

    @Test
    void colourMarksSeverityCaretsNotesAndHelp() {
        String esc = "\u001b[";
        assertEquals(esc + "1mn.cnn:2:5:" + esc + "0m " + esc + "1;31merror:" + esc + "0m " + esc
                + "1madd inputs must have the same shape" + esc + "0m [add-shape-mismatch]\n"
                + "  b = add(a, x)\n"
                + "      " + esc + "1;31m^~~~~~~~~" + esc + "0m\n"
                + "n.cnn:1:1: " + esc + "1;36mnote:" + esc + "0m 'a' is defined here\n"
                + "  a = x -> conv(4, 3)\n"
                + "  " + esc + "1;36m^" + esc + "0m\n"
                + "  " + esc + "1;32mhelp:" + esc + "0m insert 'flatten ->'", DiagnosticRenderer.COLOUR.render(MERGE));
    }

    @Test
    void noColourOffATerminal() {
        assertSame(DiagnosticRenderer.PLAIN, DiagnosticRenderer.forTerminal(false));
    }

    @Test
    void anInsertionIsAnEmptyRange() {
        Diagnostic.Fix fix = MERGE.fixes().get(0);
        assertEquals(0, fix.range().length());
        assertEquals(10, fix.range().endColumn());
    }
}
