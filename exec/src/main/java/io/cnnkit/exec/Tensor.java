package io.cnnkit.exec;

import java.util.Arrays;

/**
 * A dense float32 tensor in row-major order (NCHW for feature maps, NF for vectors), possibly a
 * view into a larger array such as an execution arena. The shape is fixed; the data is mutable
 * so that kernels can write their outputs in place.
 */
public final class Tensor {
    /** Elements in one tensor are bounded by Java's array size (the analyzer warns past it). */
    public static final long MAX_ELEMENTS = io.cnnkit.analyzer.Analyzer.MAX_RUNNABLE_ELEMENTS;

    private final int[] shape;
    private final float[] data;
    private final int offset;
    private final int size;

    private Tensor(float[] data, int offset, int[] shape) {
        this.shape = shape.clone();
        this.size = checkedSize(shape);
        if (offset < 0 || offset + (long) size > data.length) {
            throw new IllegalArgumentException("view [" + offset + ", " + (offset + (long) size)
                    + ") lies outside an array of " + data.length);
        }
        this.data = data;
        this.offset = offset;
    }

    public static Tensor zeros(int... shape) {
        return new Tensor(new float[checkedSize(shape)], 0, shape);
    }

    /** Wraps {@code data} (not copied); its length must equal the shape's element count. */
    public static Tensor of(float[] data, int... shape) {
        if (data.length != checkedSize(shape)) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " needs "
                    + checkedSize(shape) + " values, got " + data.length);
        }
        return new Tensor(data, 0, shape);
    }

    /** A view of {@code data} starting at {@code offset}. */
    public static Tensor view(float[] data, int offset, int... shape) {
        return new Tensor(data, offset, shape);
    }

    /** Elements per sample of a batch-first shape: the product of every dimension after the first. */
    public static int sampleSize(int... shape) {
        long n = 1;
        for (int i = 1; i < shape.length; i++) {
            n *= shape[i];
        }
        return Math.toIntExact(n);
    }

    /** The element count of a shape, or an exception if it is negative or too large for one array. */
    public static int checkedSize(int... shape) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in " + Arrays.toString(shape));
            }
            n *= d;
            if (n > MAX_ELEMENTS) {
                throw new IllegalArgumentException("tensor " + Arrays.toString(shape)
                        + " has more than " + MAX_ELEMENTS + " elements");
            }
        }
        return (int) n;
    }

    public int[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    public int dim(int axis) {
        return shape[axis];
    }

    public int size() {
        return size;
    }

    /** The backing array; elements live at {@code [offset(), offset() + size())}. */
    public float[] data() {
        return data;
    }

    public int offset() {
        return offset;
    }

    public float get(int index) {
        return data[offset + index];
    }

    public void set(int index, float value) {
        data[offset + index] = value;
    }

    /** The same elements seen with another shape of equal size. */
    public Tensor reshape(int... newShape) {
        if (checkedSize(newShape) != size) {
            throw new IllegalArgumentException("cannot reshape " + Arrays.toString(shape) + " to "
                    + Arrays.toString(newShape));
        }
        return new Tensor(data, offset, newShape);
    }

    /** A compact copy that owns its array. */
    public Tensor copy() {
        return new Tensor(Arrays.copyOfRange(data, offset, offset + size), 0, shape);
    }

    /** The elements as a new array. */
    public float[] toArray() {
        return Arrays.copyOfRange(data, offset, offset + size);
    }

    public boolean sameShape(Tensor other) {
        return Arrays.equals(shape, other.shape);
    }

    @Override
    public String toString() {
        return "Tensor" + Arrays.toString(shape);
    }
}
