package io.cnnkit.train.data;

import java.util.List;

/**
 * Images held in memory as stored: unsigned bytes (IDX, CIFAR-10, uint8 safetensors), scaled to
 * [0, 1] when read, or float32 values (safetensors), read unchanged. Exactly one of
 * {@code bytes} and {@code floats} is given.
 */
record StoredImages(byte[] bytes, float[] floats, int[] labels, int[] shape, List<String> classNames, String describe)
        implements Dataset {

    StoredImages {
        long per = (long) shape[0] * shape[1] * shape[2];
        long values = bytes != null ? bytes.length : floats.length;
        if ((long) labels.length * per != values) {
            throw new DataException(describe + ": " + values / per + " images but " + labels.length + " labels");
        }
    }

    static StoredImages ofBytes(byte[] pixels, int[] labels, int[] shape, List<String> classNames, String describe) {
        return new StoredImages(pixels, null, labels, shape, classNames, describe);
    }

    static StoredImages ofFloats(float[] values, int[] labels, int[] shape, String describe) {
        return new StoredImages(null, values, labels, shape, List.of(), describe);
    }

    @Override
    public int size() {
        return labels.length;
    }

    @Override
    public int[] shape() {
        return shape.clone();
    }

    @Override
    public int label(int index) {
        return labels[index];
    }

    @Override
    public void image(int index, float[] into, int offset) {
        int per = shape[0] * shape[1] * shape[2];
        if (floats != null) {
            System.arraycopy(floats, index * per, into, offset, per);
            return;
        }
        for (int i = 0; i < per; i++) {
            into[offset + i] = (bytes[index * per + i] & 0xff) / 255f;
        }
    }
}
