package io.cnnkit.bench.jmh;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The one-layer networks of {@link ConvLayerVsOrtBenchmark} are ResNet-18's convolutions. */
class ConvLayerSourceTest {
    @Test
    void layersHaveResNet18sMacs() {
        // torchvision resnet18: layer1 3x3 conv 64->64 on 56x56; layer2.0.downsample 1x1/2 64->128 to 28x28; conv1 7x7/2
        assertEquals(64L * 64 * 9 * 56 * 56, ConvLayerVsOrtBenchmark.model("64x56-3s1-64").macs());
        assertEquals(64L * 128 * 28 * 28, ConvLayerVsOrtBenchmark.model("64x56-1s2-128").macs());
        assertEquals(3L * 64 * 49 * 112 * 112, ConvLayerVsOrtBenchmark.model("3x224-7s2-64").macs());
    }
}
