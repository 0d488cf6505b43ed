/**
 * Kernels: one naive reference kernel per operator ({@link io.cnnkit.exec.kernel.ReferenceKernels},
 * the test oracle) and optimised kernels with a prepare/run split ({@link io.cnnkit.exec.kernel.Kernels#prepare}
 * returns a {@link io.cnnkit.exec.kernel.Kernel}: weights packed, batchnorm folded, algorithm chosen,
 * scratch sized; {@code run} allocates no buffers).
 *
 * <p>Every vector kernel uses the one species of {@code Simd} (512 bits where the machine prefers
 * them, else 256; a JVM must never run two widths). Convolution runs on one register-blocked SGEMM
 * micro-kernel ({@code Sgemm}: a 12x32 tile at 512 bits, 8x24 at 256, on packed A and B panels)
 * behind five algorithms chosen per layer
 * ({@code Kernels.choose}): implicit GEMM on a padded, phase-split copy of the input (no im2col;
 * B panels are copied from it K block by K block);
 * im2col by tiles (packed B panels gathered per block, a plain copy for 1x1); the transposed GEMM
 * for small maps with many channels; a direct depthwise kernel; and Winograd F(2x2,3x3) or
 * F(4x4,3x3) for 3x3 stride-1 layers ({@code WinogradConvKernel}, transforms in {@code Winograd};
 * 2.25x or 4x fewer multiplies, error bound and measurements in docs/performance.md). Every
 * algorithm has a scalar twin selected by {@link io.cnnkit.exec.kernel.KernelOptions#scalar()}
 * (system property {@code cnnkit.scalar=true}) and is tested against the reference on random shapes. A new
 * algorithm is a new {@code Kernel} class plus a case in {@code Kernels.choose}.
 *
 * <p>Work is split by {@code Parallel} into one contiguous range per {@link io.cnnkit.exec.kernel.Workspace}
 * slot (each slot owns its scratch), on the caller's thread below a size threshold.
 * {@link io.cnnkit.exec.kernel.OpRunner} runs a single operator either way (conformance tests).
 */
package io.cnnkit.exec.kernel;
