package io.cnnkit.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cnnkit.compiler.graph.Layer;
import io.cnnkit.train.TrainingNetwork;
import io.cnnkit.train.insight.LayerStatistics;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/** What {@code cnn train} adds for looking into a run: layers to freeze, and statistics lines for the metrics file. */
final class TrainingInsight {
    private static final ObjectMapper JSON = new ObjectMapper();

    private TrainingInsight() {
    }

    /**
     * The layers with parameters that {@code patterns} names: comma-separated globs over layer names
     * ({@code *} crosses dots); a leading {@code !} on the whole list freezes every such layer the
     * globs do not match ({@code !fc}: all but the head).
     *
     * @throws IllegalArgumentException when the list freezes nothing, or everything
     */
    static Set<String> frozenLayers(TrainingNetwork net, Predicate<String> hasParams, String patterns) {
        if (patterns == null) {
            return Set.of();
        }
        boolean invert = patterns.startsWith("!");
        List<PathMatcher> matchers = new ArrayList<>();
        for (String glob : (invert ? patterns.substring(1) : patterns).split(",")) {
            if (glob.isBlank()) {
                throw new IllegalArgumentException("--freeze: an empty pattern in '" + patterns + "'");
            }
            matchers.add(FileSystems.getDefault().getPathMatcher("glob:" + glob.strip().replace("/", "\\/")));
        }
        Set<String> frozen = new LinkedHashSet<>();
        int withParams = 0;
        for (Layer layer : net.graph().layers()) {
            if (!hasParams.test(layer.name())) {
                continue;
            }
            withParams++;
            boolean matched = matchers.stream().anyMatch(m -> m.matches(Path.of(layer.name())));
            if (matched != invert) {
                frozen.add(layer.name());
            }
        }
        if (frozen.isEmpty()) {
            throw new IllegalArgumentException("--freeze '" + patterns + "' matches no layer with parameters");
        }
        if (frozen.size() == withParams) {
            throw new IllegalArgumentException("--freeze '" + patterns + "' freezes every layer: nothing would train");
        }
        return frozen;
    }

    /** One metrics line: {@code "kind": "layers"}, the step, its loss, and per layer the figures that apply. */
    static ObjectNode statsLine(LayerStatistics.Sample sample) {
        ObjectNode line = JSON.createObjectNode().put("kind", "layers").put("step", sample.step())
                .put("loss", sample.loss()).put("lr", sample.lr());
        put(line, "stats_cpu_ms", sample.statsMillis());
        put(line, "step_cpu_ms", sample.stepMillis());
        ArrayNode layers = line.putArray("layers");
        for (LayerStatistics.Row r : sample.rows()) {
            ObjectNode o = layers.addObject().put("name", r.layer());
            put(o, "grad_norm", r.gradNorm());
            put(o, "weight_norm", r.weightNorm());
            put(o, "update_ratio", r.updateRatio());
            put(o, "act_mean", r.activationMean());
            put(o, "act_std", r.activationStd());
            put(o, "zero_fraction", r.zeroFraction());
        }
        return line;
    }

    private static void put(ObjectNode o, String key, double v) {
        if (Double.isFinite(v)) {
            o.put(key, (float) v); // float precision keeps the lines short
        }
    }
}
