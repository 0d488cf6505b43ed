package io.cnnkit.bench;

import io.cnnkit.analyzer.Analysis;
import io.cnnkit.analyzer.Analyzer;
import io.cnnkit.compiler.CnnCompiler;
import io.cnnkit.compiler.graph.Layer;
import io.cnnkit.compiler.graph.NetworkGraph;
import io.cnnkit.compiler.op.Op;
import io.cnnkit.exec.Tensor;
import io.cnnkit.exec.io.ParamRequirement;
import io.cnnkit.exec.io.Weights;
import io.cnnkit.onnx.ExportOptions;
import io.cnnkit.onnx.OnnxExporter;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * One network prepared for benchmarking: analysed at a batch, with weights and a seeded random
 * input, and exportable to ONNX so that a peer runtime computes the same function.
 */
public record BenchModel(Analysis analysis, Weights weights, String inputName, Tensor input) {

    public NetworkGraph graph() {
        return analysis.graph();
    }

    public int batch() {
        return analysis.batch();
    }

    /** The analyzer's MACs of one inference over the whole batch. */
    public long macs() {
        return analysis.inferenceTotals().macs();
    }

    public Map<String, Tensor> inputs() {
        return Map.of(inputName, input);
    }

    /** The model as ONNX bytes with a fixed batch (the peer plans for exactly this shape). */
    public byte[] onnx() {
        return OnnxExporter.export(graph(), analysis, weights.asMap(),
                ExportOptions.defaults().withBatch(batch())).toByteArray();
    }

    /** {@code analysis} (without errors, of a one-input network) with {@code weights} and an input drawn from {@code seed}. */
    public static BenchModel of(Analysis analysis, Weights weights, long seed) {
        NetworkGraph graph = analysis.graph();
        if (graph.inputs().size() != 1) {
            throw new IllegalArgumentException("the network has " + graph.inputs().size()
                    + " inputs; cnn bench feeds networks with exactly one");
        }
        Layer input = graph.inputs().get(0);
        int[] shape = IntStream.concat(IntStream.of(analysis.batch()),
                ((Op.Input) input.op()).shape().dims().stream().mapToInt(Long::intValue)).toArray();
        return new BenchModel(analysis, weights, input.name(), random(shape, seed));
    }

    /** Compiles {@code text} (a benchmark's own small network) with He-initialised weights from {@code seed}. */
    public static BenchModel ofSource(String name, String text, int batch, long seed) {
        Analysis analysis = Analyzer.analyze(CnnCompiler.compileString(name, text).graphOrThrow(), batch);
        if (analysis.hasErrors()) {
            throw new IllegalArgumentException(name + ": " + analysis.diagnostics());
        }
        return of(analysis, Weights.initialize(ParamRequirement.of(analysis), seed), seed + 1);
    }

    /** A file of the model zoo ({@code examples/NAME.cnn}, found from the repository root or a module). */
    public static Path exampleFile(String name) {
        Path file = Path.of("examples", name + ".cnn");
        return file.toFile().isFile() ? file : Path.of("..", "examples", name + ".cnn");
    }

    /** A network of the model zoo ({@link #exampleFile}) with He-initialised weights from {@code seed}. */
    public static BenchModel ofExample(String name, int batch, long seed) {
        Analysis analysis = Analyzer.analyze(CnnCompiler.compile(exampleFile(name)).graphOrThrow(), batch);
        return of(analysis, Weights.initialize(ParamRequirement.of(analysis), seed), seed + 1);
    }

    static Tensor random(int[] shape, long seed) {
        Random random = new Random(seed);
        Tensor t = Tensor.zeros(shape);
        for (int i = 0; i < t.size(); i++) {
            t.set(i, (float) random.nextGaussian());
        }
        return t;
    }
}
