package io.cnnkit.exec.io;

import static io.cnnkit.exec.io.TorchFixturesTest.fixture;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cnnkit.exec.Tensor;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TensorInputsTest {
    @TempDir
    Path dir;

    @Test
    void readsANamedBatchOrTheOnlyTensor() {
        Tensor batch = TensorInputs.read(fixture("lenet5.io.safetensors"), "input", new int[] {1, 32, 32});
        assertArrayEquals(new int[] {2, 1, 32, 32}, batch.shape());
        Path single = dir.resolve("one.safetensors");
        SafeTensors.write(single, Map.of("x", Tensor.of(new float[] {1, 2, 3, 4}, 1, 2, 2)));
        Tensor one = TensorInputs.read(single, "image", new int[] {1, 2, 2});
        assertArrayEquals(new int[] {1, 1, 2, 2}, one.shape());
        assertArrayEquals(new float[] {1, 2, 3, 4}, one.toArray());
    }

    @Test
    void mismatchesAreNamed() {
        Path file = fixture("lenet5.io.safetensors");
        InputException wrongShape = assertThrows(InputException.class,
                () -> TensorInputs.read(file, "input", new int[] {3, 32, 32}));
        assertEquals(file + ": tensor of shape [2, 1, 32, 32] does not fit input 'input' of shape [3, 32, 32]"
                + " (with or without a batch dimension)", wrongShape.getMessage());
        InputException ambiguous = assertThrows(InputException.class,
                () -> TensorInputs.read(file, "image", new int[] {1, 32, 32}));
        assertTrue(ambiguous.getMessage().contains("no tensor named 'image' among [input, output]"), ambiguous.getMessage());
    }
}
