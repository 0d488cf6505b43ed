package io.cnnkit.analyzer;

/** Thrown by an {@link OpRule} when a layer's inputs do not fit its operator; becomes an error diagnostic. */
public final class InvalidLayerException extends Exception {
    private static final long serialVersionUID = 1L;
    private final String code;

    public InvalidLayerException(String code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    public String code() {
        return code;
    }
}
