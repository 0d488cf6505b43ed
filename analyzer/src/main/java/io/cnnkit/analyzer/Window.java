package io.cnnkit.analyzer;

import io.cnnkit.compiler.graph.Shape;
import io.cnnkit.compiler.op.Padding;
import io.cnnkit.compiler.op.Size2;

/** The sliding-window geometry that convolution and the local poolings share. */
record Window(String kind, Size2 kernel, Size2 stride, Padding pad, Size2 dilation, boolean ceil) {

    Padding.Explicit pads(Shape in) {
        return ConvArithmetic.resolve(pad, in.height(), in.width(), kernel, stride, dilation);
    }

    /**
     * The output height and width for a feature-map input; errors when the kernel does not fit the
     * padded input, warns when real rows or columns are left out by floor rounding.
     */
    long[] outputSize(Shape in, Findings findings) throws InvalidLayerException {
        Shapes.requireMap(kind, in);
        Padding.Explicit p = pads(in);
        long extentH = ConvArithmetic.effectiveKernel(kernel.h(), dilation.h());
        long extentW = ConvArithmetic.effectiveKernel(kernel.w(), dilation.w());
        long paddedH = Math.addExact(in.height(), (long) p.top() + p.bottom());
        long paddedW = Math.addExact(in.width(), (long) p.left() + p.right());
        if (extentH > paddedH || extentW > paddedW) {
            String dilated = dilation.h() == 1 && dilation.w() == 1 ? ""
                    : " with dilation " + dilation + " spans " + extentH + "x" + extentW + ", which";
            throw new InvalidLayerException("kernel-too-large", kind + " kernel " + kernel + dilated
                    + " is larger than the padded input " + paddedH + "x" + paddedW
                    + " (input " + in + ", padding " + p + ")");
        }
        if (!kind.equals("conv")) {
            checkPoolPadding(p, extentH, extentW);
        }
        long h = ConvArithmetic.outputSize(in.height(), kernel.h(), stride.h(), p.top(), p.bottom(), dilation.h(), ceil);
        long w = ConvArithmetic.outputSize(in.width(), kernel.w(), stride.w(), p.left(), p.right(), dilation.w(), ceil);
        if (h <= 0 || w <= 0) {
            throw new InvalidLayerException("empty-output", kind + " output would be " + h + "x" + w
                    + " (input " + in + ", kernel " + kernel + ", stride " + stride + ", padding " + p + ")");
        }
        long rows = ConvArithmetic.droppedSize(in.height(), kernel.h(), stride.h(), p.top(), p.bottom(), dilation.h(), ceil);
        long cols = ConvArithmetic.droppedSize(in.width(), kernel.w(), stride.w(), p.left(), p.right(), dilation.w(), ceil);
        if (rows > 0 || cols > 0) {
            String what = rows > 0 && cols > 0 ? count(rows, "row") + " and " + count(cols, "column")
                    : rows > 0 ? count(rows, "row") : count(cols, "column");
            findings.warn("rows-dropped", kind + " leaves out the last " + what + " of its " + in
                    + " input (output " + h + "x" + w + "); use " + (kind.equals("conv") ? "" : "ceil=true or ")
                    + "more padding to keep them");
        }
        return new long[] {h, w};
    }

    /** PyTorch pooling requires every pad to be at most half the (dilated) kernel. */
    private void checkPoolPadding(Padding.Explicit p, long extentH, long extentW) throws InvalidLayerException {
        if (Math.max(p.top(), p.bottom()) > extentH / 2 || Math.max(p.left(), p.right()) > extentW / 2) {
            throw new InvalidLayerException("pad-too-large", kind + " padding " + p + " is more than half the kernel "
                    + extentH + "x" + extentW + "; a window would see only padding");
        }
    }

    private static String count(long n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }

    ReceptiveField field(ReceptiveField rf, Shape in) {
        Padding.Explicit p = pads(in);
        return rf.window(ConvArithmetic.effectiveKernel(kernel.h(), dilation.h()),
                ConvArithmetic.effectiveKernel(kernel.w(), dilation.w()), stride.h(), stride.w(), p.top(), p.left());
    }

    long area() {
        return (long) kernel.h() * kernel.w();
    }
}
