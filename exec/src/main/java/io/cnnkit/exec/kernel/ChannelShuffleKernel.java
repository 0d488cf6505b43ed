package io.cnnkit.exec.kernel;

import io.cnnkit.exec.Tensor;

/** {@code channel_shuffle(groups)}: each output channel plane copied from its input channel, one plane per work item. */
record ChannelShuffleKernel(int groups, int[] outputShape) implements Kernel {
    @Override
    public void run(Tensor[] inputs, Tensor output, Workspace ws) {
        Tensor x = inputs[0];
        int channels = outputShape[1], perGroup = channels / groups;
        int area = output.size() / (outputShape[0] * channels);
        Parallel.forRange(ws, outputShape[0] * channels, area, (slot, from, to) -> {
            for (int plane = from; plane < to; plane++) {
                int b = plane / channels, c = plane % channels;
                int source = (c % groups) * perGroup + c / groups;
                System.arraycopy(x.data(), x.offset() + (b * channels + source) * area, output.data(),
                        output.offset() + plane * area, area);
            }
        });
    }
}
