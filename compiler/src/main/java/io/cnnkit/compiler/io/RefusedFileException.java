package io.cnnkit.compiler.io;

import java.io.IOException;

/** A file a command will not read or write, with the reason as its message (without the path). */
public final class RefusedFileException extends IOException {
    public RefusedFileException(String reason) {
        super(reason);
    }
}
