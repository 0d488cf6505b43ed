package io.cnnkit.compiler.op;

/** An argument that does not fit its parameter; {@code parameter} locates it at the call. */
public final class ArgumentException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String parameter;
    private final boolean wrongType;

    /** {@code wrongType}: the value is of the wrong kind, rather than out of range. */
    public ArgumentException(String parameter, String message, boolean wrongType) {
        super(message);
        this.parameter = parameter;
        this.wrongType = wrongType;
    }

    public boolean wrongType() {
        return wrongType;
    }

    public String parameter() {
        return parameter;
    }
}
