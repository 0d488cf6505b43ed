package io.cnnkit.diagram;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A training run as {@code cnn train --metrics} writes it, one JSON object a line: per epoch the
 * learning rate, training and validation loss and accuracy; every K steps ({@code "kind":
 * "layers"}) the step's loss and per-layer statistics, of which the report draws the gradient norms.
 *
 * @param name what the run is called in legends (the file's name)
 */
public record RunLog(String name, List<Epoch> epochs, List<Sample> samples) {

    /** One epoch's line; NaN for figures the run did not measure (no validation data). */
    public record Epoch(int epoch, long step, double lr, double trainLoss, double trainTop1, double valLoss,
                        double valTop1) {
    }

    /**
     * One statistics line: the step, its loss, the learning rate it used (NaN in runs written
     * before the rate was recorded), and each layer's weight gradient norm, in network order.
     */
    public record Sample(long step, double loss, double lr, Map<String, Double> gradNorms) {
        public Sample {
            gradNorms = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(gradNorms));
        }
    }

    public RunLog {
        epochs = List.copyOf(epochs);
        samples = List.copyOf(samples);
    }

    /** Layers with a gradient norm in any sample, in the order they first appear. */
    public List<String> gradLayers() {
        Set<String> names = new LinkedHashSet<>();
        samples.forEach(s -> names.addAll(s.gradNorms().keySet()));
        return new ArrayList<>(names);
    }

    /** The last sample's gradient norms, or none. */
    public Map<String, Double> lastGradNorms() {
        return samples.isEmpty() ? Map.of() : samples.get(samples.size() - 1).gradNorms();
    }

    /**
     * @throws IllegalArgumentException naming the file and line for anything that is not such a
     *                                  line, and for a file with neither epochs nor samples
     */
    public static RunLog read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException | UncheckedIOException e) {
            throw new IllegalArgumentException(file + ": cannot read: " + e.getMessage());
        }
        ObjectMapper json = new ObjectMapper();
        List<Epoch> epochs = new ArrayList<>();
        List<Sample> samples = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue;
            }
            String where = file + ":" + (i + 1) + ": ";
            JsonNode line;
            try {
                line = json.readTree(lines.get(i));
            } catch (IOException e) {
                throw new IllegalArgumentException(where + "not a JSON object (is this a cnn train --metrics file?)");
            }
            if (line == null || !line.isObject() || !line.path("step").isNumber()) {
                throw new IllegalArgumentException(where + "expected an object with a \"step\" (cnn train --metrics)");
            }
            if (line.path("kind").asText("").equals("layers")) {
                Map<String, Double> norms = new LinkedHashMap<>();
                for (JsonNode layer : line.path("layers")) {
                    if (layer.path("grad_norm").isNumber()) {
                        norms.put(layer.path("name").asText(), layer.get("grad_norm").asDouble());
                    }
                }
                samples.add(new Sample(line.get("step").asLong(), number(line, "loss"), number(line, "lr"), norms));
            } else if (line.path("epoch").isNumber()) {
                epochs.add(new Epoch(line.get("epoch").asInt(), line.get("step").asLong(), number(line, "lr"),
                        number(line, "train_loss"), number(line, "train_top1"), number(line, "val_loss"),
                        number(line, "val_top1")));
            }
        }
        if (epochs.isEmpty() && samples.isEmpty()) {
            throw new IllegalArgumentException(file + ": no epochs or statistics in it (cnn train --metrics writes them)");
        }
        return new RunLog(file.getFileName().toString(), epochs, samples);
    }

    private static double number(JsonNode line, String key) {
        return line.path(key).isNumber() ? line.get(key).asDouble() : Double.NaN;
    }
}
