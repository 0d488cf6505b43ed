package io.cnnkit.onnx.export;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.cnnkit.exec.Tensor;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/** Runs an ONNX model through ONNX Runtime (the independent reference for exported models). */
final class OrtRunner {
    private OrtRunner() {
    }

    static Map<String, Tensor> run(byte[] model, Map<String, Tensor> inputs) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(2);
            // ONNX Runtime 1.20's Pad fusion folds a zero Pad into an AveragePool that does not count
            // padding, which changes the result (microsoft/onnxruntime#23190, fixed in 1.21); the
            // exporter writes that pattern for ceil-mode average pools that count padding
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.NO_OPT);
            try (OrtSession session = env.createSession(model, options)) {
                Map<String, OnnxTensor> feeds = new LinkedHashMap<>();
                try {
                    for (Map.Entry<String, Tensor> e : inputs.entrySet()) {
                        Tensor t = e.getValue();
                        long[] shape = Arrays.stream(t.shape()).asLongStream().toArray();
                        feeds.put(e.getKey(), OnnxTensor.createTensor(env, FloatBuffer.wrap(t.toArray()), shape));
                    }
                    Map<String, Tensor> results = new LinkedHashMap<>();
                    try (OrtSession.Result result = session.run(feeds)) {
                        for (Map.Entry<String, ai.onnxruntime.OnnxValue> e : result) {
                            OnnxTensor t = (OnnxTensor) e.getValue();
                            int[] shape = Arrays.stream(t.getInfo().getShape()).mapToInt(Math::toIntExact).toArray();
                            FloatBuffer data = t.getFloatBuffer();
                            float[] values = new float[data.remaining()];
                            data.get(values);
                            results.put(e.getKey(), Tensor.of(values, shape));
                        }
                    }
                    return results;
                } finally {
                    feeds.values().forEach(OnnxTensor::close);
                }
            }
        }
    }
}
