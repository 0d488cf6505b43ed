package io.cnnkit.exec.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cnnkit.exec.Tensor;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.Test;

/** Reads the files written by scripts/make_torch_fixtures.py (PyTorch's own conversions and state_dicts). */
class TorchFixturesTest {
    static Path fixture(String name) {
        try {
            return Path.of(Objects.requireNonNull(TorchFixturesTest.class.getResource("/fixtures/" + name),
                    "missing fixture " + name + ": run scripts/make_torch_fixtures.py").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void halfAndBrainFloatsWidenAsPyTorchConvertsThem() {
        SafeTensors.Contents c = SafeTensors.read(fixture("dtypes.safetensors"));
        assertEquals(DType.F16, c.entries().get("f16").dtype());
        assertEquals(DType.BF16, c.entries().get("bf16").dtype());
        assertArrayEquals(c.tensors().get("f16_as_f32").toArray(), c.tensors().get("f16").toArray());
        assertArrayEquals(c.tensors().get("bf16_as_f32").toArray(), c.tensors().get("bf16").toArray());
        assertArrayEquals(new int[] {4, 6}, c.tensors().get("bf16").shape());
        assertArrayEquals(new long[] {1, -2, 3, 1L << 40, -(1L << 62), 0}, c.integers().get("i64").values());
        assertArrayEquals(new int[] {2, 3}, c.integers().get("i64").shape());
    }

    static ParamRequirement req(String name, int... shape) {
        return new ParamRequirement(name, shape);
    }

    @Test
    void lenetStateDictLoadsStrictlyAgainstThePublishedLayout() {
        List<ParamRequirement> lenet = List.of(
                req("conv1.weight", 6, 1, 5, 5), req("conv1.bias", 6),
                req("conv2.weight", 16, 6, 5, 5), req("conv2.bias", 16),
                req("fc1.weight", 120, 400), req("fc1.bias", 120),
                req("fc2.weight", 84, 120), req("fc2.bias", 84),
                req("fc3.weight", 10, 84), req("fc3.bias", 10));
        Weights w = Weights.load(fixture("lenet5.weights.safetensors"), lenet);
        assertEquals(61_706, w.asMap().values().stream().mapToInt(Tensor::size).sum());
        SafeTensors.Contents io = SafeTensors.read(fixture("lenet5.io.safetensors"));
        assertArrayEquals(new int[] {2, 1, 32, 32}, io.tensors().get("input").shape());
        assertArrayEquals(new int[] {2, 10}, io.tensors().get("output").shape());
    }

    @Test
    void resnetStateDictCarriesBatchnormCountersThatLoadingIgnores() {
        SafeTensors.Contents c = SafeTensors.read(fixture("resnet_mini.weights.safetensors"));
        assertEquals(DType.I64, c.entries().get("layer2.0.downsample.1.num_batches_tracked").dtype());
        assertArrayEquals(new long[] {100}, c.integers().get("bn1.num_batches_tracked").values());
        List<ParamRequirement> stem = List.of(req("conv1.weight", 16, 3, 3, 3), req("bn1.weight", 16),
                req("bn1.bias", 16), req("bn1.running_mean", 16), req("bn1.running_var", 16));
        WeightsException e = assertThrows(WeightsException.class,
                () -> Weights.load(fixture("resnet_mini.weights.safetensors"), stem));
        // everything beyond the stem is unexpected, except the stem's own counter
        assertFalse(e.getMessage().contains("unexpected: bn1.num_batches_tracked"));
        assertTrue(e.getMessage().contains("unexpected: layer1.0.conv1.weight [16, 16, 3, 3]"));
    }
}
