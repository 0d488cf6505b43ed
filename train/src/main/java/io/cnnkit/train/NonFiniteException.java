package io.cnnkit.train;

/** The loss became NaN or infinite: the step and the first layer (in forward order) whose output holds such a value. */
public final class NonFiniteException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public NonFiniteException(long step, double loss, String layer) {
        super("the loss is " + loss + " at step " + step + "; the first non-finite value appeared in "
                + (layer == null ? "the loss itself (every layer's output is finite)" : "the output of layer '" + layer + "'")
                + "; lower the learning rate or clip the gradients (--clip-norm)");
    }
}
