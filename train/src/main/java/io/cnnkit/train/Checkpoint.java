package io.cnnkit.train;

import io.cnnkit.exec.Tensor;
import io.cnnkit.exec.io.SafeTensors;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a run needs to continue exactly where it stopped, in one safetensors file written
 * atomically (a temporary file, then a move, so a failed write leaves the previous checkpoint):
 * the weights under their PyTorch names, the optimiser state under {@code optimizer.KEY}, and in
 * the metadata the epochs done, the batches done of the next epoch (when stopped mid-epoch), the steps done, the seed (every random draw derives from the
 * seed, the epoch, the step and the sample, so these are the whole random state) and the optimiser's settings.
 */
public record Checkpoint(Map<String, Tensor> weights, Map<String, Tensor> optimizerState, int epochsDone,
                         int batchesDone, long stepsDone, long seed, String optimizer) {
    static final String OPTIMIZER_PREFIX = "optimizer.";

    public void write(Path file) {
        Map<String, Tensor> all = new LinkedHashMap<>(weights);
        optimizerState.forEach((k, v) -> all.put(OPTIMIZER_PREFIX + k, v));
        SafeTensors.write(file, all, Map.of("format", "cnnkit-checkpoint-1", "epochs_done", Integer.toString(epochsDone),
                "batches_done", Integer.toString(batchesDone), "steps_done", Long.toString(stepsDone), "seed", Long.toString(seed), "optimizer", optimizer));
    }

    /** @throws IllegalArgumentException if the file is not a checkpoint */
    public static Checkpoint read(Path file) {
        SafeTensors.Contents c = SafeTensors.read(file);
        Map<String, String> meta = c.metadata();
        if (!"cnnkit-checkpoint-1".equals(meta.get("format"))) {
            throw new IllegalArgumentException(file + ": not a cnnkit training checkpoint (written by cnn train each epoch)");
        }
        Map<String, Tensor> weights = new LinkedHashMap<>(), state = new LinkedHashMap<>();
        c.tensors().forEach((k, v) -> {
            if (k.startsWith(OPTIMIZER_PREFIX)) {
                state.put(k.substring(OPTIMIZER_PREFIX.length()), v);
            } else {
                weights.put(k, v);
            }
        });
        return new Checkpoint(weights, state, Integer.parseInt(meta.get("epochs_done")),
                Integer.parseInt(meta.get("batches_done")), Long.parseLong(meta.get("steps_done")), Long.parseLong(meta.get("seed")), meta.get("optimizer"));
    }
}
