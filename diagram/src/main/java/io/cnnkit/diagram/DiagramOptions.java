package io.cnnkit.diagram;

import java.util.Optional;

/**
 * How to draw a network.
 *
 * @param depth  scopes nested deeper than this are drawn as one node with subtotals; 0 collapses
 *               every top-level module, {@link Integer#MAX_VALUE} draws every layer
 * @param heat   colour nodes by this cost instead of by operator kind
 * @param shapes label edges with the tensor shapes they carry
 */
public record DiagramOptions(int depth, RankDir rankDir, Optional<Heat> heat, boolean shapes) {

    /** Layout direction: top to bottom or left to right. */
    public enum RankDir { TB, LR }

    /** The cost a heat map shows. */
    public enum Heat {
        MACS("MACs"), PARAMS("parameters"), MEMORY("activation memory"),
        /** Of a training run: the diagram model must be given the norms ({@link DiagramModel#withGradients}). */
        GRAD("gradient norm (last sampled step)");

        private final String title;

        Heat(String title) {
            this.title = title;
        }

        public String title() {
            return title;
        }
    }

    /** Without an explicit depth, modules are collapsed until the diagram has at most this many nodes. */
    public static final int LEGIBLE_NODES = 200;

    public static final DiagramOptions DEFAULT = new DiagramOptions(Integer.MAX_VALUE, RankDir.TB, Optional.empty(), true);

    public DiagramOptions {
        if (depth < 0) {
            throw new IllegalArgumentException("depth must be at least 0, got " + depth);
        }
    }

    public DiagramOptions withDepth(int depth) {
        return new DiagramOptions(depth, rankDir, heat, shapes);
    }

    public DiagramOptions withRankDir(RankDir rankDir) {
        return new DiagramOptions(depth, rankDir, heat, shapes);
    }

    public DiagramOptions withHeat(Heat heat) {
        return new DiagramOptions(depth, rankDir, Optional.of(heat), shapes);
    }

    public DiagramOptions withShapes(boolean shapes) {
        return new DiagramOptions(depth, rankDir, heat, shapes);
    }
}
