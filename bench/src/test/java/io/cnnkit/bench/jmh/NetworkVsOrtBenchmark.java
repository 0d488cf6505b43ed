package io.cnnkit.bench.jmh;

import io.cnnkit.analyzer.Analyzer;
import io.cnnkit.bench.BenchModel;
import io.cnnkit.compiler.CnnCompiler;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Whole networks of the model zoo at batch 1 (He-initialised weights, seed 0), cnnkit and ONNX
 * Runtime on the same exported model in the same JMH run. {@link #main} prints the ratios:
 * {@code java --add-modules jdk.incubator.vector -cp <test classpath> io.cnnkit.bench.jmh.NetworkVsOrtBenchmark
 * [JMH options, e.g. -p threads=1 -p model=resnet18]}; {@code scripts/jmh.sh bench NetworkVsOrt} gives the raw JMH table.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-XX:ObjectAlignmentInBytes=64", "-Xmx6g", "-XX:+UseParallelGC"})
public class NetworkVsOrtBenchmark extends PairedBenchmark {

    @Param({"lenet5", "resnet18", "googlenet", "vgg16"})
    public String model;

    @Param({"1", "2"})
    public int threads;


    @Override
    BenchModel model() {
        return BenchModel.ofExample(model, 1, 0);
    }

    @Override
    int threads() {
        return threads;
    }

    static long macs(String model) {
        return Analyzer.analyze(CnnCompiler.compile(BenchModel.exampleFile(model)).graphOrThrow(), 1).inferenceTotals()
                .macs();
    }

    public static void main(String[] args) throws Exception {
        SideBySide.run(NetworkVsOrtBenchmark.class, args, p -> macs(p.get("model")));
    }
}
