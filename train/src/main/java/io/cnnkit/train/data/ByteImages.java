package io.cnnkit.train.data;

import java.util.List;

/** Images stored as unsigned bytes (IDX, CIFAR-10, uint8 safetensors), scaled to [0, 1] when read. */
record ByteImages(byte[] pixels, int[] labels, int[] shape, List<String> classNames, String describe)
        implements Dataset {

    ByteImages {
        int per = shape[0] * shape[1] * shape[2];
        if ((long) labels.length * per != pixels.length) {
            throw new DataException(describe + ": " + pixels.length / per + " images but " + labels.length + " labels");
        }
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
        for (int i = 0; i < per; i++) {
            into[offset + i] = (pixels[index * per + i] & 0xff) / 255f;
        }
    }
}
