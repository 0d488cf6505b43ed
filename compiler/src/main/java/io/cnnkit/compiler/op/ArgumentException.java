package io.cnnkit.compiler.op;

/** An argument that does not fit its parameter; {@code parameter} locates it at the call. */
public final class ArgumentException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String parameter;

    public ArgumentException(String parameter, String message) {
        super(message);
        this.parameter = parameter;
    }

    public String parameter() {
        return parameter;
    }
}
