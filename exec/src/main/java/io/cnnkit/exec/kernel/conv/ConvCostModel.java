package io.cnnkit.exec.kernel.conv;

import io.cnnkit.exec.kernel.Simd;
import io.cnnkit.exec.kernel.Window;
import io.cnnkit.exec.kernel.gemm.Sgemm;

/**
 * Which algorithm computes a convolution ({@link #choose}), and what preparing its B operand costs,
 * which the kernels also use to split their work. Costs are counted in multiply-adds of the
 * vector tile per B value and lane, so they scale with the lanes of {@link Simd#S}.
 */
final class ConvCostModel {
    /** Preparing one B value: a plain row copy (1x1 stride 1), a strided copy (other 1x1), a scalar gather. */
    private static final double COPY_COST = 0.25, STRIDED_COPY_COST = 1, GATHER_COST = 5;
    /** The implicit GEMM's vector copy of a B value, once per K block. */
    static final double PACK_COST = 0.5;
    /**
     * The direct convolution's transposed store per output and lane: channel by channel through
     * the epilogue, or by 16x16 transposes where its rows are whole tiles and no residual is added;
     * and its 7x32 tile's rate relative to the GEMM's 12x32, both alone in L1 (docs/performance.md,
     * "Design").
     */
    private static final double STORE_COST = 5, TRANSPOSED_STORE_COST = 1, DIRECT_TILE_RATE = 0.93;
    /**
     * Most floats of zero-padded input (all its channels) for which the transposed store's cost
     * holds: 2 MiB, twice the AMD host's L2 per core. The direct tiles read their inputs again for
     * every chunk; in ResNet-50, 128x56-3s2 (1.7 MB of phase planes) ran 6.5% faster direct than on
     * the implicit GEMM at one thread and 11% at two, both in the network, before the direct
     * convolution's stride-2 layers read their input in place ({@link BorderCopy}).
     */
    private static final int DIRECT_PLANES_MAX = 1 << 19;

    private ConvCostModel() {
    }

    /**
     * Depthwise when every output channel reads one input channel; Winograd for the 3x3 stride-1
     * layers where it was measured faster ({@link WinogradConvKernel#preferredTile}). Otherwise the
     * algorithm that wastes least: the useful fraction of the tile slots it computes, divided by
     * 1 + (cost of preparing one B value) / (output channels reusing it). A plain row copy for 1x1
     * stride 1 ({@link #COPY_COST}), a strided copy for other 1x1 ({@link #STRIDED_COPY_COST}), a
     * vector copy per K block for the implicit GEMM ({@link #PACK_COST}; it also computes the
     * dropped columns of its phase rows, and is not used for 1x1), a scalar gather of im2col values
     * for the other tilings ({@link #GATHER_COST}). The direct convolution (512-bit kernels, kernels
     * larger than 1x1) prepares nothing but pays a transposed store per output, spread over K
     * ({@link #STORE_COST}, or {@link #TRANSPOSED_STORE_COST} where {@link DirectConvKernel} stores by
     * 16x16 transposes, output rows of whole tiles and no {@code residual}, and its padded input
     * fits in L2), and its narrower tile's rate. The constants were fitted to
     * ConvBenchmark's timings of every algorithm on ResNet-18's and GoogLeNet's layer shapes at 256
     * and 512 bits: at 512 bits the direct convolution wins small maps (7x7, 5x5 kernels on 14x14
     * and 28x28) and, with its transposes, 64x56-3s2; the implicit GEMM larger kernels on large
     * maps, im2col tiles every 1x1; at 256 bits the transposed GEMM wins 7x7 maps.
     */
    static ConvAlgorithm choose(Window w, int inChannels, int outChannels, int groups, boolean residual) {
        if (inChannels == groups) {
            return ConvAlgorithm.DEPTHWISE;
        }
        int tile = WinogradConvKernel.preferredTile(w, inChannels, outChannels, groups);
        if (tile != 0) {
            return tile == Winograd.F4 ? ConvAlgorithm.WINOGRAD_F4 : ConvAlgorithm.WINOGRAD;
        }
        int m = outChannels / groups, n = w.outSize(), k = inChannels / groups * w.kh() * w.kw();
        int lanes = Simd.S.length();
        boolean pointwise = w.kh() * w.kw() == 1;
        double tiles = ConvGemmKernel.layout(w, m).useful(m, n) / (1 + im2colPrepareCost(w) * lanes / m);
        double transposed = Sgemm.ROWS.useful(n, m) / (1 + GATHER_COST * lanes / m);
        int padded = ImplicitConvKernel.paddedPositions(w);
        double implicit = pointwise ? 0
                : ImplicitConvKernel.shape(w, m).useful(m, padded) * n / padded / (1 + PACK_COST * lanes / m);
        double direct = pointwise || lanes != 16 ? 0
                : DIRECT_TILE_RATE * DirectConvKernel.SHAPE.useful(w.outW(), m)
                        / (1 + directStoreCost(w, inChannels, residual) * lanes / k);
        double best = Math.max(Math.max(tiles, transposed), Math.max(implicit, direct));
        if (direct == best) {
            return ConvAlgorithm.DIRECT;
        }
        if (implicit == best) {
            return ConvAlgorithm.IMPLICIT_GEMM;
        }
        return transposed > tiles ? ConvAlgorithm.TRANSPOSED_GEMM : ConvAlgorithm.IM2COL_TILES;
    }

    private static double directStoreCost(Window w, int inChannels, boolean residual) {
        long planes = (long) inChannels * (w.inH() + w.padTop() + w.padBottom()) * (w.inW() + w.padLeft() + w.padRight());
        return DirectConvKernel.transposes(w, residual) && planes <= DIRECT_PLANES_MAX ? TRANSPOSED_STORE_COST
                : STORE_COST;
    }

    /** What preparing one B value of the im2col tiles costs per lane: a row copy, a strided copy or a gather. */
    static double im2colPrepareCost(Window w) {
        return w.isPointwise() ? COPY_COST : w.kh() * w.kw() == 1 ? STRIDED_COPY_COST : GATHER_COST;
    }
}
