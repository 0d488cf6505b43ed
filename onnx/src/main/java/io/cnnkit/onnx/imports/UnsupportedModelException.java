package io.cnnkit.onnx.imports;

import io.cnnkit.compiler.Diagnostic;
import java.util.List;

/**
 * An ONNX model that is well formed but outside what a {@code .cnn} network can say: one entry
 * per offending node (operator, attribute or input), each naming the node.
 */
public final class UnsupportedModelException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final List<String> problems;

    public UnsupportedModelException(String model, List<String> problems) {
        this(model, problems.stream().map(UnsupportedModelException::printable).toList(), true);
    }

    private UnsupportedModelException(String model, List<String> printable, boolean escaped) {
        super(model + ": cannot import " + printable.size() + (printable.size() == 1 ? " node" : " nodes")
                + " into .cnn:\n  " + String.join("\n  ", printable));
        this.problems = List.copyOf(printable);
    }

    /**
     * Names from the file (nodes, operators, attributes) with control characters and bytes that
     * were not UTF-8 (decoded as U+FFFD) shown as escapes, so a damaged name is visible as such.
     */
    private static String printable(String problem) {
        return Diagnostic.printable(problem).replace("\uFFFD", "\\ufffd");
    }

    public List<String> problems() {
        return problems;
    }
}
