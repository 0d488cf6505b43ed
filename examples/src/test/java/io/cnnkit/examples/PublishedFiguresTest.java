package io.cnnkit.examples;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cnnkit.analyzer.Analysis;
import io.cnnkit.analyzer.ReceptiveField;
import io.cnnkit.analyzer.Totals;
import io.cnnkit.compiler.graph.Shape;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The zoo against published figures: parameters and MACs at batch 1 as torchvision 0.14 documents
 * them (its "GFLOPS" column is MACs, bias excluded) and as the papers give them; for the models
 * after ResNet, as {@code scripts/torchvision_figures.py} counts them on torchvision 0.14 itself.
 */
class PublishedFiguresTest {

    @ParameterizedTest(name = "{0}: {1} parameters, {2} MACs")
    @CsvSource({
            "lenet5.cnn,                61706,       416520",
            "alexnet.cnn,               60965224,    724406816",
            "alexnet_torchvision.cnn,   61100840,    714188480",
            "vgg16.cnn,                 138357544,   15470264320",
            "vgg19.cnn,                 143667240,   19632062464",
            "googlenet_torchvision.cnn, 6624904,     1498376192",
            "resnet18.cnn,              11689512,    1814073344",
            "resnet50.cnn,              25557032,    4089184256",
            "resnet152.cnn,             60192808,    11513626624",
            "mobilenet_v2.cnn,          3504872,     300774272",
            "efficientnet_b0.cnn,       5288548,     385814752",
            "mobilenet_v3_large.cnn,    5483032,     216589760",
            "mobilenet_v3_small.cnn,    2542856,     56510400",
            "shufflenet_v2_x1_0.cnn,    2278604,     144907992",
            "regnet_y_400mf.cnn,        4344144,     401842848",
            "convnext_tiny.cnn,         28589128,    4455531264",
    })
    void inferenceParametersAndMacs(String file, long parameters, long macs) {
        Totals totals = Zoo.analyze(file).inferenceTotals();
        assertAll(() -> assertEquals(parameters, totals.parameters(), "parameters"),
                () -> assertEquals(macs, totals.macs(), "MACs"));
    }

    /** torchvision documents these two to 0.01 G MACs only; its parameter counts are exact. */
    @ParameterizedTest(name = "{0}: {1} parameters, {2} GMACs")
    @CsvSource({"resnet34.cnn, 21797672, 3.66", "resnet101.cnn, 44549160, 7.80"})
    void torchvisionRoundedMacs(String file, long parameters, double gmacs) {
        Totals totals = Zoo.analyze(file).inferenceTotals();
        assertAll(() -> assertEquals(parameters, totals.parameters(), "parameters"),
                () -> assertEquals(gmacs, Math.round(totals.macs() / 1e7) / 100.0, "GMACs to 2 decimals"));
    }

    @Test
    void alexnetPaperEndsIn256By6By6() {
        Analysis a = Zoo.analyze("alexnet.cnn");
        Shape flattenInput = Zoo.layer(a, "flatten_1").inputShapes().get(0);
        assertEquals(List.of(256L, 6L, 6L), flattenInput.dims());
        assertEquals(List.of(96L, 55L, 55L), Zoo.layer(a, "conv1").outputShape().dims());
    }

    @Test
    void googlenetAuxiliaryHeadsAreTrainingOnly() {
        Analysis a = Zoo.analyze("googlenet_torchvision.cnn");
        // torchvision's googlenet(aux_logits=True) has 13,004,888 parameters.
        assertEquals(13_004_888, a.trainingTotals().parameters());
    }

    /**
     * Receptive field size, effective stride and offset of the last feature map. VGG-16's are in
     * Araujo, Norris and Sim, "Computing Receptive Fields of Convolutional Neural Networks" (Distill
     * 2019), Table 1; ResNet-50's are torchvision's v1.5 layout (stride in the 3x3), which sees
     * less than the TF-slim v1 of that table (483).
     */
    @ParameterizedTest(name = "{0} at {1}: RF {2}, stride {3}, offset {4}")
    @CsvSource({
            "vgg16.cnn,    features.30,      212, 32, 90",
            "resnet50.cnn, layer4.2.relu_2,  427, 32, 213",
    })
    void receptiveFieldOfTheLastMap(String file, String lastMap, long size, long stride, long offset) {
        ReceptiveField rf = Zoo.layer(Zoo.analyze(file), lastMap).receptiveField();
        assertEquals(new ReceptiveField(size, size, stride, stride, offset, offset, false), rf);
    }
}
