package io.cnnkit.train.data;

/** Data that cannot be used as given: unreadable, malformed, or not matching the network. The message is for the user. */
public final class DataException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DataException(String message) {
        super(message);
    }

    public DataException(String message, Throwable cause) {
        super(message, cause);
    }
}
