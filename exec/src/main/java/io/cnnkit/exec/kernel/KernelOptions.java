package io.cnnkit.exec.kernel;

/**
 * Choices made at preparation. {@code scalar} forces the plain-Java path instead of the Vector API
 * (default: system property {@code cnnkit.scalar=true}); {@code threads} is the parallelism the
 * work split is sized for.
 */
public record KernelOptions(boolean scalar, int threads) {
    public static final String SCALAR_PROPERTY = "cnnkit.scalar";

    public KernelOptions {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
    }

    public static KernelOptions defaults(int threads) {
        return new KernelOptions(Boolean.getBoolean(SCALAR_PROPERTY), threads);
    }

    public KernelOptions withScalar(boolean forceScalar) {
        return new KernelOptions(forceScalar, threads);
    }
}
