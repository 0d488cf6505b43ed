package io.cnnkit.exec.bench;

import io.cnnkit.compiler.op.Op;
import io.cnnkit.compiler.op.Padding;
import io.cnnkit.compiler.op.Size2;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The max pools of ResNet-18 and GoogLeNet at batch 1, one thread, vector and forced-scalar paths:
 * {@code scripts/jmh.sh exec PoolBenchmark -f 1}. Minimum times show the kernel with the core to
 * itself; the 64x112x112 inputs (3.2 MB) do not fit L2, so those runs include reading memory.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-XX:ObjectAlignmentInBytes=64", "-Xmx2g"})
public class PoolBenchmark extends KernelBenchmark {

    /** channels x size - kernel s stride p pad, and "c" for ceil mode. */
    @Param({"64x112-3s2p1", "64x112-3s2c", "192x28-3s1p1", "480x28-3s2c", "832x7-3s1p1"})
    public String pool;

    static Op.MaxPool maxPool(String pool) {
        String window = pool.split("-")[1];
        int k = Integer.parseInt(window.substring(0, window.indexOf('s')));
        int s = Character.getNumericValue(window.charAt(window.indexOf('s') + 1));
        int p = window.contains("p") ? Integer.parseInt(window.substring(window.indexOf('p') + 1)) : 0;
        return new Op.MaxPool(Size2.square(k), Size2.square(s), Padding.symmetric(p, p), Size2.square(1),
                window.endsWith("c"));
    }

    @Setup(Level.Trial)
    public void setup() {
        String[] dims = pool.split("-")[0].split("x");
        int size = Integer.parseInt(dims[1]);
        prepare(maxPool(pool), new int[] {1, Integer.parseInt(dims[0]), size, size}, Map.of(), new Random(1));
    }
}
