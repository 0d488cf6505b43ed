package io.cnnkit.exec.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The one vector species of every exec kernel, chosen once per JVM from the system property
 * {@code cnnkit.simd}: {@code 256}, {@code 512}, or {@code auto} (the default: 512 bits where
 * the machine prefers 16 float lanes, 256 otherwise). One JVM must never run FloatVector code of two
 * widths: C2 then sees two receiver types at every vector call, deoptimises, and all kernels box
 * their vectors, some fifty times slower (docs/performance.md, "JIT pitfalls").
 */
public final class Simd {
    public static final VectorSpecies<Float> S = choose(System.getProperty("cnnkit.simd", "auto"));
    /**
     * The concrete vector class of {@link #S}: a micro-kernel stores each accumulator through
     * {@code EXACT.cast(acc).intoArray(...)}. An accumulator after the k loop is a loop phi, and
     * depending on the order in which C2 parses the loop (which follows the profile) it may type
     * that phi as plain FloatVector; {@code intoArray} then cannot be intrinsified and runs the
     * Vector API's scalar fallback for the life of the JVM (about one JVM in twelve ran every
     * network about ten times slower). The cast to this final class gives C2 the exact type in every
     * parse order and costs a class check per store.
     */
    public static final Class<? extends FloatVector> EXACT = S.vectorType().asSubclass(FloatVector.class);

    private Simd() {
    }

    private static VectorSpecies<Float> choose(String bits) {
        switch (bits) {
            case "256":
                return FloatVector.SPECIES_256;
            case "512":
                return FloatVector.SPECIES_512;
            default:
                return FloatVector.SPECIES_PREFERRED.length() >= 16 ? FloatVector.SPECIES_512 : FloatVector.SPECIES_256;
        }
    }
}
