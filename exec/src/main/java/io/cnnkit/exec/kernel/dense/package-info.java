/** The fully connected layer, one GEMV per sample. */
package io.cnnkit.exec.kernel.dense;
