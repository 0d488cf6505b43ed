package io.cnnkit.train.data;

import io.cnnkit.exec.Tensor;

/** One batch: the network inputs [N, C, H, W], their labels, and how many unreadable images were skipped to fill it. */
public record Batch(Tensor images, int[] labels, int skipped) {
}
