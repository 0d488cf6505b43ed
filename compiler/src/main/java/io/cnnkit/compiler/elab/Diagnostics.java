package io.cnnkit.compiler.elab;

import io.cnnkit.compiler.Diagnostic;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Collects diagnostics once each (a module body elaborated per instance would otherwise repeat
 * its findings) and stops accepting errors past a cap.
 */
public final class Diagnostics {
    private final Set<Diagnostic> seen = new LinkedHashSet<>();
    private final int maxErrors;
    private int errors;

    public Diagnostics(int maxErrors) {
        this.maxErrors = maxErrors;
    }

    public void add(Diagnostic diagnostic) {
        if (diagnostic.isError() && errors >= maxErrors) {
            return;
        }
        if (seen.add(diagnostic) && diagnostic.isError()) {
            errors++;
        }
    }

    public void addAll(List<Diagnostic> diagnostics) {
        diagnostics.forEach(this::add);
    }

    public boolean hasErrors() {
        return errors > 0;
    }

    public boolean full() {
        return errors >= maxErrors;
    }

    public List<Diagnostic> list() {
        return new ArrayList<>(seen);
    }
}
