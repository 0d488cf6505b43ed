package io.cnnkit.cli;

/** The process exit codes of every {@code cnn} command. */
public final class ExitCode {
    /** Success. */
    public static final int OK = 0;
    /** The command could not do its job: a file could not be written, a run failed. */
    public static final int FAILURE = 1;
    /** The input is invalid: compile errors, bad weights or images, wrong usage. */
    public static final int INVALID_INPUT = 2;

    private ExitCode() {
    }
}
