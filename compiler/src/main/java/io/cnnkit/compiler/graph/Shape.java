package io.cnnkit.compiler.graph;

import java.util.List;
import java.util.stream.Collectors;

/** A per-sample tensor shape: {@code C×H×W} for feature maps, {@code F} for vectors. */
public record Shape(List<Long> dims) {

    public Shape {
        dims = List.copyOf(dims);
        if (dims.isEmpty()) {
            throw new IllegalArgumentException("a shape needs at least one dimension");
        }
    }

    public static Shape of(long... dims) {
        return new Shape(java.util.Arrays.stream(dims).boxed().toList());
    }

    public static Shape chw(long c, long h, long w) {
        return of(c, h, w);
    }

    public int rank() {
        return dims.size();
    }

    public long dim(int i) {
        return dims.get(i);
    }

    public boolean isMap() {
        return dims.size() == 3;
    }

    public boolean isVector() {
        return dims.size() == 1;
    }

    public long channels() {
        return dims.get(0);
    }

    public long height() {
        return dims.get(1);
    }

    public long width() {
        return dims.get(2);
    }

    /** Elements per sample; throws {@link ArithmeticException} on overflow. */
    public long elements() {
        long n = 1;
        for (long d : dims) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    /** {@code 64x56x56}. */
    @Override
    public String toString() {
        return dims.stream().map(String::valueOf).collect(Collectors.joining("x"));
    }
}
