package io.cnnkit.exec.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The width asked for with -Dcnnkit.simd is the width the kernels run (the build tests both). */
class SimdWidthTest {
    @Test
    void kernelsRunTheRequestedWidth() {
        String requested = System.getProperty("cnnkit.simd", "auto");
        System.out.println("kernels run " + Kernels.vectorBits() + "-bit vectors (cnnkit.simd=" + requested + ")");
        if (!requested.equals("auto")) {
            assertEquals(Integer.parseInt(requested), Kernels.vectorBits());
        }
    }
}
