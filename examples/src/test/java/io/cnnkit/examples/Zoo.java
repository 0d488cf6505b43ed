package io.cnnkit.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cnnkit.analyzer.Analysis;
import io.cnnkit.analyzer.Analyzer;
import io.cnnkit.analyzer.LayerStats;
import io.cnnkit.compiler.CnnCompiler;
import io.cnnkit.compiler.Compilation;
import io.cnnkit.compiler.Diagnostic;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/** Compiling and analysing the zoo's files, failing on any error or warning. */
final class Zoo {
    /** The examples module's directory: Maven runs the tests there. */
    static final Path DIR = Path.of(".");

    /** The models of the zoo (the teaching pairs and the block library aside). */
    static final List<String> MODELS = List.of("lenet5.cnn", "alexnet.cnn", "alexnet_torchvision.cnn", "vgg16.cnn",
            "vgg19.cnn", "googlenet.cnn", "googlenet_torchvision.cnn", "resnet18.cnn", "resnet34.cnn", "resnet50.cnn",
            "resnet101.cnn", "resnet152.cnn", "mobilenet_v2.cnn", "efficientnet_b0.cnn",
            "mobilenet_v3_large.cnn", "mobilenet_v3_small.cnn", "shufflenet_v2_x1_0.cnn",
            "regnet_y_400mf.cnn", "convnext_tiny.cnn");

    private Zoo() {
    }

    /** {@link #MODELS}, for {@code @MethodSource("io.cnnkit.examples.Zoo#models")}. */
    static List<String> models() {
        return MODELS;
    }

    /** Analysis at batch 1 of a file under {@code examples/}, which must be free of diagnostics. */
    static Analysis analyze(String file) {
        Compilation c = CnnCompiler.compile(DIR.resolve(file));
        assertEquals("", rendered(c.diagnostics()), file + " compiles clean");
        Analysis a = Analyzer.analyze(c.graph().orElseThrow(), 1);
        assertEquals("", rendered(a.diagnostics()), file + " analyses clean");
        return a;
    }

    /** The stats of a named layer; fails if there is none. */
    static LayerStats layer(Analysis a, String name) {
        return a.stats(name).orElseThrow(() -> new AssertionError("no layer " + name));
    }

    private static String rendered(List<Diagnostic> diagnostics) {
        return diagnostics.stream().map(Diagnostic::render).collect(Collectors.joining("\n"));
    }
}
