/**
 * The kernels that move or map values without a reduction window: activations, batchnorm as an
 * affine map, residual add, softmax and LRN across channels, copies, concat and zero padding.
 */
package io.cnnkit.exec.kernel.elementwise;
