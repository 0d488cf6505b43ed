package io.cnnkit.onnx.imports;

import java.util.List;

/**
 * An ONNX model that is well formed but outside what a {@code .cnn} network can say: one entry
 * per offending node (operator, attribute or input), each naming the node.
 */
public final class UnsupportedModelException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final List<String> problems;

    public UnsupportedModelException(String model, List<String> problems) {
        super(model + ": cannot import " + problems.size() + (problems.size() == 1 ? " node" : " nodes")
                + " into .cnn:\n  " + String.join("\n  ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
