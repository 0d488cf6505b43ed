package io.cnnkit.compiler.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The one way commands open the files they read (sources, weights, ONNX models, labels, class
 * lists, images): only a regular file, and only up to a stated size. A FIFO or device would block
 * on open or never end, so it is refused before it is opened.
 */
public final class InputFile {
    private InputFile() {
    }

    /**
     * Checks that {@code file} is a regular file of at most {@code maxBytes} and returns its size.
     *
     * @throws RefusedFileException saying why, without the path (callers name the file)
     */
    public static long check(Path file, long maxBytes) throws IOException {
        if (!Files.exists(file)) {
            throw new RefusedFileException("no such file");
        }
        if (Files.isDirectory(file)) {
            throw new RefusedFileException("it is a folder, not a file");
        }
        if (!Files.isRegularFile(file)) {
            throw new RefusedFileException("not a regular file (a device, FIFO or socket)");
        }
        long size = Files.size(file);
        if (size > maxBytes) {
            throw new RefusedFileException(size + " bytes is more than the " + maxBytes + " this file may have");
        }
        return size;
    }

    /** Opens a checked regular file for reading. */
    public static FileChannel open(Path file, long maxBytes) throws IOException {
        check(file, maxBytes);
        return FileChannel.open(file, StandardOpenOption.READ);
    }

    /** The whole content of a checked regular file; reads no more than {@code maxBytes} even if it grows. */
    public static byte[] readAll(Path file, long maxBytes) throws IOException {
        try (FileChannel channel = open(file, maxBytes)) {
            long size = channel.size();
            if (size > maxBytes) {
                throw new RefusedFileException(size + " bytes is more than the " + maxBytes + " this file may have");
            }
            ByteBuffer buffer = ByteBuffer.allocate((int) size);
            while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
                // until full or at the end (the file may have shrunk)
            }
            byte[] bytes = new byte[buffer.position()];
            buffer.flip().get(bytes);
            return bytes;
        }
    }
}
