package io.cnnkit.exec.io;

import java.util.Arrays;

/**
 * How an image becomes a network input: decode, convert to {@code channels} (3: RGB, alpha
 * dropped and grey replicated; 1: ITU-R 601 luma 0.299 R + 0.587 G + 0.114 B), resize so that
 * the shorter side is {@code resizeShorter} keeping the aspect ratio (the longer side is
 * truncated to an integer, as torchvision's {@code Resize(int)}), centre-crop to
 * {@code height × width} (torchvision's {@code CenterCrop}), scale to [0, 1] and normalise each
 * channel as {@code (v - mean) / std}.
 *
 * @param mean per channel (length {@code channels})
 * @param std  per channel, positive
 */
public record ImagePreprocessing(int channels, int height, int width, int resizeShorter, float[] mean, float[] std) {
    /** ImageNet statistics of torchvision's pretrained models (RGB). */
    public static final float[] IMAGENET_MEAN = {0.485f, 0.456f, 0.406f};
    public static final float[] IMAGENET_STD = {0.229f, 0.224f, 0.225f};
    /** The smallest standard deviation accepted: pixels in [0, 1] stay within float range. */
    public static final float MIN_STD = 1e-6f;

    public ImagePreprocessing {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("images give 1 (grey) or 3 (RGB) channels, the input needs " + channels);
        }
        if (height <= 0 || width <= 0) {
            throw new IllegalArgumentException("crop " + height + "x" + width + " is empty");
        }
        if (resizeShorter < Math.max(height, width)) {
            throw new IllegalArgumentException("resizing the shorter side to " + resizeShorter
                    + " leaves too little for a " + height + "x" + width + " crop");
        }
        if (mean.length != channels || std.length != channels) {
            throw new IllegalArgumentException("mean and std need " + channels + " values, got "
                    + mean.length + " and " + std.length);
        }
        for (float s : std) {
            // dividing by a denormal like 1e-45 turns every pixel into infinity
            if (!(s >= MIN_STD) || !Float.isFinite(s)) {
                throw new IllegalArgumentException("std values must be finite and at least " + MIN_STD + ", got "
                        + Arrays.toString(std));
            }
        }
        for (float m : mean) {
            if (!Float.isFinite(m)) {
                throw new IllegalArgumentException("mean values must be finite, got " + Arrays.toString(mean));
            }
        }
        mean = mean.clone();
        std = std.clone();
    }

    /**
     * The defaults for an input of {@code channels × height × width}: the shorter side resized
     * to {@code round(max(height, width) · 256 / 224)} (ImageNet's evaluation ratio: 256 for a
     * 224 crop), ImageNet mean and std for RGB, and their channel averages (0.449, 0.226) for grey.
     */
    public static ImagePreprocessing forInput(int channels, int height, int width) {
        int resize = (int) Math.round(Math.max(height, width) * 256.0 / 224.0);
        if (channels == 1) {
            return new ImagePreprocessing(1, height, width, resize, new float[] {0.449f}, new float[] {0.226f});
        }
        return new ImagePreprocessing(channels, height, width, resize, IMAGENET_MEAN, IMAGENET_STD);
    }

    public ImagePreprocessing withResizeShorter(int size) {
        return new ImagePreprocessing(channels, height, width, size, mean, std);
    }

    public ImagePreprocessing withNormalization(float[] newMean, float[] newStd) {
        return new ImagePreprocessing(channels, height, width, resizeShorter, newMean, newStd);
    }

    @Override
    public float[] mean() {
        return mean.clone();
    }

    @Override
    public float[] std() {
        return std.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ImagePreprocessing p && p.channels == channels && p.height == height
                && p.width == width && p.resizeShorter == resizeShorter
                && Arrays.equals(p.mean, mean) && Arrays.equals(p.std, std);
    }

    @Override
    public int hashCode() {
        return ((channels * 31 + height) * 31 + width) * 31 + resizeShorter + Arrays.hashCode(mean) + Arrays.hashCode(std);
    }

    @Override
    public String toString() {
        return "ImagePreprocessing[" + channels + "x" + height + "x" + width + ", resize " + resizeShorter
                + ", mean " + Arrays.toString(mean) + ", std " + Arrays.toString(std) + "]";
    }
}
