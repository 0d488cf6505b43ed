package io.cnnkit.exec.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cnnkit.exec.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LabelsTest {
    @TempDir
    Path dir;

    @Test
    void readsOneLabelPerLine() throws IOException {
        Path p = dir.resolve("labels.txt");
        Files.write(p, "\uFEFFtench\r\ngoldfish\r\ngreat white shark, white shark\n\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertEquals(List.of("tench", "goldfish", "great white shark, white shark"), Labels.read(p));
    }

    @Test
    void badLabelFilesGiveClearErrors() throws IOException {
        Path empty = dir.resolve("empty.txt");
        Files.writeString(empty, "\n\n");
        assertEquals(empty + ": the labels file is empty", assertThrows(InputException.class, () -> Labels.read(empty)).getMessage());
        Path binary = dir.resolve("bin.txt");
        Files.write(binary, new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1});
        assertTrue(assertThrows(InputException.class, () -> Labels.read(binary)).getMessage().contains("not UTF-8"));
    }

    @Test
    void devicesFifosAndFoldersAreRefusedBeforeReadingAndBigFilesBeforeReading() throws Exception {
        // /dev/zero never ends and a FIFO blocks on open: only a type check before opening stops them
        String hint = "; --labels takes a UTF-8 text file, one class name a line";
        assertEquals("/dev/zero: not a regular file (a device, FIFO or socket)" + hint,
                assertThrows(InputException.class, () -> Labels.read(Path.of("/dev/zero"))).getMessage());
        Path fifo = dir.resolve("fifo");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        assertEquals(fifo + ": not a regular file (a device, FIFO or socket)" + hint,
                assertThrows(InputException.class, () -> Labels.read(fifo)).getMessage());
        assertEquals(dir + ": it is a folder, not a file" + hint,
                assertThrows(InputException.class, () -> Labels.read(dir)).getMessage());
        assertEquals(dir.resolve("none.txt") + ": no such file" + hint,
                assertThrows(InputException.class, () -> Labels.read(dir.resolve("none.txt"))).getMessage());
        Path big = dir.resolve("big.txt");
        try (var out = Files.newOutputStream(big)) {
            out.write(new byte[(int) Labels.MAX_FILE_BYTES + 1]);
        }
        assertEquals(big + ": 10000001 bytes is more than the 10000000 this file may have" + hint,
                assertThrows(InputException.class, () -> Labels.read(big)).getMessage());
    }

    @Test
    void topKRanksEachRowWithTiesByIndex() {
        Tensor scores = Tensor.of(new float[] {0.1f, 0.7f, 0.2f, 0.7f, /* row 2 */ 5, -1, 3, 4}, 2, 4);
        List<List<Labels.Prediction>> top = Labels.topK(scores, 3, List.of("a", "b", "c", "d"));
        assertEquals(List.of(new Labels.Prediction(1, 0.7f, Optional.of("b")), new Labels.Prediction(3, 0.7f, Optional.of("d")),
                new Labels.Prediction(2, 0.2f, Optional.of("c"))), top.get(0));
        assertEquals(List.of(0, 3, 2), top.get(1).stream().map(Labels.Prediction::index).toList());
        assertEquals(4, Labels.topK(scores, 10, List.of()).get(0).size());
        InputException e = assertThrows(InputException.class, () -> Labels.topK(scores, 1, List.of("a")));
        assertEquals("the labels file has 1 labels but the network has 4 classes", e.getMessage());
    }
}
