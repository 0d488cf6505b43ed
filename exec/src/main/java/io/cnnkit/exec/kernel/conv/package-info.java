/**
 * Convolution algorithms on the GEMM micro-kernels and their own: im2col tiles ({@code ConvGemmKernel}),
 * implicit GEMM on phase planes ({@code ImplicitConvKernel}, {@code PhasePlanes}), transposed GEMM,
 * direct, depthwise and Winograd ({@code WinogradConvKernel}, transforms in {@code Winograd}).
 * {@code ConvCostModel} chooses one per layer; {@code ConvKernels.prepare} builds it.
 */
package io.cnnkit.exec.kernel.conv;
