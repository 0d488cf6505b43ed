package io.cnnkit.compiler.graph;

import io.cnnkit.compiler.SourceLocation;

/** A declared network output; auxiliary outputs are heads used only in training. */
public record Output(String name, Layer layer, boolean aux, SourceLocation site) {
}
