/**
 * The execution plan: the analyzer's schedule and memory plan (one arena, each layer's output at
 * its offset, in-place aliases) with a prepared kernel per step, batchnorm folded into the
 * preceding conv or dense, activations fused into their producer, and residual adds fused into a
 * conv where the arena allows it. {@link io.cnnkit.exec.Executor} runs it.
 */
package io.cnnkit.exec.plan;
