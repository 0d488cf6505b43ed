package io.cnnkit.analyzer.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cnnkit.analyzer.TrainingMemory;
import java.io.UncheckedIOException;
import java.util.Locale;

/** {@code cnn analyze --train}: the training memory per layer and in total, as a table or JSON. */
public final class TrainingMemoryReport {
    private TrainingMemoryReport() {
    }

    /** What each state-copy count means, for the heading. */
    public static String optimizerName(int copies) {
        return switch (copies) {
            case 0 -> "SGD without momentum (no state)";
            case 1 -> "SGD with momentum (1 buffer per parameter)";
            default -> "AdamW (2 moments per parameter)";
        };
    }

    public static String table(TrainingMemory memory) {
        int width = Math.max(5, memory.layers().stream().mapToInt(r -> r.layer().length()).max().orElse(5));
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "Training memory at batch %d, %s%n%n", memory.batch(),
                optimizerName(memory.optimizerCopies())));
        String row = "%-" + width + "s  %12s  %12s  %12s  %12s%n";
        sb.append(String.format(Locale.ROOT, row, "layer", "activations", "parameters", "param grads", "optimizer"));
        for (TrainingMemory.Row r : memory.layers()) {
            sb.append(String.format(Locale.ROOT, row, r.layer(), Units.scaledBytes(r.activationBytes()),
                    Units.scaledBytes(r.parameterBytes()), Units.scaledBytes(r.parameterGradientBytes()),
                    Units.scaledBytes(r.optimizerBytes())));
        }
        TrainingMemory.Totals t = memory.totals();
        sb.append('\n');
        sb.append("parameters and buffers  ").append(Units.bytes(t.parameterBytes())).append('\n');
        sb.append("optimizer state         ").append(Units.bytes(t.optimizerBytes())).append('\n');
        sb.append("activations kept        ").append(Units.bytes(t.activationBytes())).append('\n');
        sb.append("gradient peak           ").append(Units.bytes(t.gradientPeakBytes())).append('\n');
        sb.append("total                   ").append(Units.bytes(t.totalBytes())).append('\n');
        sb.append("""

                Activations: every layer's output (flatten is a view), dropout masks and batchnorm's batch
                statistics, kept for the backward pass. Gradient peak: the largest sum, during the backward
                pass, of the live activation gradients and the parameter gradients so far. Kernel workspaces
                (im2col columns, packed weights) are not counted. cnn train holds exactly this total.
                """);
        return sb.toString();
    }

    public static String json(TrainingMemory memory) {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = mapper.createObjectNode();
        root.put("batch", memory.batch());
        root.put("optimizer_state_copies", memory.optimizerCopies());
        ArrayNode layers = root.putArray("layers");
        for (TrainingMemory.Row r : memory.layers()) {
            layers.addObject().put("layer", r.layer()).put("activation_bytes", r.activationBytes())
                    .put("parameter_bytes", r.parameterBytes()).put("parameter_gradient_bytes", r.parameterGradientBytes())
                    .put("optimizer_bytes", r.optimizerBytes());
        }
        TrainingMemory.Totals t = memory.totals();
        root.putObject("totals").put("parameter_bytes", t.parameterBytes()).put("optimizer_bytes", t.optimizerBytes())
                .put("activation_bytes", t.activationBytes()).put("gradient_peak_bytes", t.gradientPeakBytes())
                .put("total_bytes", t.totalBytes());
        try {
            return mapper.writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
