package io.cnnkit.train.grad;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.cnnkit.exec.Tensor;
import org.junit.jupiter.api.Test;

/** The gradient pool hands back arrays of the exact size, zeroed on request, and keeps only what is asked for. */
class BuffersTest {

    @Test
    void reusesGivenBackArraysOfAskedSizes() {
        Buffers buffers = Buffers.recycling();
        Tensor a = buffers.any(2, 3);
        a.set(4, 7f);
        buffers.giveBack(a);
        buffers.giveBack(a); // twice is once
        assertEquals(1, buffers.freeArrays());
        Tensor b = buffers.any(3, 2);
        assertSame(a.data(), b.data());
        assertEquals(7f, b.get(4));
        Tensor c = buffers.any(6);
        assertNotSame(b.data(), c.data()); // b is not free: a fresh one
        buffers.giveBack(b);
        assertEquals(0f, buffers.zeros(1, 6).get(4));
    }

    @Test
    void dropsSizesNobodyTakesAndBoundsEachSize() {
        Buffers buffers = Buffers.recycling();
        for (int i = 0; i < 100; i++) {
            buffers.giveBack(Tensor.zeros(5)); // like a loss gradient every step: never asked for
        }
        assertEquals(0, buffers.freeArrays());
        buffers.any(4);
        for (int i = 0; i < 100; i++) {
            buffers.giveBack(Tensor.zeros(4));
        }
        assertEquals(Buffers.MAX_FREE, buffers.freeArrays());
        Buffers.NONE.giveBack(Tensor.zeros(4));
        assertNotSame(Buffers.NONE.any(4).data(), Buffers.NONE.any(4).data());
    }
}
