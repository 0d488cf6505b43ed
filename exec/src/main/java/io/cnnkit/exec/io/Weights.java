package io.cnnkit.exec.io;

import io.cnnkit.analyzer.ParamSpec;
import io.cnnkit.exec.Tensor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

/**
 * The parameters of a network, keyed {@code layerName.param} with PyTorch {@code state_dict}
 * names and layouts: conv {@code weight} [Cout, Cin/groups, kh, kw] and {@code bias} [Cout];
 * dense {@code weight} [out, in] and {@code bias} [out]; batchnorm {@code weight}, {@code bias},
 * {@code running_mean}, {@code running_var} [C].
 *
 * <p>The map is immutable and the tensors are copies owned by this object; callers must not
 * modify the tensors they get.
 */
public final class Weights {
    private static final String BATCHES_TRACKED = "num_batches_tracked";

    private final Map<String, Tensor> tensors;

    private Weights(Map<String, Tensor> tensors) {
        this.tensors = Collections.unmodifiableMap(tensors);
    }

    /** Copies the given tensors (keeping the map's order). */
    public static Weights of(Map<String, Tensor> tensors) {
        Map<String, Tensor> copy = new LinkedHashMap<>();
        tensors.forEach((name, t) -> copy.put(name, t.copy()));
        return new Weights(copy);
    }

    /**
     * Deterministic initialisation from a seed; the same seed and name give the same values on
     * every run and JVM, independently of the other parameters:
     * <ul>
     *   <li>{@code weight} of rank ≥ 2 (conv, dense): He/Kaiming normal for ReLU, fan_in mode:
     *       N(0, σ²) with σ = √(2 / fan_in), fan_in = the product of all dimensions but the first
     *       (Cin/groups·kh·kw for conv, in for dense). (PyTorch's own default for Conv2d/Linear is
     *       kaiming_uniform with a = √5; torchvision's ResNet uses kaiming_normal in fan_out mode.)
     *   <li>{@code weight} of rank 1 (batchnorm scale) and {@code running_var}: 1;
     *       {@code bias} and {@code running_mean}: 0; a bare parameter (a {@code scale} layer's
     *       factors): 1, the identity.
     * </ul>
     * The normal samples come from {@link java.util.Random#nextGaussian()} (its algorithm is
     * fixed by its specification) seeded with a SplitMix64 mix of {@code seed} and the 64-bit
     * FNV-1a hash of the tensor's UTF-8 name.
     *
     * @throws IllegalArgumentException for a parameter name with no rule
     */
    public static Weights initialize(List<ParamRequirement> required, long seed) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (ParamRequirement r : required) {
            Tensor t = Tensor.zeros(r.shape());
            int[] shape = r.shape();
            switch (r.param()) {
                case "weight" -> {
                    if (shape.length >= 2) {
                        long fanIn = t.size() / Math.max(1, shape[0]);
                        double std = Math.sqrt(2.0 / Math.max(1, fanIn));
                        Random random = new Random(mix(seed ^ mix(fnv1a(r.name()))));
                        for (int i = 0; i < t.size(); i++) {
                            t.set(i, (float) (std * random.nextGaussian()));
                        }
                    } else {
                        fill(t, 1f);
                    }
                }
                case "running_var", ParamSpec.BARE -> fill(t, 1f);
                case "bias", "running_mean" -> { } // zeros
                default -> throw new IllegalArgumentException("no initialisation rule for parameter " + r.name());
            }
            out.put(r.name(), t);
        }
        return new Weights(out);
    }

    /**
     * Reads a weights file, safetensors or a PyTorch checkpoint ({@code torch.save}, told apart by
     * its first bytes; see {@link TorchCheckpoint}), and checks it strictly against {@code required}.
     *
     * @throws WeightsException naming the file: malformed file, or every missing, unexpected and
     *     mis-shaped tensor in one message
     */
    public static Weights load(Path file, List<ParamRequirement> required) {
        SafeTensors.Contents contents = Files.isRegularFile(file)
                && TorchCheckpoint.detect(file) != TorchCheckpoint.Format.SAFETENSORS
                ? TorchCheckpoint.read(file) : SafeTensors.read(file);
        List<String> problems = new ArrayList<>();
        Map<String, int[]> shapes = new LinkedHashMap<>();
        contents.tensors().forEach((name, t) -> shapes.put(name, t.shape()));
        contents.integers().forEach((name, t) -> shapes.put(name, t.shape()));
        for (ParamRequirement r : required) {
            if (contents.integers().containsKey(r.name())) {
                problems.add("wrong type: " + r.name() + " is " + contents.integers().get(r.name()).dtype()
                        + ", expected a floating-point type");
            }
        }
        problems.addAll(mismatches(shapes, required));
        if (!problems.isEmpty()) {
            throw new WeightsException(file + ": the weights do not match the network:\n  "
                    + String.join("\n  ", problems));
        }
        Map<String, Tensor> ordered = new LinkedHashMap<>();
        for (ParamRequirement r : required) {
            ordered.put(r.name(), contents.tensors().get(r.name()));
        }
        List<String> unusable = unusableValues(ordered);
        if (!unusable.isEmpty()) {
            throw new WeightsException(file + ": the weights hold values no network can use:\n  "
                    + String.join("\n  ", unusable));
        }
        return new Weights(ordered);
    }

    /** NaN or infinite values, and negative batchnorm variances, by tensor: they would only print NaN%. */
    static List<String> unusableValues(Map<String, Tensor> tensors) {
        List<String> problems = new ArrayList<>();
        tensors.forEach((name, t) -> {
            int nan = 0;
            int infinite = 0;
            int negative = 0;
            for (int i = 0; i < t.size(); i++) {
                float v = t.get(i);
                if (Float.isNaN(v)) {
                    nan++;
                } else if (Float.isInfinite(v)) {
                    infinite++;
                } else if (v < 0) {
                    negative++;
                }
            }
            if (nan + infinite > 0) {
                problems.add(name + ": " + nan + " NaN and " + infinite + " infinite of " + t.size()
                        + " values; expected finite numbers");
            }
            if (name.endsWith(".running_var") && negative > 0) {
                problems.add(name + ": " + negative + " negative of " + t.size() + " variances; expected 0 or more");
            }
        });
        return problems;
    }

    /**
     * Checks these weights against {@code required}.
     *
     * @throws WeightsException listing every missing, unexpected and mis-shaped tensor
     */
    public Weights requireExactly(List<ParamRequirement> required) {
        Map<String, int[]> shapes = new LinkedHashMap<>();
        tensors.forEach((name, t) -> shapes.put(name, t.shape()));
        List<String> problems = mismatches(shapes, required);
        if (!problems.isEmpty()) {
            throw new WeightsException("the weights do not match the network:\n  " + String.join("\n  ", problems));
        }
        return this;
    }

    /** Writes all tensors as F32 safetensors, atomically. */
    public void save(Path file) {
        SafeTensors.write(file, tensors);
    }

    public Tensor get(String name) {
        Tensor t = tensors.get(name);
        if (t == null) {
            throw new IllegalArgumentException("no tensor named " + name);
        }
        return t;
    }

    public Optional<Tensor> find(String name) {
        return Optional.ofNullable(tensors.get(name));
    }

    /** The tensors of one layer keyed by parameter name ({@code weight}, {@code bias}, …). */
    public Map<String, Tensor> layer(String layerName) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        String prefix = layerName + ".";
        tensors.forEach((name, t) -> {
            if (name.startsWith(prefix) && name.indexOf('.', prefix.length()) < 0) {
                out.put(name.substring(prefix.length()), t);
            }
        });
        return Collections.unmodifiableMap(out);
    }

    public Set<String> names() {
        return tensors.keySet();
    }

    public Map<String, Tensor> asMap() {
        return tensors;
    }

    public int size() {
        return tensors.size();
    }

    /**
     * Missing, unexpected and mis-shaped tensors, in the order of {@code required} then of the
     * file. {@code X.num_batches_tracked} (PyTorch's batchnorm counter, an int64 scalar) is
     * accepted and ignored when {@code X.running_mean} is required.
     */
    private static List<String> mismatches(Map<String, int[]> present, List<ParamRequirement> required) {
        List<String> problems = new ArrayList<>();
        Map<String, ParamRequirement> byName = new LinkedHashMap<>();
        for (ParamRequirement r : required) {
            byName.put(r.name(), r);
            int[] actual = present.get(r.name());
            if (actual == null) {
                problems.add("missing: " + r.name() + " " + Arrays.toString(r.shape()));
            } else if (!Arrays.equals(actual, r.shape())) {
                problems.add("wrong shape: " + r.name() + " is " + Arrays.toString(actual)
                        + ", expected " + Arrays.toString(r.shape()));
            }
        }
        for (Map.Entry<String, int[]> e : present.entrySet()) {
            String name = e.getKey();
            if (byName.containsKey(name) || isIgnoredCounter(name, e.getValue(), byName.keySet())) {
                continue;
            }
            problems.add("unexpected: " + name + " " + Arrays.toString(e.getValue()));
        }
        return problems;
    }

    private static boolean isIgnoredCounter(String name, int[] shape, Set<String> required) {
        if (!name.endsWith("." + BATCHES_TRACKED) || Tensor.checkedSize(shape) != 1) {
            return false;
        }
        String layer = name.substring(0, name.length() - BATCHES_TRACKED.length() - 1);
        return required.contains(layer + ".running_mean");
    }

    private static void fill(Tensor t, float value) {
        for (int i = 0; i < t.size(); i++) {
            t.set(i, value);
        }
    }

    private static long fnv1a(String s) {
        long h = 0xcbf29ce484222325L;
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            h = (h ^ (b & 0xff)) * 0x100000001b3L;
        }
        return h;
    }

    /** SplitMix64's finaliser. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
