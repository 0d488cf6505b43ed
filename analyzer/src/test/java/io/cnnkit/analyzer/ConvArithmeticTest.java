package io.cnnkit.analyzer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.cnnkit.compiler.op.Padding;
import io.cnnkit.compiler.op.Size2;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Sizes as PyTorch's Conv2d / MaxPool2d documentation formulas and torchvision models give them. */
class ConvArithmeticTest {

    @ParameterizedTest(name = "in={0} k={1} s={2} p={3}/{4} d={5} ceil={6} -> {7}")
    @CsvSource({
        "227, 11, 4, 0, 0, 1, false, 55",   // AlexNet conv1
        "55,  3,  2, 0, 0, 1, false, 27",   // AlexNet pool1
        "224, 7,  2, 3, 3, 1, false, 112",  // ResNet conv1
        "112, 3,  2, 1, 1, 1, false, 56",   // ResNet maxpool
        "112, 3,  2, 0, 0, 1, true,  56",   // GoogLeNet maxpool1 (ceil_mode=True)
        "28,  3,  2, 0, 0, 1, true,  14",   // GoogLeNet maxpool3
        "14,  2,  2, 0, 0, 1, true,  7",
        "5,   2,  2, 1, 1, 1, true,  3",    // ceil would give 4, but that window starts in the end padding
        "7,   3,  1, 2, 2, 2, false, 7",    // dilation 2, padding 2 keeps the size
        "3,   5,  1, 0, 0, 1, false, -1",   // too small: reported by callers
        "4,   2,  3, 0, 0, 1, true,  2",
    })
    void outputSize(long in, int k, int s, int pb, int pe, int d, boolean ceil, long expected) {
        assertEquals(expected, ConvArithmetic.outputSize(in, k, s, pb, pe, d, ceil));
    }

    @Test
    void samePaddingPutsTheOddRowAtTheEnd() {
        // TensorFlow/ONNX SAME_UPPER: 224 -> 112 with a 7x7 stride-2 kernel needs 5 rows: 2 on top, 3 below
        assertEquals(new Padding.Explicit(2, 2, 3, 3), ConvArithmetic.resolve(new Padding.Same(), 224, 224,
                Size2.square(7), Size2.square(2), Size2.square(1)));
        assertEquals(new Padding.Explicit(1, 0, 1, 0), ConvArithmetic.resolve(new Padding.Same(), 28, 28,
                new Size2(3, 1), Size2.square(1), Size2.square(1)));
        assertEquals(new Padding.Explicit(2, 2, 2, 2), ConvArithmetic.resolve(new Padding.Same(), 9, 9,
                Size2.square(3), Size2.square(1), Size2.square(2)));
        Padding.Explicit explicit = new Padding.Explicit(1, 2, 3, 4);
        assertEquals(explicit, ConvArithmetic.resolve(explicit, 9, 9, Size2.square(3), Size2.square(1),
                Size2.square(1)));
    }

    @Test
    void overflowThrows() {
        assertThrows(ArithmeticException.class,
                () -> ConvArithmetic.outputSize(Long.MAX_VALUE, 3, 1, 1, 1, 1, false));
    }
}
