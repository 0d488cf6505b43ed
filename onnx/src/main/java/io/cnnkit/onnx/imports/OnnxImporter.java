package io.cnnkit.onnx.imports;

import io.cnnkit.analyzer.ParamSpec;
import io.cnnkit.analyzer.Analysis;
import io.cnnkit.analyzer.Analyzer;
import io.cnnkit.analyzer.LayerStats;
import io.cnnkit.compiler.CnnCompiler;
import io.cnnkit.compiler.Compilation;
import io.cnnkit.compiler.Diagnostic;
import io.cnnkit.compiler.graph.Layer;
import io.cnnkit.compiler.graph.NetworkGraph;
import io.cnnkit.exec.Tensor;
import io.cnnkit.exec.io.ParamRequirement;
import io.cnnkit.onnx.OnnxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Imports an ONNX model as {@code .cnn} source and PyTorch-named weights. The source is compiled
 * and analysed before it is returned, and must reproduce every layer's output shape and every
 * parameter's name and shape; a structured source (modules, groups, repeats from the layer
 * names) is preferred, with a flat one (one labelled layer per node) as the fallback.
 */
public final class OnnxImporter {
    private OnnxImporter() {
    }

    /** What an import gives: the source, the weights by the source's names, and its analysis. */
    public record Imported(String source, Map<String, Tensor> weights, Analysis analysis, boolean structured) {
        public Imported {
            weights = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(weights));
        }

        public NetworkGraph graph() {
            return analysis.graph();
        }
    }

    /**
     * Reads and converts {@code file}.
     *
     * @param sourceName the path the source will have (for diagnostics); it need not exist
     * @throws OnnxException                for a malformed or hostile file
     * @throws UnsupportedModelException    listing every node outside the language
     */
    public static Imported importModel(Path file, String sourceName) {
        ImportedNetwork net = OnnxReader.read(file);
        List<String> failures = new ArrayList<>();
        List<String> limits = new ArrayList<>();
        for (boolean structured : new boolean[] {true, false}) {
            CnnWriter.Written written = CnnWriter.write(net, structured);
            limits.clear();
            Optional<Imported> result = check(net, written, sourceName, structured, failures, limits);
            if (result.isPresent()) {
                return result.get();
            }
        }
        if (!limits.isEmpty()) {
            // the flat source says exactly what the model says: what the language refuses is a limit of the language
            throw new UnsupportedModelException(file.toString(), limits);
        }
        throw new OnnxException(file + ": the generated .cnn does not reproduce the model (an importer bug): "
                + String.join("; ", failures));
    }

    /** Each error as the generated line it is about and the message: "x1 = x -> pool: avgpool(…): …". */
    private static List<String> describe(List<Diagnostic> diagnostics, String source) {
        List<String> lines = source.lines().toList();
        List<String> out = new ArrayList<>();
        for (Diagnostic d : diagnostics) {
            if (d.isError()) {
                int line = d.location().line();
                String code = line >= 1 && line <= lines.size() ? lines.get(line - 1).strip() + ": " : "";
                out.add(code + d.message() + " [" + d.code() + "]");
            }
        }
        return out;
    }

    private static Optional<Imported> check(ImportedNetwork net, CnnWriter.Written written, String sourceName,
                                            boolean structured, List<String> failures, List<String> limits) {
        Compilation c = CnnCompiler.compileString(sourceName, written.source());
        if (c.hasErrors() || c.graph().isEmpty()) {
            failures.add(c.diagnostics().stream().filter(Diagnostic::isError).limit(3).map(Diagnostic::render).toList()
                    .toString());
            limits.addAll(describe(c.diagnostics(), written.source()));
            return Optional.empty();
        }
        Analysis analysis = Analyzer.analyze(c.graph().get(), 1);
        if (analysis.hasErrors()) {
            failures.add(analysis.diagnostics().stream().filter(Diagnostic::isError).limit(3).map(Diagnostic::render)
                    .toList().toString());
            limits.addAll(describe(analysis.diagnostics(), written.source()));
            return Optional.empty();
        }
        Map<String, Tensor> weights = new LinkedHashMap<>();
        for (ImportedNetwork.Layer l : net.layers()) {
            String name = written.names().get(l.name());
            Optional<Layer> layer = c.graph().get().layer(name);
            if (layer.isEmpty()) {
                failures.add("layer " + name + " is missing");
                return Optional.empty();
            }
            LayerStats stats = analysis.stats(layer.get());
            List<Long> expected = Arrays.stream(l.shape()).skip(1).asLongStream().boxed().toList();
            if (!stats.outputShape().dims().equals(expected) || !stats.layer().kind().equals(l.op().kind())) {
                failures.add("layer " + name + " is " + stats.layer().kind() + " " + stats.outputShape() + ", expected "
                        + l.op().kind() + " " + expected);
                return Optional.empty();
            }
            l.params().forEach((param, tensor) -> weights.put(ParamSpec.key(name, param), tensor));
        }
        for (ParamRequirement r : ParamRequirement.of(analysis)) {
            Tensor t = weights.get(r.name());
            if (t == null || !Arrays.equals(t.shape(), r.shape())) {
                failures.add("parameter " + r.name() + " does not match");
                return Optional.empty();
            }
        }
        if (ParamRequirement.of(analysis).size() != weights.size()) {
            failures.add("the parameter count differs");
            return Optional.empty();
        }
        return Optional.of(new Imported(written.source(), weights, analysis, structured));
    }
}
