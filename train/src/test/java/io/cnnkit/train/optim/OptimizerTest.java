package io.cnnkit.train.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cnnkit.exec.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Five steps of each optimiser equal torch.optim on the same fixed gradients within 1e-4 relative
 * (scripts/make_train_fixtures.py, optim.json), with gradient clipping by norm where the case
 * clips; a state saved after two steps and loaded into a new optimiser continues identically; the
 * schedules give torch's learning rates.
 */
class OptimizerTest {
    static JsonNode fixture() throws IOException {
        return new ObjectMapper().readTree(Path.of("src/test/resources/fixtures/optim.json").toFile());
    }

    static Stream<JsonNode> optimisers() throws IOException {
        List<JsonNode> out = new ArrayList<>();
        fixture().get("optimisers").forEach(out::add);
        return out.stream();
    }

    static Stream<JsonNode> schedules() throws IOException {
        List<JsonNode> out = new ArrayList<>();
        fixture().get("schedules").forEach(out::add);
        return out.stream();
    }

    static Optimizer build(JsonNode c) {
        JsonNode s = c.get("settings");
        if (c.get("kind").asText().equals("sgd")) {
            return new Sgd(s.path("momentum").asDouble(0), s.path("dampening").asDouble(0),
                    s.path("nesterov").asBoolean(false), s.path("weight_decay").asDouble(0));
        }
        JsonNode betas = s.get("betas");
        return new AdamW(betas == null ? 0.9 : betas.get(0).asDouble(), betas == null ? 0.999 : betas.get(1).asDouble(),
                s.path("eps").asDouble(1e-8), s.path("weight_decay").asDouble(0.01));
    }

    static Map<String, Tensor> tensors(JsonNode lists) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (int i = 0; i < lists.size(); i++) {
            JsonNode l = lists.get(i);
            float[] v = new float[l.size()];
            for (int j = 0; j < v.length; j++) {
                v[j] = (float) l.get(j).asDouble();
            }
            out.put("p" + i, Tensor.of(v, v.length));
        }
        return out;
    }

    @ParameterizedTest(name = "{index}")
    @MethodSource("optimisers")
    void fiveStepsEqualTorch(JsonNode c) {
        Optimizer optimizer = build(c);
        Map<String, Tensor> params = tensors(c.get("initial"));
        double lr = c.get("settings").get("lr").asDouble();
        int step = 0;
        for (JsonNode s : c.get("steps")) {
            if (step == 2) {  // the state survives a save and load
                Optimizer resumed = build(c);
                resumed.load(optimizer.state());
                optimizer = resumed;
            }
            Map<String, Tensor> grads = tensors(s.get("grads"));
            if (!c.get("clip").isNull()) {
                Optimizer.clipGradNorm(grads, c.get("clip").asDouble());
            }
            optimizer.step(params, grads, lr);
            Map<String, Tensor> expected = tensors(s.get("params"));
            for (String name : params.keySet()) {
                Tensor e = expected.get(name), a = params.get(name);
                for (int i = 0; i < e.size(); i++) {
                    double error = Math.abs(a.get(i) - e.get(i)) / Math.max(1e-6, Math.abs(e.get(i)));
                    assertTrue(error <= 1e-4, c.get("name").asText() + " step " + (step + 1) + " " + name + "[" + i
                            + "]: expected " + e.get(i) + ", got " + a.get(i));
                }
            }
            step++;
        }
    }

    /**
     * SGD's blocks on 2 threads: each fixture's tensors repeated past several of its parallel
     * blocks give, element for element, what the fixture's own tensors give on one thread, bit for bit.
     */
    @ParameterizedTest(name = "{index}")
    @MethodSource("optimisers")
    void sgdOnTwoThreadsEqualsOneThread(JsonNode c) {
        if (!c.get("kind").asText().equals("sgd")) {
            return;
        }
        Optimizer small = build(c), large = build(c);
        Map<String, Tensor> params = tensors(c.get("initial")), repeated = repeat(params);
        double lr = c.get("settings").get("lr").asDouble();
        ForkJoinPool pool = new ForkJoinPool(2);
        try {
            for (JsonNode s : c.get("steps")) {
                Map<String, Tensor> grads = tensors(s.get("grads"));
                Map<String, Tensor> repeatedGrads = repeat(grads);
                small.step(params, grads, lr, null);
                large.step(repeated, repeatedGrads, lr, pool);
                for (String name : params.keySet()) {
                    Tensor one = params.get(name), two = repeated.get(name);
                    for (int i = 0; i < two.size(); i++) {
                        assertEquals(one.get(i % one.size()), two.get(i), 0f, c.get("name").asText() + " " + name);
                    }
                }
            }
        } finally {
            pool.shutdown();
        }
    }

    /** Each tensor repeated to more than 200,000 elements. */
    private static Map<String, Tensor> repeat(Map<String, Tensor> tensors) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        tensors.forEach((name, t) -> {
            int size = (200_000 / t.size() + 1) * t.size();
            Tensor r = Tensor.zeros(size);
            for (int i = 0; i < size; i++) {
                r.set(i, t.get(i % t.size()));
            }
            out.put(name, r);
        });
        return out;
    }

    @ParameterizedTest(name = "{index}")
    @MethodSource("schedules")
    void schedulesEqualTorch(JsonNode s) throws IOException {
        boolean perStep = s.path("per_step").asBoolean(false);
        Schedule schedule = new Schedule(Schedule.parseDecay(s.get("decay").asText()), s.get("warmup").asInt(),
                s.get("start").asDouble(), perStep);
        JsonNode rates = s.get("rates");
        double base = fixture().get("base_rate").asDouble();
        for (int epoch = 0; epoch < rates.size(); epoch++) {
            assertEquals(rates.get(epoch).asDouble(), schedule.rate(base, epoch, rates.size()), 1e-9,
                    s.get("decay").asText() + " epoch " + epoch);
            if (perStep) {
                // 20 steps as 4 epochs of 5: the step counts, not the epoch
                assertEquals(rates.get(epoch).asDouble(), schedule.rateAt(base, epoch / 5, 4, epoch, 5), 1e-9,
                        s.get("decay").asText() + " step " + epoch);
            }
        }
    }

    @Test
    void crossEntropyEqualsTorch() throws IOException {
        for (JsonNode c : fixture().get("losses")) {
            JsonNode rows = c.get("logits");
            int n = rows.size(), k = rows.get(0).size();
            Tensor logits = Tensor.zeros(n, k);
            int[] labels = new int[n];
            for (int b = 0; b < n; b++) {
                labels[b] = c.get("labels").get(b).asInt();
                for (int j = 0; j < k; j++) {
                    logits.set(b * k + j, (float) rows.get(b).get(j).asDouble());
                }
            }
            CrossEntropy.Result r = CrossEntropy.of(logits, labels, c.get("smoothing").asDouble());
            assertEquals(c.get("loss").asDouble(), r.loss(), 1e-5 * Math.abs(c.get("loss").asDouble()));
            for (int b = 0; b < n; b++) {
                for (int j = 0; j < k; j++) {
                    assertEquals(c.get("grad").get(b).get(j).asDouble(), r.gradient().get(b * k + j), 1e-6);
                }
            }
        }
    }

    @Test
    void rejectsBadSchedulesAndSettings() {
        assertThrows(IllegalArgumentException.class, () -> Schedule.parseDecay("step"));
        assertThrows(IllegalArgumentException.class, () -> Schedule.parseDecay("cosine:x"));
        assertThrows(IllegalArgumentException.class, () -> Schedule.parseDecay("linear"));
        assertThrows(IllegalArgumentException.class, () -> new Sgd(0, 0, true, 0));
        assertThrows(IllegalArgumentException.class, () -> new AdamW(1.0, 0.999, 1e-8, 0));
    }
}
