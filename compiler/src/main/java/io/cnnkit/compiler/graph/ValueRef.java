package io.cnnkit.compiler.graph;

import io.cnnkit.compiler.SourceLocation;

/**
 * How a merge's input was written: the value's name ({@code b1}, or {@code in}) and where that
 * value is defined, so that shape errors can name each input and point to it.
 */
public record ValueRef(String name, SourceLocation definition) {
}
