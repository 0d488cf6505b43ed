package io.cnnkit.exec.kernel;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;

/**
 * Where a float array's vectors start on a cache line. A 512-bit load that is not 64-byte aligned
 * spans two cache lines and costs two; Java gives no control over where an array's data starts,
 * except that with {@code -XX:ObjectAlignmentInBytes=64} every object, and so every array's data,
 * starts at the same offset from a 64-byte boundary. Kernels then skip {@link #FLOATS} floats at
 * the start of their workspace and packed weights, so that their panels sit on cache lines in
 * every JVM. Without the flag that offset is 0 and alignment is left to chance, decided per
 * allocation, so that one JVM runs the same layers slower than another (docs/performance.md).
 */
public final class Align {
    private static final int LINE = 64;

    /** Floats to skip so that element FLOATS of any float array is 64-byte aligned, or 0 when no offset does that. */
    public static final int FLOATS = floats();

    private Align() {
    }

    private static int floats() {
        try {
            HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            int objects = Integer.parseInt(vm.getVMOption("ObjectAlignmentInBytes").getValue());
            if (objects % LINE != 0) {
                return 0;
            }
            @SuppressWarnings("removal")
            int header = sun.misc.Unsafe.ARRAY_FLOAT_BASE_OFFSET;
            return (LINE - header % LINE) % LINE / Float.BYTES;
        } catch (RuntimeException | LinkageError notHotSpot) {
            return 0;
        }
    }

    /** A float array of {@code n} elements after {@link #FLOATS} skipped ones. */
    public static float[] floats(int n) {
        return new float[FLOATS + n];
    }
}
