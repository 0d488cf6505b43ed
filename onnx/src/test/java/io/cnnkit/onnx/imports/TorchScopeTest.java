package io.cnnkit.onnx.imports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** PyTorch's node names ({@code /layer1/layer1.0/conv1/Conv}) read back as module paths. */
class TorchScopeTest {
    @Test
    void aNumberedChildRepeatsItsParentsComponent() {
        assertEquals("layer1.0.relu", OnnxReader.torchScope("/layer1/layer1.0/relu/Relu"));
        assertEquals("layer2.0.downsample.0", OnnxReader.torchScope("/layer2/layer2.0/downsample/downsample.0/Conv"));
        assertEquals("features.1.conv.0.0", OnnxReader.torchScope("/features/features.1/conv/conv.0/conv.0.0/Conv"));
        assertEquals("features.1.0.block.1.fc1",
                OnnxReader.torchScope("/features/features.1/features.1.0/block/block.1/fc1/Conv"));
        assertEquals("", OnnxReader.torchScope("/Flatten"));
    }

    @Test
    void aComponentOutsideIdentifiersIsKeptForAQuotedLabel() {
        assertEquals("trunk_output.block1.block1-0.f.a.0",
                OnnxReader.torchScope("/trunk_output/block1/block1-0/f/a/a.0/Conv"));
        assertEquals("a.b_c", OnnxReader.torchScope("/a/b{c/Conv"));
    }

    @Test
    void otherNamesAreNotScopes() {
        assertNull(OnnxReader.torchScope("layer1.0.conv1"));
        assertNull(OnnxReader.torchScope("/0/Conv"));
        assertNull(OnnxReader.torchScope("/a//Conv"));
    }
}
