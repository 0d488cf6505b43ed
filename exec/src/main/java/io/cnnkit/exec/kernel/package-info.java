/**
 * Kernels: one naive reference kernel per operator ({@link io.cnnkit.exec.kernel.ReferenceKernels},
 * the test oracle) and optimised kernels with a prepare/run split ({@link io.cnnkit.exec.kernel.Kernels#prepare}
 * returns a {@link io.cnnkit.exec.kernel.Kernel}: weights packed, batchnorm folded, algorithm chosen,
 * scratch sized; {@code run} allocates no buffers).
 *
 * <p>This package holds the entry point and what every kernel shares: the one vector species
 * ({@link io.cnnkit.exec.kernel.Simd}; a JVM must never run two widths), cache-line alignment
 * ({@link io.cnnkit.exec.kernel.Align}), windows, batchnorm folding, fused epilogues, and the work
 * split ({@link io.cnnkit.exec.kernel.Parallel}: one contiguous range per
 * {@link io.cnnkit.exec.kernel.Workspace} slot, each slot owning its scratch, on the caller's thread
 * below a size threshold). The kernels live by what they are:
 * <ul>
 * <li>{@code gemm}: the SGEMM micro-kernels, one class per register tile ({@code Tile12x32},
 * {@code Tile8x48} at 512 bits, {@code Tile8x24} at 256), behind {@code Sgemm}'s packing and dispatch;
 * <li>{@code conv}: the convolution algorithms (im2col tiles, implicit GEMM on phase planes,
 * transposed GEMM, direct, depthwise, Winograd F(2x2,3x3) and F(4x4,3x3)), {@code ConvCostModel}
 * that chooses one per layer, and {@code ConvKernels}, which prepares it;
 * <li>{@code pool}: max and average pooling, windowed and global;
 * <li>{@code elementwise}: activations, batchnorm, residual add, softmax, LRN, copies, concat, padding;
 * <li>{@code dense}: the fully connected layer.
 * </ul>
 * Every algorithm has a scalar twin selected by {@link io.cnnkit.exec.kernel.KernelOptions#scalar()}
 * (system property {@code cnnkit.scalar=true}) and is tested against the reference on random shapes. A new
 * convolution algorithm is a new {@code Kernel} class in {@code conv}, a constant of {@code ConvAlgorithm}
 * and a case in {@code ConvCostModel.choose}. {@link io.cnnkit.exec.kernel.OpRunner} runs a single
 * operator either way (conformance tests). Design and measured figures: docs/performance.md.
 */
package io.cnnkit.exec.kernel;
