package io.cnnkit.train.data;

/** Some samples of another dataset, by index. */
record Subset(Dataset source, int[] indices, String describe) implements Dataset {
    @Override
    public int size() {
        return indices.length;
    }

    @Override
    public int[] shape() {
        return source.shape();
    }

    @Override
    public int label(int index) {
        return source.label(indices[index]);
    }

    @Override
    public void image(int index, float[] into, int offset) {
        source.image(indices[index], into, offset);
    }

    @Override
    public java.util.List<String> classNames() {
        return source.classNames();
    }
}
