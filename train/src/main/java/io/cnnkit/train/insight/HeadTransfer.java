package io.cnnkit.train.insight;

import io.cnnkit.exec.Tensor;
import io.cnnkit.exec.io.ParamRequirement;
import io.cnnkit.exec.io.SafeTensors;
import io.cnnkit.exec.io.TorchCheckpoint;
import io.cnnkit.exec.io.Weights;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Starting weights for fine-tuning: a file whose tensors all fit the network except those of some
 * layers whose shapes differ (typically the classifier of a pretrained network, 1000 classes,
 * against the new task's few). Those layers start from the seeded initialisation of
 * {@code cnn train --seed}; everything else is loaded. Missing or unexpected tensors, or a file
 * that fits in no layer's shape at all, are refused as by a strict load.
 *
 * @param initialised the layers initialised instead of loaded, in network order (empty: a plain load)
 */
public record HeadTransfer(Weights weights, List<String> initialised) {

    public HeadTransfer {
        initialised = List.copyOf(initialised);
    }

    public static HeadTransfer load(Path file, List<ParamRequirement> required, long seed) {
        SafeTensors.Contents contents = Files.isRegularFile(file)
                && TorchCheckpoint.detect(file) != TorchCheckpoint.Format.SAFETENSORS
                ? TorchCheckpoint.read(file) : SafeTensors.read(file);
        Set<String> reshaped = new LinkedHashSet<>();
        for (ParamRequirement r : required) {
            Tensor t = contents.tensors().get(r.name());
            if (t != null && !Arrays.equals(t.shape(), r.shape())) {
                reshaped.add(r.name().substring(0, r.name().lastIndexOf('.')));
            }
        }
        if (reshaped.isEmpty() || reshaped.size() * 2 > required.size()) {
            return new HeadTransfer(Weights.load(file, required), List.of()); // strict: its message names every problem
        }
        List<ParamRequirement> fresh = new ArrayList<>();
        for (ParamRequirement r : required) {
            if (reshaped.contains(r.name().substring(0, r.name().lastIndexOf('.')))) {
                fresh.add(r);
            }
        }
        Map<String, Tensor> initial = Weights.initialize(fresh, seed).asMap();
        Map<String, Tensor> merged = new LinkedHashMap<>();
        contents.tensors().forEach((name, t) -> {
            if (!reshaped.contains(name.contains(".") ? name.substring(0, name.lastIndexOf('.')) : name)) {
                merged.put(name, t);
            }
        });
        merged.putAll(initial);
        Map<String, Tensor> ordered = new LinkedHashMap<>();
        for (ParamRequirement r : required) {
            if (merged.containsKey(r.name())) {
                ordered.put(r.name(), merged.remove(r.name()));
            }
        }
        merged.keySet().removeIf(n -> n.endsWith(".num_batches_tracked"));
        ordered.putAll(merged); // anything left over is reported as unexpected by the strict check
        return new HeadTransfer(Weights.of(ordered).requireExactly(required), new ArrayList<>(reshaped));
    }
}
