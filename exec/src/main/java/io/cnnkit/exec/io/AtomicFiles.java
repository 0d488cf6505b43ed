package io.cnnkit.exec.io;

import io.cnnkit.compiler.io.OutputFile;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/** {@link OutputFile} for the weight and model writers, whose failures are {@link WeightsException}s. */
public final class AtomicFiles {
    private AtomicFiles() {
    }

    /** Fills a channel; may throw {@link IOException}. */
    @FunctionalInterface
    public interface ChannelWriter {
        void write(FileChannel channel) throws IOException;
    }

    /**
     * Writes {@code file} atomically through {@link OutputFile#write(Path, OutputFile.ChannelWriter)}.
     *
     * @throws WeightsException naming the file when it cannot be written
     */
    public static void write(Path file, ChannelWriter writer) {
        try {
            OutputFile.write(file, writer::write);
        } catch (IOException ex) {
            throw new WeightsException(file + ": cannot write: " + SafeTensors.describe(ex), ex);
        }
    }
}
