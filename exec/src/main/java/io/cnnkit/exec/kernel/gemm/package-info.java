/**
 * Single-precision GEMM on packed panels: {@code Sgemm} packs A and B panels and dispatches one
 * register tile to the micro-kernel named by its shape ({@code Tile12x32}, {@code Tile8x48},
 * {@code Tile8x24}), or to a plain-Java twin.
 */
package io.cnnkit.exec.kernel.gemm;
