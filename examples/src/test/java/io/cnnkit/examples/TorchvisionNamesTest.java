package io.cnnkit.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cnnkit.analyzer.Analysis;
import io.cnnkit.analyzer.LayerStats;
import io.cnnkit.analyzer.ParamSpec;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The zoo's layer names and weight shapes are torchvision's state_dict, tensor for tensor, so that
 * torchvision weights load without renaming. The reference lists ({@code torchvision/MODEL.keys})
 * are written by torchvision 0.14 itself: {@code scripts/make_torchvision_keys.py}.
 */
class TorchvisionNamesTest {

    @ParameterizedTest(name = "{0} has the state_dict of torchvision's {1}")
    @CsvSource({
            "alexnet_torchvision.cnn,   alexnet",
            "vgg16.cnn,                 vgg16",
            "vgg19.cnn,                 vgg19",
            "googlenet_torchvision.cnn, googlenet",
            "resnet18.cnn,              resnet18",
            "resnet34.cnn,              resnet34",
            "resnet50.cnn,              resnet50",
            "resnet101.cnn,             resnet101",
            "resnet152.cnn,             resnet152",
            "mobilenet_v2.cnn,          mobilenet_v2",
            "efficientnet_b0.cnn,       efficientnet_b0",
            "mobilenet_v3_large.cnn,    mobilenet_v3_large",
            "mobilenet_v3_small.cnn,    mobilenet_v3_small",
            "shufflenet_v2_x1_0.cnn,    shufflenet_v2_x1_0",
            "regnet_y_400mf.cnn,        regnet_y_400mf",
            "convnext_tiny.cnn,         convnext_tiny",
    })
    void weightNamesAndShapesAreTorchvisions(String file, String model) throws IOException {
        assertEquals(sorted(torchvisionKeys(model)), sorted(weights(Zoo.analyze(file))));
    }

    /** {@code key shape} per tensor, PyTorch's {@code num_batches_tracked} counters left out. */
    private static List<String> torchvisionKeys(String model) throws IOException {
        try (InputStream in = TorchvisionNamesTest.class.getResourceAsStream("/torchvision/" + model + ".keys")) {
            if (in == null) {
                throw new AssertionError("missing reference torchvision/" + model + ".keys");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                    .filter(line -> !line.contains(".num_batches_tracked ")).toList();
        }
    }

    /** {@code layer.param shape} for every parameter and buffer of every layer, aux heads included. */
    private static List<String> weights(Analysis a) {
        List<String> lines = new ArrayList<>();
        for (LayerStats s : a.layers()) {
            for (ParamSpec p : s.params()) {
                String shape = p.shape().stream().map(String::valueOf).collect(Collectors.joining("x"));
                lines.add(p.key(s.layer().name()) + " " + shape);
            }
        }
        return lines;
    }

    private static String sorted(List<String> lines) {
        return lines.stream().sorted().collect(Collectors.joining("\n"));
    }
}
