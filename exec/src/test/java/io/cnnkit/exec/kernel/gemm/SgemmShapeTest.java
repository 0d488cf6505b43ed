package io.cnnkit.exec.kernel.gemm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import io.cnnkit.exec.kernel.Align;
import io.cnnkit.exec.kernel.Kernels;
import io.cnnkit.exec.kernel.Simd;
import org.junit.jupiter.api.Test;

/** The tile shapes' waste arithmetic, the per-layer choice, and where aligned arrays start. */
class SgemmShapeTest {

    @Test
    void usefulCountsThePaddedPanelsOfBothSides() {
        Sgemm.Shape s = new Sgemm.Shape(12, 32);
        // 64 rows in 12-row panels compute 72; 49 columns in 32-wide panels compute 64
        assertEquals(64.0 / 72 * 49.0 / 64, s.useful(64, 49), 1e-12);
        assertEquals(1.0, s.useful(24, 96), 1e-12);
        assertEquals(1.0 / 12 * 1.0 / 32, s.useful(1, 1), 1e-12);
    }

    @Test
    void theChosenShapeWastesLeast() {
        int[][] products = {{64, 12880}, {64, 210}, {128, 56}, {256, 56}, {128, 784}, {256, 196}, {512, 49},
            {1000, 1}, {3, 3}};
        for (int[] mn : products) {
            Sgemm.Shape best = Sgemm.best(mn[0], mn[1]);
            assertTrue(best == Sgemm.ROWS || best == Sgemm.COLUMNS);
            assertTrue(best.useful(mn[0], mn[1]) >= Sgemm.ROWS.useful(mn[0], mn[1]));
            assertTrue(best.useful(mn[0], mn[1]) >= Sgemm.COLUMNS.useful(mn[0], mn[1]));
        }
        if (Simd.S.length() == 16) {
            // ResNet-18: the stem and 56x56 Winograd take 8x48, Winograd on 28x28 with 128 channels 12x32
            assertSame(Sgemm.COLUMNS, Sgemm.best(64, 12880));
            assertSame(Sgemm.COLUMNS, Sgemm.best(64, 210));
            assertSame(Sgemm.ROWS, Sgemm.best(128, 56));
            assertEquals(8, Sgemm.COLUMNS.mr());
            assertEquals(48, Sgemm.COLUMNS.nr());
        } else {
            assertSame(Sgemm.ROWS, Sgemm.COLUMNS, "one tile shape at 256 bits");
        }
    }

    @Test
    @SuppressWarnings("removal")
    void alignedArraysStartOnACacheLine() {
        // the exec tests run with -XX:ObjectAlignmentInBytes=64 (pom.xml), like the cnn launcher
        assertTrue(Kernels.alignedArrays(), "the test JVM should align objects to 64 bytes");
        assertEquals(0, (sun.misc.Unsafe.ARRAY_FLOAT_BASE_OFFSET + 4 * Align.FLOATS) % 64);
        assertEquals(Align.FLOATS + 10, Align.floats(10).length);
    }

    @Test
    void packedPanelsHoldEveryWeightAtItsPlaceAndZerosBelowTheLastRow() {
        java.util.Random random = new java.util.Random(20);
        int[][] cases = {{1, 64, 576, 12, 576}, {2, 13, 37, 8, 16}, {3, 5, 9, 32, 4}, {1, 100, 27, 12, 10}};
        for (int[] c : cases) {
            int groups = c[0], rows = c[1], k = c[2], width = c[3], kc = c[4];
            float[] weights = new float[groups * rows * k];
            for (int i = 0; i < weights.length; i++) {
                weights[i] = random.nextFloat() - 0.5f;
            }
            float[] packed = Sgemm.packPanels(weights, groups, rows, k, width, kc);
            int panels = (rows + width - 1) / width;
            for (int g = 0; g < groups; g++) {
                for (int row = 0; row < panels * width; row++) {
                    for (int kk = 0; kk < k; kk++) {
                        int at = Sgemm.panelAt(g, row / width, kk - kk % kc, k, kc, panels, width) + kk % kc * width
                                + row % width;
                        float want = row < rows ? weights[(g * rows + row) * k + kk] : 0f;
                        assertEquals(Float.floatToRawIntBits(want), Float.floatToRawIntBits(packed[at]),
                                "group " + g + " row " + row + " k " + kk);
                    }
                }
            }
        }
    }
}
