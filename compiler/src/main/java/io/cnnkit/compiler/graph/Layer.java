package io.cnnkit.compiler.graph;

import io.cnnkit.compiler.SourceLocation;
import io.cnnkit.compiler.op.Op;
import java.util.List;
import java.util.Optional;

/**
 * One node of the elaborated network.
 *
 * @param id         dense index, in declaration order
 * @param name       unique dotted path, the key of this layer's weights ({@code layer1.0.conv1})
 * @param op         the resolved operator
 * @param scopes     enclosing module instances, repetitions and groups, outermost first
 * @param site       where this layer is written (the call, or the module call that expands to it)
 * @param definition where the operator call itself is written (inside a module body, say)
 * @param assertedShape an inline shape assertion, checked by the analyzer
 */
public record Layer(int id, String name, Op op, List<Scope> scopes, SourceLocation site,
                    SourceLocation definition, Optional<Shape> assertedShape) {

    public Layer {
        scopes = List.copyOf(scopes);
    }

    public String kind() {
        return op.kind();
    }

    /** The innermost enclosing scope, if any. */
    public Optional<Scope> scope() {
        return scopes.isEmpty() ? Optional.empty() : Optional.of(scopes.get(scopes.size() - 1));
    }

    /** The last segment of the name. */
    public String simpleName() {
        int dot = name.lastIndexOf('.');
        return dot < 0 ? name : name.substring(dot + 1);
    }
}
