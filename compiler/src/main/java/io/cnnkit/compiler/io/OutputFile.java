package io.cnnkit.compiler.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The one way every command writes a file: whole or not at all (a temporary sibling moved into
 * place), never over a device, FIFO or folder, never over one of the command's own inputs, and
 * keeping an existing file's permissions.
 */
public final class OutputFile {
    private static final Set<PosixFilePermission> NEW_FILE = PosixFilePermissions.fromString("rw-r--r--");

    private OutputFile() {
    }

    /** Fills the temporary file; may throw {@link IOException}. */
    @FunctionalInterface
    public interface ChannelWriter {
        void write(FileChannel channel) throws IOException;
    }

    /**
     * Refuses {@code target} before any work is done: an existing non-regular file, a missing
     * folder, or the same file as one of {@code inputs} (null entries are skipped).
     *
     * @throws RefusedFileException saying why, without the path (callers name the file)
     */
    public static void check(Path target, Collection<Path> inputs) throws RefusedFileException {
        Path absolute = target.toAbsolutePath();
        if (Files.isDirectory(absolute)) {
            throw new RefusedFileException("it is a folder");
        }
        if (Files.exists(absolute, LinkOption.NOFOLLOW_LINKS) && Files.exists(absolute) && !Files.isRegularFile(absolute)) {
            throw new RefusedFileException("it exists and is not a regular file (a device, FIFO or socket)");
        }
        Path dir = absolute.getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new RefusedFileException("folder " + dir + " does not exist");
        }
        for (Path input : inputs) {
            if (input != null && sameFile(target, input)) {
                throw new RefusedFileException("it is the same file as " + input
                        + "; give another output path");
            }
        }
    }

    /** Writes {@code bytes} to {@code target} as {@link #write(Path, ChannelWriter)} does. */
    public static void write(Path target, byte[] bytes) throws IOException {
        write(target, channel -> {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        });
    }

    /**
     * Writes {@code target} through a temporary file in its folder that is moved into place only
     * when complete; on failure nothing is left behind and an existing file is unchanged. A
     * symbolic link is followed (its target is replaced, the link kept).
     */
    public static void write(Path target, ChannelWriter writer) throws IOException {
        check(target, List.of());
        Path absolute = target.toAbsolutePath();
        Path destination = Files.exists(absolute) ? absolute.toRealPath() : absolute;
        // not Files.createTempFile: its owner-only mode would be what the user gets
        Path temp = destination.resolveSibling("." + destination.getFileName() + "." + ProcessHandle.current().pid()
                + "." + Long.toUnsignedString(System.nanoTime(), 36) + ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                writer.write(channel);
                channel.force(true);
            }
            keepPermissions(temp, destination);
            // re-checked just before the move: a FIFO or device may have appeared meanwhile
            check(destination, List.of());
            try {
                Files.move(temp, destination, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, destination, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** An existing file keeps its mode (e.g. 0600); a new one gets rw-r--r-- as under the usual umask. */
    private static void keepPermissions(Path temp, Path destination) throws IOException {
        if (!Files.getFileStore(temp).supportsFileAttributeView(PosixFileAttributeView.class)) {
            return;
        }
        Files.setPosixFilePermissions(temp, Files.exists(destination)
                ? Files.getPosixFilePermissions(destination) : NEW_FILE);
    }

    /**
     * Whether two paths name one file: by identity when both exist, else by their folder's real
     * path and their name (two outputs not written yet).
     */
    static boolean sameFile(Path a, Path b) {
        try {
            if (Files.exists(a) && Files.exists(b)) {
                return Files.isSameFile(a, b);
            }
            if (Files.exists(a) != Files.exists(b)) {
                return false;
            }
            return Objects.equals(canonical(a), canonical(b));
        } catch (IOException e) {
            return false;
        }
    }

    private static Path canonical(Path p) throws IOException {
        Path absolute = p.toAbsolutePath().normalize();
        Path dir = absolute.getParent();
        return dir != null && Files.isDirectory(dir) ? dir.toRealPath().resolve(absolute.getFileName()) : absolute;
    }
}
