package io.cnnkit.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.cnnkit.exec.Tensor;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * ONNX Runtime (Java, CPU, MLAS) running an exported model: the peer that cnnkit is measured
 * against. The session uses {@code threads} intra-op threads, one inter-op thread, sequential
 * execution, every graph optimisation and no spin-waiting; the inputs are converted once, so a timed
 * {@link #run()} is the session run alone (plus releasing its outputs).
 */
public final class OrtPeer implements AutoCloseable {
    private final OrtSession.SessionOptions options;
    private final OrtSession session;
    private final Map<String, OnnxTensor> feeds = new LinkedHashMap<>();

    public OrtPeer(byte[] model, Map<String, Tensor> inputs, int threads) {
        this(model, inputs, threads, null);
    }

    /** With {@code profilePrefix}, the session writes ORT's per-node trace, finished by {@link #endProfiling()}. */
    OrtPeer(byte[] model, Map<String, Tensor> inputs, int threads, Path profilePrefix) {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try {
            options = new OrtSession.SessionOptions();
            options.setIntraOpNumThreads(threads);
            options.setInterOpNumThreads(1);
            options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            // idle intra-op workers park instead of spinning: in alternated runs a spinning worker
            // holds a core into cnnkit's next run and slows its two-thread runs (docs/performance.md)
            options.addConfigEntry("session.intra_op.allow_spinning", "0");
            if (profilePrefix != null) {
                options.enableProfiling(profilePrefix.toString());
            }
            session = env.createSession(model, options);
            for (Map.Entry<String, Tensor> e : inputs.entrySet()) {
                Tensor t = e.getValue();
                long[] shape = Arrays.stream(t.shape()).asLongStream().toArray();
                feeds.put(e.getKey(), OnnxTensor.createTensor(env, FloatBuffer.wrap(t.toArray()), shape));
            }
        } catch (OrtException e) {
            close();
            throw new IllegalStateException("ONNX Runtime cannot run the exported model: " + e.getMessage(), e);
        }
    }

    /** One inference; the outputs are released, not read. */
    public void run() {
        try (OrtSession.Result ignored = session.run(feeds)) {
            // timing only
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed: " + e.getMessage(), e);
        }
    }

    /** Stops profiling and returns the trace file. */
    Path endProfiling() {
        try {
            return Path.of(session.endProfiling());
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed: " + e.getMessage(), e);
        }
    }

    /** One inference, returning every output by name. */
    public Map<String, Tensor> outputs() {
        Map<String, Tensor> results = new LinkedHashMap<>();
        try (OrtSession.Result result = session.run(feeds)) {
            for (Map.Entry<String, OnnxValue> e : result) {
                OnnxTensor t = (OnnxTensor) e.getValue();
                int[] shape = Arrays.stream(t.getInfo().getShape()).mapToInt(Math::toIntExact).toArray();
                FloatBuffer data = t.getFloatBuffer();
                float[] values = new float[data.remaining()];
                data.get(values);
                results.put(e.getKey(), Tensor.of(values, shape));
            }
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed: " + e.getMessage(), e);
        }
        return results;
    }

    @Override
    public void close() {
        feeds.values().forEach(OnnxTensor::close);
        try {
            if (session != null) {
                session.close();
            }
        } catch (OrtException e) {
            throw new IllegalStateException(e);
        } finally {
            if (options != null) {
                options.close();
            }
        }
    }
}
