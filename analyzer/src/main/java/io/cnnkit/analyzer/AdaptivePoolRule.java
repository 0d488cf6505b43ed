package io.cnnkit.analyzer;

import io.cnnkit.compiler.graph.Shape;
import io.cnnkit.compiler.op.Op;
import io.cnnkit.compiler.op.Size2;
import java.util.List;
import java.util.function.Function;

/**
 * {@code adaptiveavgpool} and {@code adaptivemaxpool} (PyTorch AdaptiveAvgPool2d / AdaptiveMaxPool2d):
 * {@code C×H×W → C×h×w}; output row i covers input rows [floor(i·H/h), ceil((i+1)·H/h)) and columns
 * likewise ({@link ConvArithmetic#adaptiveStart}). No parameters, no MACs. FLOPs: average, one per
 * element of every window (adds and the divide); max, one fewer per window (comparisons). The
 * receptive field: where h divides H and w divides W the windows are a pool of kernel and stride
 * H/h × W/w, and the field is that pool's; otherwise the windows have no one stride and the field
 * is counted as global.
 */
final class AdaptivePoolRule<O extends Op> implements OpRule<O> {

    static final AdaptivePoolRule<Op.AdaptiveAvgPool> AVG =
            new AdaptivePoolRule<>(Op.AdaptiveAvgPool.class, Op.AdaptiveAvgPool::size, false);
    static final AdaptivePoolRule<Op.AdaptiveMaxPool> MAX =
            new AdaptivePoolRule<>(Op.AdaptiveMaxPool.class, Op.AdaptiveMaxPool::size, true);

    private final Class<O> type;
    private final Function<O, Size2> size;
    private final boolean max;

    private AdaptivePoolRule(Class<O> type, Function<O, Size2> size, boolean max) {
        this.type = type;
        this.size = size;
        this.max = max;
    }

    @Override
    public Class<O> opType() {
        return type;
    }

    @Override
    public Shape outputShape(O op, List<Shape> in, Findings findings) throws InvalidLayerException {
        Size2 s = size.apply(op);
        return Shape.chw(Shapes.requireMap(op.kind(), in.get(0)).channels(), s.h(), s.w());
    }

    @Override
    public long flops(O op, List<Shape> in, Shape out) {
        Shape x = in.get(0);
        Size2 s = size.apply(op);
        long rows = windowLengths((int) x.height(), s.h()), cols = windowLengths((int) x.width(), s.w());
        long perChannel = Math.multiplyExact(rows, cols) - (max ? (long) s.h() * s.w() : 0);
        return Math.multiplyExact(x.channels(), perChannel);
    }

    /** The sum of the windows' lengths along one axis. */
    private static long windowLengths(int in, int out) {
        long sum = 0;
        for (int i = 0; i < out; i++) {
            sum += ConvArithmetic.adaptiveEnd(i, in, out) - ConvArithmetic.adaptiveStart(i, in, out);
        }
        return sum;
    }

    @Override
    public ReceptiveField receptiveField(O op, List<Shape> in, List<ReceptiveField> fields, Findings findings) {
        Shape x = in.get(0);
        Size2 s = size.apply(op);
        if (x.height() % s.h() != 0 || x.width() % s.w() != 0 || fields.get(0).global()) {
            return ReceptiveField.GLOBAL;
        }
        int kh = (int) (x.height() / s.h()), kw = (int) (x.width() / s.w());
        return fields.get(0).window(kh, kw, kh, kw, 0, 0);
    }
}
