package io.cnnkit.compiler.graph;

import io.cnnkit.compiler.SourceLocation;

/**
 * An instance that groups layers: a module call, one copy of a repetition, or a bracketed group.
 * {@code path} is the dotted name (for example {@code layer1.0}); {@code kind} is the module's
 * name, or {@code repeat} / {@code group}.
 */
public record Scope(String path, String kind, SourceLocation site) {

    public boolean isModule() {
        return !kind.equals("repeat") && !kind.equals("group");
    }

    /** The last segment of the path. */
    public String simpleName() {
        int dot = path.lastIndexOf('.');
        return dot < 0 ? path : path.substring(dot + 1);
    }

    /** Nesting depth: 1 for a top-level scope. */
    public int depth() {
        int depth = 1;
        for (int i = 0; i < path.length(); i++) {
            if (path.charAt(i) == '.') {
                depth++;
            }
        }
        return depth;
    }
}
