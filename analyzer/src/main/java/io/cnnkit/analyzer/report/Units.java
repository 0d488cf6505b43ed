package io.cnnkit.analyzer.report;

import io.cnnkit.analyzer.ReceptiveField;
import io.cnnkit.compiler.graph.Shape;
import java.util.Locale;

/** Number formatting shared by the reports: exact counts with separators, decimal and binary units. */
public final class Units {

    /** The counting convention, printed by every report. */
    public static final String CONVENTION = "1 MAC = 1 multiply + 1 accumulate = 2 FLOPs. MACs count conv and"
            + " dense layers only, bias excluded (as torchvision's \"GFLOPS\" and fvcore). FLOPs count every"
            + " operator (bias adds, pooling, activations, add, batchnorm, LRN, softmax) by the rules in"
            + " docs/counting.md. Shapes are per sample; MACs, FLOPs and memory are for the whole batch."
            + " Memory is float32 (4 bytes per element); kB = 10^3, MB = 10^6, GB = 10^9 bytes, MiB = 2^20 bytes."
            + " RF = receptive field on the input, size/stride.";

    private Units() {
    }

    /** {@code 138,357,544}. */
    public static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    /** {@code 15.47 G} (k = 10^3, M = 10^6, G = 10^9, T = 10^12). */
    public static String decimal(long n) {
        String[] prefixes = {"", " k", " M", " G", " T", " P", " E"};
        double v = n;
        int i = 0;
        while (Math.abs(v) >= 1000 && i < prefixes.length - 1) {
            v /= 1000;
            i++;
        }
        return i == 0 ? Long.toString(n) : String.format(Locale.ROOT, "%.2f%s", v, prefixes[i]);
    }

    /** {@code 12.85 MB} with MB = 10^6 bytes. */
    public static String megabytes(long bytes) {
        return String.format(Locale.ROOT, "%.2f MB", bytes / 1e6);
    }

    /** Bytes with a decimal unit that keeps three significant digits: {@code 4.00 kB}, {@code 12.85 MB}. */
    public static String scaledBytes(long bytes) {
        String[] units = {"B", "kB", "MB", "GB", "TB", "PB", "EB"};
        double v = bytes;
        int i = 0;
        while (v >= 1000 && i < units.length - 1) {
            v /= 1000;
            i++;
        }
        return i == 0 ? bytes + " B" : String.format(Locale.ROOT, "%.2f %s", v, units[i]);
    }

    /** {@code 553,430,176 B (553.43 MB, 527.79 MiB)}. */
    public static String bytes(long bytes) {
        return count(bytes) + " B (" + megabytes(bytes) + ", "
                + String.format(Locale.ROOT, "%.2f MiB", bytes / (double) (1 << 20)) + ")";
    }

    /** {@code 15,470,264,320 (15.47 G)}. */
    public static String countWithUnit(long n) {
        return n < 1000 ? count(n) : count(n) + " (" + decimal(n) + ")";
    }

    /** {@code 212/32}, {@code 11x7/4}, {@code global}, or {@code -} when unknown. */
    public static String field(ReceptiveField rf) {
        if (rf == null) {
            return "-";
        }
        if (rf.global()) {
            return "global";
        }
        return pair(rf.sizeH(), rf.sizeW()) + "/" + pair(rf.strideH(), rf.strideW());
    }

    public static String shape(Shape shape) {
        return shape == null ? "?" : shape.toString();
    }

    private static String pair(long h, long w) {
        return h == w ? Long.toString(h) : h + "x" + w;
    }
}
