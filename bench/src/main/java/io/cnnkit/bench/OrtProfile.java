package io.cnnkit.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * ONNX Runtime's own per-node profile of a model: the median kernel time of each node of the
 * optimised graph over the last runs, read from the JSON trace its session writes.
 */
record OrtProfile(List<Node> nodes) {
    /** One node of ORT's optimised graph (after its fusions) and its median time per run. */
    record Node(String name, String opType, double millis) {
    }

    /** ORT names a fused Conv+activation node "fused NAME" after the Conv node it replaces. */
    private static final String FUSED_PREFIX = "fused ";

    /**
     * Runs {@code warmup} then {@code runs} inferences in a profiling session of its own, so the
     * timed session is never slowed by profiling, and deletes the trace.
     */
    static OrtProfile measure(BenchModel bench, int threads, int warmup, int runs) throws IOException {
        Path dir = Files.createTempDirectory("cnn-bench-ort-profile");
        try {
            Path trace;
            try (OrtPeer peer = new OrtPeer(bench.onnx(), bench.inputs(), threads, dir.resolve("ort"))) {
                for (int i = 0; i < warmup + runs; i++) {
                    peer.run();
                }
                trace = peer.endProfiling();
            }
            return parse(Files.readAllBytes(trace), runs);
        } finally {
            try (var files = Files.list(dir)) {
                for (Path p : files.toList()) {
                    Files.deleteIfExists(p);
                }
            }
            Files.deleteIfExists(dir);
        }
    }

    /**
     * The trace is a JSON array of events; a node's kernel shows as one event per run with
     * category "Node", name "NODE_kernel_time", duration in microseconds and its op type in args.
     */
    static OrtProfile parse(byte[] json, int lastRuns) throws IOException {
        JsonNode events = new ObjectMapper().readTree(json);
        if (!events.isArray()) {
            throw new IOException("ONNX Runtime's profile is not a JSON array of events");
        }
        Map<String, List<Double>> micros = new LinkedHashMap<>();
        Map<String, String> opTypes = new LinkedHashMap<>();
        for (JsonNode e : events) {
            String name = e.path("name").asText();
            if (!"Node".equals(e.path("cat").asText()) || !name.endsWith("_kernel_time")) {
                continue;
            }
            String node = name.substring(0, name.length() - "_kernel_time".length());
            micros.computeIfAbsent(node, k -> new ArrayList<>()).add(e.path("dur").asDouble());
            opTypes.put(node, e.path("args").path("op_name").asText("?"));
        }
        List<Node> nodes = new ArrayList<>();
        micros.forEach((node, times) -> nodes.add(new Node(node, opTypes.get(node),
                median(times.subList(Math.max(0, times.size() - lastRuns), times.size())) / 1e3)));
        return new OrtProfile(List.copyOf(nodes));
    }

    private static double median(List<Double> values) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int n = sorted.length;
        return n == 0 ? 0 : n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /**
     * The cnnkit layer an ORT node stands for: the export names each node after its layer, so the
     * node's name (less ORT's "fused " prefix) is a layer name, or starts with one and '_' when a
     * layer exported as several nodes. Nodes ORT added (layout reorders, ...) match no layer: empty.
     */
    static String layerOf(Node node, List<String> layerNames) {
        String name = node.name().startsWith(FUSED_PREFIX) ? node.name().substring(FUSED_PREFIX.length()) : node.name();
        String best = null;
        for (String layer : layerNames) {
            boolean match = name.equals(layer) || name.startsWith(layer + "_");
            if (match && (best == null || layer.length() > best.length())) {
                best = layer;
            }
        }
        return best == null ? "" : best;
    }
}
