package io.cnnkit.exec.kernel.conv;

import io.cnnkit.exec.Tensor;
import io.cnnkit.exec.kernel.Parallel;
import io.cnnkit.exec.kernel.Workspace;

/**
 * What a convolution copies of each image's input into the shared scratch before its tiles read
 * it: zero-padded phase planes ({@link PhasePlanes}) or only the zero-padded border
 * ({@link BorderCopy}).
 */
interface InputCopy {
    /** Floats of the copy of {@code channels} input channels, with whatever past it the tiles may read. */
    int bufferSize(int channels);

    /** Floats per input channel in the copy. */
    int channelSize();

    /**
     * Input planes [first, first + count) of {@code x} (numbered channel after channel, image after
     * image) into {@code dst} from {@code at}, on the calling thread.
     */
    void fill(Tensor x, int first, int count, float[] dst, int at);

    /** As above, the threads of {@code ws} taking a range of planes each. */
    default void fill(Workspace ws, Tensor x, int first, int count, float[] dst, int at) {
        Parallel.forRange(ws, count, channelSize(), (slot, from, to) -> fill(x, first + from, to - from, dst,
                at + from * channelSize()));
    }
}
