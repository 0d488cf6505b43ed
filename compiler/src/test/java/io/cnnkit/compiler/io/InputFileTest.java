package io.cnnkit.compiler.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class InputFileTest {
    @TempDir
    Path dir;

    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS)
    void aFifoIsRefusedWithoutOpeningIt() throws Exception {
        Path fifo = OutputFileTest.fifo(dir.resolve("w.safetensors"));
        IOException e = assertThrows(RefusedFileException.class, () -> InputFile.readAll(fifo, 100));
        assertEquals("not a regular file (a device, FIFO or socket)", e.getMessage());
    }

    @Test
    void devicesFoldersMissingAndOversizedFilesAreRefused() throws IOException {
        assertThrows(RefusedFileException.class, () -> InputFile.readAll(Path.of("/dev/zero"), 100));
        assertEquals("it is a folder, not a file",
                assertThrows(RefusedFileException.class, () -> InputFile.readAll(dir, 100)).getMessage());
        assertEquals("no such file", assertThrows(RefusedFileException.class,
                () -> InputFile.readAll(dir.resolve("missing"), 100)).getMessage());
        Path big = Files.write(dir.resolve("big"), new byte[101]);
        assertEquals("101 bytes is more than the 100 this file may have",
                assertThrows(RefusedFileException.class, () -> InputFile.readAll(big, 100)).getMessage());
        assertArrayEquals(new byte[101], InputFile.readAll(big, 101));
    }
}
