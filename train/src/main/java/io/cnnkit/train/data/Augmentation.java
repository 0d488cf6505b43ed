package io.cnnkit.train.data;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * How a stored image becomes a network input, in torchvision's order: a fixed zero padding
 * ({@code Pad}), then in training a random resized crop ({@code RandomResizedCrop}, scale
 * [0.08, 1], ratio [3/4, 4/3], bilinear) or a random crop after zero padding ({@code RandomCrop(padding=...)}),
 * a horizontal flip with probability 1/2, and finally per-channel normalisation (v - mean) / std.
 * Random choices come from a generator seeded by (seed, epoch, sample), so they do not depend on
 * threads or batch order.
 */
public record Augmentation(int pad, int cropPadding, boolean flip, boolean randomResizedCrop, float[] mean,
                           float[] std) {

    public Augmentation {
        if (pad < 0 || cropPadding < 0) {
            throw new DataException("padding must not be negative");
        }
        if (mean.length != std.length) {
            throw new DataException("--mean and --std need as many values, got " + mean.length + " and " + std.length);
        }
        for (float s : std) {
            if (!(s > 0)) {
                throw new DataException("--std values must be positive, got " + Arrays.toString(std));
            }
        }
        mean = mean.clone();
        std = std.clone();
    }

    public static Augmentation none(int channels) {
        float[] zero = new float[channels], one = new float[channels];
        Arrays.fill(one, 1f);
        return new Augmentation(0, 0, false, false, zero, one);
    }

    /** Checks that images of {@code stored} shape (C, H, W) become the network's {@code input}, with a message naming both. */
    public void check(int[] stored, int[] input, String inputName) {
        int h = stored[1] + 2 * pad, w = stored[2] + 2 * pad;
        boolean fits = stored[0] == input[0] && (randomResizedCrop || (h == input[1] && w == input[2]));
        if (!fits) {
            String hint = stored[0] == input[0] && input[1] - stored[1] == input[2] - stored[2]
                    && input[1] > stored[1] && (input[1] - stored[1]) % 2 == 0
                    ? " (--pad " + (input[1] - stored[1]) / 2 + " would fit)" : "";
            throw new DataException("the images are " + shape(stored) + (pad > 0 ? " (" + stored[0] + "x" + h + "x" + w
                    + " padded)" : "") + " but the network's input '" + inputName + "' is " + shape(input) + hint);
        }
        if (mean.length != input[0] && mean.length != 1) {
            throw new DataException("--mean and --std need 1 or " + input[0] + " values, got " + mean.length);
        }
    }

    private static String shape(int[] s) {
        return s[0] + "x" + s[1] + "x" + s[2];
    }

    /**
     * Writes the network input for one stored image {@code src} (shape {@code stored}) into
     * {@code out} at {@code offset}; {@code random} is null for evaluation (no random transform).
     */
    public void apply(float[] src, int[] stored, int[] input, SplittableRandom random, float[] out, int offset) {
        int c = stored[0], h = stored[1] + 2 * pad, w = stored[2] + 2 * pad;
        float[] img = pad == 0 ? src : padded(src, stored, pad);
        int outH = input[1], outW = input[2];
        boolean flipped = random != null && flip && random.nextBoolean();
        if (random != null && randomResizedCrop) {
            int[] box = resizedCropBox(h, w, random);
            resize(img, c, h, w, box, outH, outW, flipped, out, offset);
        } else {
            int top = 0, left = 0;
            int srcH = h, srcW = w;
            float[] from = img;
            if (random != null && cropPadding > 0) {
                from = padded(img, new int[] {c, h, w}, cropPadding);
                srcH = h + 2 * cropPadding;
                srcW = w + 2 * cropPadding;
                top = random.nextInt(srcH - outH + 1);
                left = random.nextInt(srcW - outW + 1);
            } else if (h != outH || w != outW) {
                top = (h - outH) / 2;
                left = (w - outW) / 2;
            }
            for (int ch = 0; ch < c; ch++) {
                for (int y = 0; y < outH; y++) {
                    for (int x = 0; x < outW; x++) {
                        int sx = flipped ? outW - 1 - x : x;
                        out[offset + (ch * outH + y) * outW + x] = from[(ch * srcH + top + y) * srcW + left + sx];
                    }
                }
            }
        }
        normalize(out, offset, c, outH * outW);
    }

    private void normalize(float[] out, int offset, int channels, int area) {
        for (int ch = 0; ch < channels; ch++) {
            float m = mean.length == 1 ? mean[0] : mean[ch], s = std.length == 1 ? std[0] : std[ch];
            for (int i = 0; i < area; i++) {
                int at = offset + ch * area + i;
                out[at] = (out[at] - m) / s;
            }
        }
    }

    private static float[] padded(float[] src, int[] shape, int p) {
        int c = shape[0], h = shape[1], w = shape[2], ph = h + 2 * p, pw = w + 2 * p;
        float[] out = new float[c * ph * pw];
        for (int ch = 0; ch < c; ch++) {
            for (int y = 0; y < h; y++) {
                System.arraycopy(src, (ch * h + y) * w, out, (ch * ph + y + p) * pw + p, w);
            }
        }
        return out;
    }

    /** torchvision's RandomResizedCrop.get_params: ten tries, then the whole image clipped to the ratio range. */
    static int[] resizedCropBox(int h, int w, SplittableRandom random) {
        double area = (double) h * w, logLo = Math.log(3.0 / 4), logHi = Math.log(4.0 / 3);
        for (int attempt = 0; attempt < 10; attempt++) {
            double target = area * (0.08 + random.nextDouble() * (1 - 0.08));
            double ratio = Math.exp(logLo + random.nextDouble() * (logHi - logLo));
            int cw = (int) Math.round(Math.sqrt(target * ratio)), ch = (int) Math.round(Math.sqrt(target / ratio));
            if (cw > 0 && cw <= w && ch > 0 && ch <= h) {
                return new int[] {random.nextInt(h - ch + 1), random.nextInt(w - cw + 1), ch, cw};
            }
        }
        double inRatio = (double) w / h;
        int cw = w, ch = h;
        if (inRatio < 3.0 / 4) {
            ch = (int) Math.round(w / (3.0 / 4));
        } else if (inRatio > 4.0 / 3) {
            cw = (int) Math.round(h * (4.0 / 3));
        }
        return new int[] {(h - ch) / 2, (w - cw) / 2, ch, cw};
    }

    /** Bilinear resize of box {top, left, height, width} to outH x outW (half-pixel centres, edges clamped). */
    private static void resize(float[] img, int c, int h, int w, int[] box, int outH, int outW, boolean flipped,
                               float[] out, int offset) {
        double sy = (double) box[2] / outH, sx = (double) box[3] / outW;
        for (int ch = 0; ch < c; ch++) {
            for (int y = 0; y < outH; y++) {
                double fy = Math.max(0, Math.min(box[2] - 1, (y + 0.5) * sy - 0.5));
                int y0 = (int) fy, y1 = Math.min(y0 + 1, box[2] - 1);
                double wy = fy - y0;
                for (int x = 0; x < outW; x++) {
                    double fx = Math.max(0, Math.min(box[3] - 1, (x + 0.5) * sx - 0.5));
                    int x0 = (int) fx, x1 = Math.min(x0 + 1, box[3] - 1);
                    double wx = fx - x0;
                    int base = ch * h * w, r0 = (box[0] + y0) * w + box[1], r1 = (box[0] + y1) * w + box[1];
                    double v = (1 - wy) * ((1 - wx) * img[base + r0 + x0] + wx * img[base + r0 + x1])
                            + wy * ((1 - wx) * img[base + r1 + x0] + wx * img[base + r1 + x1]);
                    int ox = flipped ? outW - 1 - x : x;
                    out[offset + (ch * outH + y) * outW + ox] = (float) v;
                }
            }
        }
    }
}
