package io.cnnkit.exec.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/** Writes a file through a temporary sibling that is moved into place only when complete. */
public final class AtomicFiles {
    private AtomicFiles() {
    }

    /** Fills a channel; may throw {@link IOException}. */
    @FunctionalInterface
    public interface ChannelWriter {
        void write(FileChannel channel) throws IOException;
    }

    /**
     * Writes {@code file} atomically: nothing is left behind on failure (the temporary file is
     * deleted), and an existing file is replaced only by a complete one.
     *
     * @throws WeightsException naming the file when it cannot be written
     */
    public static void write(Path file, ChannelWriter writer) {
        Path absolute = file.toAbsolutePath();
        Path dir = absolute.getParent();
        if (Files.isDirectory(absolute)) {
            throw new WeightsException(file + ": cannot write: it is a folder");
        }
        Path tmp = null;
        try {
            // not Files.createTempFile: its owner-only permissions would carry over to the result
            tmp = dir.resolve("." + absolute.getFileName() + "." + ProcessHandle.current().pid() + "."
                    + Long.toUnsignedString(System.nanoTime(), 36) + ".tmp");
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                writer.write(channel);
                channel.force(true);
            }
            try {
                Files.move(tmp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException ex) {
                Files.move(tmp, absolute, StandardCopyOption.REPLACE_EXISTING);
            }
            tmp = null;
        } catch (IOException ex) {
            throw new WeightsException(file + ": cannot write: " + SafeTensors.describe(ex), ex);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort; the original failure is what the user needs to see
                }
            }
        }
    }
}
