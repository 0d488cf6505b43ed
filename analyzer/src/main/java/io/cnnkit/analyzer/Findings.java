package io.cnnkit.analyzer;

import java.util.ArrayList;
import java.util.List;

/** Warnings a rule raises about one layer; the analyzer locates them at the layer's call site. */
public final class Findings {

    /** A warning's stable code and message. */
    public record Warning(String code, String message) {
    }

    private final List<Warning> warnings = new ArrayList<>();

    public void warn(String code, String message) {
        warnings.add(new Warning(code, message));
    }

    public List<Warning> warnings() {
        return List.copyOf(warnings);
    }
}
