package io.cnnkit.diagram;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutputFilesTest {
    @TempDir
    Path dir;

    @Test
    void writesWholeFileReadableByAllAndLeavesNoTemporaryFile() throws IOException {
        Path target = dir.resolve("g.svg");
        OutputFiles.write(target, "one".getBytes());
        OutputFiles.write(target, "two".getBytes());
        assertArrayEquals("two".getBytes(), Files.readAllBytes(target));
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(target)));
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count());
        }
    }

    @Test
    void missingDirectoryIsAnErrorAndWritesNothing() {
        Path target = dir.resolve("missing").resolve("g.svg");
        IOException e = assertThrows(IOException.class, () -> OutputFiles.write(target, new byte[1]));
        assertEquals("directory " + dir.resolve("missing") + " does not exist", e.getMessage());
        assertEquals(false, Files.exists(target.getParent()));
    }

    @Test
    void aDirectoryIsNotReplaced() throws IOException {
        Path target = Files.createDirectory(dir.resolve("out.svg"));
        IOException e = assertThrows(IOException.class, () -> OutputFiles.write(target, new byte[1]));
        assertEquals(target.toAbsolutePath() + " is a directory", e.getMessage());
        assertEquals(true, Files.isDirectory(target));
    }
}
