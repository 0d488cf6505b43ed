package io.cnnkit.exec.io;

/**
 * An input file (image, labels) that cannot be used: unreadable, truncated, corrupt, of an
 * unsupported format, or not matching the network's input. The message names the file and is
 * meant to be shown to the user as is.
 */
public final class InputException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public InputException(String message) {
        super(message);
    }

    public InputException(String message, Throwable cause) {
        super(message, cause);
    }
}
