package io.cnnkit.bench.jmh;

import io.cnnkit.bench.BenchModel;
import io.cnnkit.bench.OrtPeer;
import io.cnnkit.exec.Executor;
import io.cnnkit.exec.Tensor;
import java.util.Map;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * cnnkit's executor and ONNX Runtime on one benchmark model, as two JMH benchmarks of one state;
 * subclasses say which model and how many threads (their {@code @Param}s).
 */
public abstract class PairedBenchmark {
    private Executor executor;
    private OrtPeer peer;
    private Map<String, Tensor> inputs;

    /** The network, weights and input of this trial. */
    abstract BenchModel model();

    abstract int threads();

    @Setup(Level.Trial)
    public void setup() {
        BenchModel bench = model();
        inputs = bench.inputs();
        executor = new Executor(bench.graph(), bench.weights().asMap(), 1, threads());
        peer = new OrtPeer(bench.onnx(), inputs, threads());
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        executor.close();
        peer.close();
    }

    @Benchmark
    public void cnnkit() {
        executor.run(inputs, Map.of()); // outputs stay in the arena, as ORT's stay in its buffers
    }

    @Benchmark
    public void ort() {
        peer.run();
    }
}
