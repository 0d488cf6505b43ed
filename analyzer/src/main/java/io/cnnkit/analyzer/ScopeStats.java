package io.cnnkit.analyzer;

import io.cnnkit.compiler.graph.Layer;
import io.cnnkit.compiler.graph.Scope;

/**
 * Subtotals of one module instance, repetition copy or group.
 *
 * @param level nesting level, 1 for a top-level scope
 * @param last  the scope's last layer in schedule order, whose output is the scope's output
 */
public record ScopeStats(Scope scope, int level, Totals totals, Layer last) {
}
