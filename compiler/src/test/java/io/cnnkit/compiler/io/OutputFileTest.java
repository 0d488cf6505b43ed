package io.cnnkit.compiler.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class OutputFileTest {
    @TempDir
    Path dir;

    static Path fifo(Path path) throws IOException, InterruptedException {
        Process mkfifo = new ProcessBuilder("mkfifo", path.toString()).inheritIO().start();
        assertEquals(0, mkfifo.waitFor());
        return path;
    }

    @Test
    void writesWholeFileReadableByAllAndLeavesNoTemporaryFile() throws IOException {
        Path target = dir.resolve("g.svg");
        OutputFile.write(target, "one".getBytes());
        OutputFile.write(target, "two".getBytes());
        assertArrayEquals("two".getBytes(), Files.readAllBytes(target));
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(target)));
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count());
        }
    }

    @Test
    void keepsTheModeOfAnExistingFile() throws IOException {
        Path target = Files.writeString(dir.resolve("secret.onnx"), "old");
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-------"));
        OutputFile.write(target, "new".getBytes());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(target)));
        assertEquals("new", Files.readString(target));
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS)
    void aFifoIsNotReplaced() throws Exception {
        Path target = fifo(dir.resolve("out.onnx"));
        IOException e = assertThrows(RefusedFileException.class, () -> OutputFile.write(target, new byte[1]));
        assertEquals("it exists and is not a regular file (a device, FIFO or socket)", e.getMessage());
        assertFalse(Files.isRegularFile(target));
        assertTrue(Files.exists(target));
    }

    @Test
    void aDeviceIsNotReplaced() {
        assertThrows(RefusedFileException.class, () -> OutputFile.check(Path.of("/dev/full"), List.of()));
    }

    @Test
    void theSameFileAsAnInputIsRefusedByIdentityOrByName() throws IOException {
        Path source = Files.writeString(dir.resolve("x.cnn"), "network x");
        Path other = dir.resolve("sub/../x.cnn");
        Files.createDirectory(dir.resolve("sub"));
        IOException e = assertThrows(RefusedFileException.class, () -> OutputFile.check(other, List.of(source)));
        assertEquals("it is the same file as " + source + "; give another output path", e.getMessage());
        Path link = Files.createSymbolicLink(dir.resolve("link.cnn"), source);
        assertThrows(RefusedFileException.class, () -> OutputFile.check(link, List.of(source)));
        // two outputs that do not exist yet
        assertThrows(RefusedFileException.class,
                () -> OutputFile.check(dir.resolve("w.safetensors"), List.of(dir.resolve("sub/../w.safetensors"))));
        OutputFile.check(dir.resolve("y.cnn"), List.of(source));
        assertEquals("network x", Files.readString(source));
    }

    @Test
    void aSymbolicLinkIsFollowedAndKept() throws IOException {
        Path real = Files.writeString(dir.resolve("real.svg"), "old");
        Path link = Files.createSymbolicLink(dir.resolve("link.svg"), real);
        OutputFile.write(link, "new".getBytes());
        assertTrue(Files.isSymbolicLink(link));
        assertEquals("new", Files.readString(real));
    }

    @Test
    void missingDirectoryIsAnErrorAndWritesNothing() {
        Path target = dir.resolve("missing").resolve("g.svg");
        IOException e = assertThrows(IOException.class, () -> OutputFile.write(target, new byte[1]));
        assertEquals("folder " + dir.resolve("missing") + " does not exist", e.getMessage());
        assertFalse(Files.exists(target.getParent()));
    }

    @Test
    void aDirectoryIsNotReplaced() throws IOException {
        Path target = Files.createDirectory(dir.resolve("out.svg"));
        IOException e = assertThrows(IOException.class, () -> OutputFile.write(target, new byte[1]));
        assertEquals("it is a folder", e.getMessage());
        assertTrue(Files.isDirectory(target));
    }

    @Test
    void aFailedWriteLeavesTheOldFileAndNoTemporary() throws IOException {
        Path target = Files.writeString(dir.resolve("r.html"), "old");
        assertThrows(IOException.class, () -> OutputFile.write(target, channel -> {
            throw new IOException("disk full");
        }));
        assertEquals("old", Files.readString(target));
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count());
        }
    }
}
