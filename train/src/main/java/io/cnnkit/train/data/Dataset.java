package io.cnnkit.train.data;

/**
 * Labelled images, read by index. Pixel values come as stored: bytes scaled to [0, 1], floats unchanged.
 * Implementations may keep the whole set in memory (IDX, CIFAR-10, safetensors: compact byte or
 * float arrays) or read each image when asked (folders).
 */
public interface Dataset {

    int size();

    /** Per-sample shape C, H, W. */
    int[] shape();

    int label(int index);

    /** Writes image {@code index} (C·H·W values) into {@code into} from {@code offset}. */
    void image(int index, float[] into, int offset);

    /** Class names by label when the source has them (folders), else empty. */
    default java.util.List<String> classNames() {
        return java.util.List.of();
    }

    /** Where the data comes from, for messages. */
    String describe();
}
