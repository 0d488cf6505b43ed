package io.cnnkit.diagram;

import io.cnnkit.diagram.DiagramModel.Node;
import java.util.Optional;

/** The colours of a diagram's nodes: by operator kind, or by cost on a heat scale. */
final class Palette {

    static final String INK = "#343a40";
    static final String AUX_FILL = "#f1f3f5";
    static final String AUX_INK = "#868e96";
    static final String AUX_TEXT = "#495057";
    static final String WHITE = "#ffffff";

    private final Optional<DiagramOptions.Heat> heat;
    private final Optional<HeatScale> scale;

    Palette(DiagramModel model, DiagramOptions options) {
        this.heat = options.heat();
        this.scale = heat.map(h -> new HeatScale(model.nodes().stream()
                .filter(n -> n.kind() != NodeKind.OUTPUT).map(n -> n.cost().of(h)).toList(), h != DiagramOptions.Heat.GRAD));
    }

    Optional<HeatScale> scale() {
        return scale;
    }

    String fill(Node node) {
        if (node.kind() == NodeKind.OUTPUT) {
            return WHITE;
        }
        if (scale.isPresent()) {
            return scale.get().fill(node.cost().of(heat.orElseThrow()));
        }
        return node.aux() ? AUX_FILL : fill(node.kind());
    }

    /** The text colour where it differs from the default ink: white on dark heat, grey for auxiliary heads. */
    Optional<String> text(Node node) {
        if (scale.isPresent() && node.kind() != NodeKind.OUTPUT && scale.get().dark(node.cost().of(heat.orElseThrow()))) {
            return Optional.of(WHITE);
        }
        return node.aux() && scale.isEmpty() ? Optional.of(AUX_TEXT) : Optional.empty();
    }

    /** The fill colour of a kind of node, without a heat map. */
    static String fill(NodeKind kind) {
        return switch (kind) {
            case INPUT -> "#d3f9d8";
            case CONV -> "#d0ebff";
            case POOL -> "#ffe8cc";
            case DENSE -> "#ffdeeb";
            case NORM -> "#e5dbff";
            case ACTIVATION -> "#fff9db";
            case MERGE -> "#ffc9c9";
            case RESHAPE -> "#e9ecef";
            case MODULE -> "#c5f6fa";
            case OUTPUT -> WHITE;
        };
    }

    /** Cluster fills alternate with nesting so that nested modules stand apart. */
    static String clusterFill(int level) {
        return level % 2 == 1 ? "#f8f9fa" : "#e9eef4";
    }
}
