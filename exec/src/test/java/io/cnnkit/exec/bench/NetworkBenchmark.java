package io.cnnkit.exec.bench;

import io.cnnkit.compiler.CnnCompiler;
import io.cnnkit.compiler.graph.NetworkGraph;
import io.cnnkit.exec.Executor;
import io.cnnkit.exec.Tensor;
import io.cnnkit.exec.TestNetworks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Whole networks of the model zoo at batch 1 (seeded weights) on 1 or 2 threads; {@link #main}
 * prints the median and minimum time per run with GFLOP/s against the analyzer's MACs. Run from
 * the {@code exec} directory: {@code java --add-modules jdk.incubator.vector -cp <test classpath>
 * io.cnnkit.exec.bench.NetworkBenchmark [threads...]}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-XX:ObjectAlignmentInBytes=64", "-Xmx3g"})
public class NetworkBenchmark {

    @Param({"lenet5", "resnet18", "googlenet"})
    public String model;

    @Param({"1"})
    public int threads;

    private Executor executor;
    private Map<String, Tensor> inputs;
    private Map<String, Tensor> outputs;

    static NetworkGraph graph(String model) {
        Path dir = Path.of("examples");
        if (!Files.isDirectory(dir)) {
            dir = Path.of("..", "examples");
        }
        return CnnCompiler.compile(dir.resolve(model + ".cnn")).graphOrThrow();
    }

    @Setup(Level.Trial)
    public void setup() {
        NetworkGraph graph = graph(model);
        executor = new Executor(graph, TestNetworks.weights(graph, 1), 1, threads);
        inputs = TestNetworks.inputs(graph, 1, 2);
        outputs = executor.newOutputs();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        executor.close();
    }

    @Benchmark
    public Map<String, Tensor> run() {
        executor.run(inputs, outputs);
        return outputs;
    }

    public static void main(String[] args) throws RunnerException {
        OptionsBuilder options = new OptionsBuilder();
        options.include(NetworkBenchmark.class.getSimpleName());
        if (args.length > 0) {
            options.param("threads", args);
        }
        System.out.printf("%n%-12s %8s %10s %10s %10s %10s%n", "model", "threads", "median ms", "GFLOP/s", "min ms",
                "GFLOP/s");
        for (RunResult r : new Runner(options.build()).run()) {
            String model = r.getParams().getParam("model");
            long macs = io.cnnkit.analyzer.Analyzer.analyze(graph(model), 1).inferenceTotals().macs();
            double median = r.getPrimaryResult().getStatistics().getPercentile(50);
            double min = r.getPrimaryResult().getStatistics().getMin();
            System.out.printf("%-12s %8s %10.3f %10.1f %10.3f %10.1f%n", model, r.getParams().getParam("threads"),
                    median, 2.0 * macs / (median * 1e6), min, 2.0 * macs / (min * 1e6));
        }
    }
}
