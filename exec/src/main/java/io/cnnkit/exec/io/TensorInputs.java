package io.cnnkit.exec.io;

import io.cnnkit.exec.Tensor;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/** Raw network inputs stored as safetensors (instead of images). */
public final class TensorInputs {
    private TensorInputs() {
    }

    /**
     * The input batch for a network input named {@code inputName} with per-sample shape
     * {@code perSample} (C×H×W or F): the file's tensor of that name, or its only tensor; of
     * shape {@code [N, ...perSample]}, or {@code perSample} alone for a batch of one.
     *
     * @throws InputException naming the file when the tensor is absent, ambiguous or mis-shaped
     * @throws WeightsException when the file itself is malformed
     */
    public static Tensor read(Path file, String inputName, int[] perSample) {
        Map<String, Tensor> tensors = SafeTensors.read(file).tensors();
        Tensor t = tensors.get(inputName);
        if (t == null) {
            if (tensors.size() != 1) {
                throw new InputException(file + ": no tensor named '" + inputName + "' among "
                        + tensors.keySet() + " (a file with one float tensor may use any name)");
            }
            t = tensors.values().iterator().next();
        }
        int[] shape = t.shape();
        if (Arrays.equals(shape, perSample)) {
            int[] batched = new int[perSample.length + 1];
            batched[0] = 1;
            System.arraycopy(perSample, 0, batched, 1, perSample.length);
            return t.reshape(batched);
        }
        if (shape.length == perSample.length + 1 && shape[0] > 0
                && Arrays.equals(Arrays.copyOfRange(shape, 1, shape.length), perSample)) {
            return t;
        }
        throw new InputException(file + ": tensor of shape " + Arrays.toString(shape) + " does not fit input '"
                + inputName + "' of shape " + Arrays.toString(perSample) + " (with or without a batch dimension)");
    }
}
