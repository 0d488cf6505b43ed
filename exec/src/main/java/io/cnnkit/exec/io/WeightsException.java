package io.cnnkit.exec.io;

/**
 * A weights, tensor or image file that cannot be used: malformed, truncated, lying about its
 * sizes, or not matching what the network needs. The message names the file and, where there is
 * one, the tensor; it is meant to be shown to the user as is.
 */
public final class WeightsException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public WeightsException(String message) {
        super(message);
    }

    public WeightsException(String message, Throwable cause) {
        super(message, cause);
    }
}
