package io.cnnkit.analyzer;

/**
 * Thrown by an {@link OpRule} when a layer's inputs do not fit its operator; becomes an error
 * diagnostic. {@code inputs} are the input positions (0-based) that disagree: the analyzer ends
 * the message with each one's shape, named as the source wrote it, and points to its definition.
 */
public final class InvalidLayerException extends Exception {
    private static final long serialVersionUID = 1L;
    private final String code;
    private final transient int[] inputs;

    public InvalidLayerException(String code, String message, int... inputs) {
        super(message, null, false, false);
        this.code = code;
        this.inputs = inputs.clone();
    }

    public String code() {
        return code;
    }

    public int[] inputs() {
        return inputs.clone();
    }
}
