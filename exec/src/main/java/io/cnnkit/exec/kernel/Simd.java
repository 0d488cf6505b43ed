package io.cnnkit.exec.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The one vector species of every exec kernel, chosen once per JVM from the system property
 * {@code cnnkit.simd}: {@code 256}, {@code 512}, or {@code auto} (the default: 512 bits where
 * the machine prefers 16 float lanes, 256 otherwise). One JVM must never run FloatVector code of two
 * widths: C2 then sees two receiver types at every vector call, deoptimises, and all kernels box
 * their vectors (ResNet-18 went from 70 ms to 4.6 s).
 */
final class Simd {
    static final VectorSpecies<Float> S = choose(System.getProperty("cnnkit.simd", "auto"));

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
