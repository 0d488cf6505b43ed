package io.cnnkit.exec.kernel.conv;

import io.cnnkit.exec.kernel.Window;

/** How a convolution is computed; {@link ConvCostModel#choose} picks one per layer. */
public enum ConvAlgorithm {
    DEPTHWISE, IM2COL_TILES, IMPLICIT_GEMM, TRANSPOSED_GEMM, DIRECT, WINOGRAD, WINOGRAD_F4;

    /** Whether this algorithm computes a convolution of this window, channels and groups. */
    public boolean applies(Window w, int inChannels, int groups) {
        return switch (this) {
            case DEPTHWISE -> inChannels == groups;
            case WINOGRAD, WINOGRAD_F4 -> groups == 1 && WinogradConvKernel.applies(w);
            default -> true;
        };
    }
}
