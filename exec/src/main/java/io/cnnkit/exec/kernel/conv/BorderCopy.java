package io.cnnkit.exec.kernel.conv;

import io.cnnkit.exec.Tensor;
import io.cnnkit.exec.kernel.Window;
import java.util.Arrays;

/**
 * Where the tiles of a direct convolution read their input without phase planes: a tile of
 * {@code cols} consecutive output columns of one row whose window lies inside the input reads the
 * input where it lies; a tile whose window meets the padding, or runs past the input row with
 * columns that are computed and dropped, reads a zero-padded copy of the input. Only what such
 * border tiles read is filled: the rows of the border output rows whole, and in the other rows the
 * columns of the border tiles (ResNet's 3x3 stride-2 layers on 56x56 inputs: three whole rows and
 * 15 columns of the others). Copy row r is input row r - padTop, copy column c input column
 * c - padLeft. A tile's K row (ci, ky, kx) is at the tile's position plus {@link #inputOffsets} in
 * the input and {@link #copyOffsets} in the copy.
 */
final class BorderCopy implements InputCopy {
    private final Window w;
    private final int cols, tilesPerRow, width, plane;
    private final boolean[] interiorRow, interiorColumn;
    /** Per copy row: filled whole, or only in {@link #runs}. */
    private final boolean[] wholeRow, partRow;
    /** Column runs [runs[2i], runs[2i + 1]) that the border tiles of inside rows read. */
    private final int[] runs;
    private final int[] inputOffsets, copyOffsets;

    /** The copy for a window whose output rows are cut into tiles of {@code cols} columns. */
    BorderCopy(Window w, int cinG, int cols) {
        this.w = w;
        this.cols = cols;
        this.tilesPerRow = (w.outW() + cols - 1) / cols;
        int rows = (w.outH() - 1) * w.sh() + (w.kh() - 1) * w.dh() + 1;
        this.width = (tilesPerRow * cols - 1) * w.sw() + (w.kw() - 1) * w.dw() + 1;
        this.plane = rows * width;
        this.interiorRow = interiorRows(w);
        this.interiorColumn = interiorColumns(w, cols);
        boolean[] borderColumns = new boolean[width];
        for (int j = 0; j < tilesPerRow; j++) {
            for (int r = 0; r < cols && !interiorColumn[j]; r++) {
                for (int kx = 0; kx < w.kw(); kx++) {
                    borderColumns[(j * cols + r) * w.sw() + kx * w.dw()] = true;
                }
            }
        }
        this.runs = runs(borderColumns);
        this.wholeRow = new boolean[rows];
        this.partRow = new boolean[rows];
        for (int oy = 0; oy < w.outH(); oy++) {
            for (int ky = 0; ky < w.kh(); ky++) {
                (interiorRow[oy] ? partRow : wholeRow)[oy * w.sh() + ky * w.dh()] = true;
            }
        }
        int inPlane = w.inH() * w.inW(), taps = w.kh() * w.kw();
        this.inputOffsets = new int[cinG * taps];
        this.copyOffsets = new int[cinG * taps];
        for (int ci = 0, kk = 0; ci < cinG; ci++) {
            for (int ky = 0; ky < w.kh(); ky++) {
                for (int kx = 0; kx < w.kw(); kx++, kk++) {
                    inputOffsets[kk] = ci * inPlane + ky * w.dh() * w.inW() + kx * w.dw();
                    copyOffsets[kk] = ci * plane + ky * w.dh() * width + kx * w.dw();
                }
            }
        }
    }

    /**
     * Whether some tile of {@code cols} output columns reads inside the input only: otherwise the
     * copy would be the whole padded input, and phase planes serve as well.
     */
    static boolean readsInPlace(Window w, int cols) {
        return contains(interiorRows(w)) && contains(interiorColumns(w, cols));
    }

    private static boolean contains(boolean[] values) {
        for (boolean v : values) {
            if (v) {
                return true;
            }
        }
        return false;
    }

    /** Per output row, whether its windows lie inside the input's rows. */
    private static boolean[] interiorRows(Window w) {
        boolean[] inside = new boolean[w.outH()];
        for (int oy = 0; oy < w.outH(); oy++) {
            int top = oy * w.sh() - w.padTop();
            inside[oy] = top >= 0 && top + (w.kh() - 1) * w.dh() < w.inH();
        }
        return inside;
    }

    /** Per tile of {@code cols} output columns, whether its windows lie inside the input's columns. */
    private static boolean[] interiorColumns(Window w, int cols) {
        boolean[] inside = new boolean[(w.outW() + cols - 1) / cols];
        for (int j = 0; j < inside.length; j++) {
            int left = j * cols * w.sw() - w.padLeft();
            inside[j] = left >= 0 && left + (cols - 1) * w.sw() + (w.kw() - 1) * w.dw() < w.inW();
        }
        return inside;
    }

    /** The runs of true values of {@code marked} as [from, to) pairs. */
    private static int[] runs(boolean[] marked) {
        int[] found = new int[marked.length + 1];
        int count = 0;
        for (int c = 0; c < marked.length; c++) {
            if (marked[c] && (c == 0 || !marked[c - 1])) {
                found[count++] = c;
            }
            if (marked[c] && (c + 1 == marked.length || !marked[c + 1])) {
                found[count++] = c + 1;
            }
        }
        return Arrays.copyOf(found, count);
    }

    /** Whether tile {@code j} of output row {@code oy} reads inside the input only. */
    boolean interior(int oy, int j) {
        return interiorRow[oy] && interiorColumn[j];
    }

    /** Where tile j of output row oy starts in an input channel's plane (an interior tile). */
    int inputAt(int oy, int j) {
        return (oy * w.sh() - w.padTop()) * w.inW() + j * cols * w.sw() - w.padLeft();
    }

    /** Where tile j of output row oy starts in a channel of the copy. */
    int copyAt(int oy, int j) {
        return oy * w.sh() * width + j * cols * w.sw();
    }

    int[] inputOffsets() {
        return inputOffsets;
    }

    int[] copyOffsets() {
        return copyOffsets;
    }

    int tilesPerRow() {
        return tilesPerRow;
    }

    @Override
    public int channelSize() {
        return plane;
    }

    /** The border tiles read inside each channel's rows x columns: nothing past them. */
    @Override
    public int bufferSize(int channels) {
        return channels * plane;
    }

    @Override
    public void fill(Tensor x, int first, int count, float[] dst, int at) {
        int inPlane = w.inH() * w.inW();
        for (int i = 0; i < count; i++) {
            int src = x.offset() + (first + i) * inPlane, channel = at + i * plane;
            for (int r = 0; r < wholeRow.length; r++) {
                if (wholeRow[r]) {
                    copyRow(x.data(), src, r, 0, width, dst, channel + r * width);
                } else if (partRow[r]) {
                    for (int run = 0; run < runs.length; run += 2) {
                        copyRow(x.data(), src, r, runs[run], runs[run + 1], dst, channel + r * width);
                    }
                }
            }
        }
    }

    /** Columns [from, to) of copy row r, from the input plane at {@code src}: input values or zeros. */
    private void copyRow(float[] x, int src, int r, int from, int to, float[] dst, int row) {
        int iy = r - w.padTop();
        int lo = from, hi = from;
        if (iy >= 0 && iy < w.inH()) {
            lo = Math.min(to, Math.max(from, w.padLeft()));
            hi = Math.max(lo, Math.min(to, w.padLeft() + w.inW()));
        }
        for (int c = from; c < lo; c++) {
            dst[row + c] = 0f;
        }
        if (hi > lo) {
            System.arraycopy(x, src + iy * w.inW() + lo - w.padLeft(), dst, row + lo, hi - lo);
        }
        for (int c = hi; c < to; c++) {
            dst[row + c] = 0f;
        }
    }
}
