package io.cnnkit.exec.kernel;

import io.cnnkit.exec.Tensor;

/** {@code slice(from, to)}: per sample, one contiguous block of channels copied out. */
record ChannelSliceKernel(int from, int inChannels, int[] outputShape) implements Kernel {
    @Override
    public void run(Tensor[] inputs, Tensor output, Workspace ws) {
        Tensor x = inputs[0];
        int batch = outputShape[0];
        int block = output.size() / batch;
        int area = block / outputShape[1];
        int sample = inChannels * area;
        Parallel.forRange(ws, batch, block, (slot, first, last) -> {
            for (int b = first; b < last; b++) {
                System.arraycopy(x.data(), x.offset() + b * sample + from * area, output.data(),
                        output.offset() + b * block, block);
            }
        });
    }
}
