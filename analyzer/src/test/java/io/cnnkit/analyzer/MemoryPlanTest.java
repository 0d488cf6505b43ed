package io.cnnkit.analyzer;

import static io.cnnkit.analyzer.Nets.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cnnkit.compiler.graph.Layer;
import io.cnnkit.compiler.graph.NetworkGraph;
import io.cnnkit.compiler.op.Op;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MemoryPlanTest {

    /** Buffers live at the same step never overlap, lie inside the arena, and fit the arena together. */
    private static void assertSound(Analysis a) {
        MemoryPlan plan = a.memoryPlan();
        List<Layer> owners = a.graph().layers().stream().filter(l -> plan.bufferOwner(l) == l && plan.elements(l) > 0)
                .toList();
        for (Layer x : owners) {
            assertTrue(plan.offset(x) >= 0 && plan.offset(x) + plan.elements(x) <= plan.arenaElements(), x.name());
            for (Layer y : owners) {
                boolean together = plan.firstStep(x) <= plan.lastStep(y) && plan.firstStep(y) <= plan.lastStep(x);
                boolean apart = plan.offset(x) + plan.elements(x) <= plan.offset(y)
                        || plan.offset(y) + plan.elements(y) <= plan.offset(x);
                assertTrue(x == y || !together || apart, x.name() + " overlaps " + y.name());
            }
        }
        for (int step = 0; step < plan.schedule().size(); step++) {
            long live = 0;
            for (Layer x : owners) {
                if (plan.firstStep(x) <= step && step <= plan.lastStep(x)) {
                    live += plan.elements(x);
                }
            }
            assertTrue(plan.arenaElements() >= live, "step " + step);
        }
        // every reader of a buffer runs while it is live
        for (Layer l : a.graph().layers()) {
            for (Layer c : a.graph().consumersOf(l)) {
                int step = plan.schedule().indexOf(c);
                assertTrue(plan.firstStep(l) <= step && step <= plan.lastStep(l), l.name() + " read by " + c.name());
            }
        }
    }

    @Test
    void smallChainByHand() {
        NetworkGraph.Builder b = NetworkGraph.builder("t");
        Layer x = b.add("image", input(3, 8, 8));      // 192 elements, steps 0-1
        Layer c1 = b.add("c1", conv(4, 1), x);          // 256, steps 1-3 (relu shares it)
        Layer r = b.add("r", RELU, c1);                 // in place on c1
        Layer c2 = b.add("c2", conv(2, 1), r);          // 128, output: step 3 to the end
        Analysis a = Analyzer.analyze(b.output("y", c2).build(), 1);
        MemoryPlan plan = a.memoryPlan();
        assertEquals(Optional.of(c1), plan.aliasOf(r));
        assertEquals(0, plan.offset(c1));
        assertEquals(256, plan.offset(x));
        assertEquals(256, plan.offset(c2));
        assertEquals(448, plan.arenaElements());
        assertEquals(4 * 448, plan.arenaBytes());
        assertEquals(448, plan.peakLiveElements());
        assertEquals(plan.arenaBytes(), a.peakActivationBytes());
        assertSound(a);
    }

    @Test
    void batchScalesBuffers() {
        Analysis one = Analyzer.analyze(vgg16(), 1);
        Analysis four = Analyzer.analyze(vgg16(), 4);
        assertEquals(4 * one.memoryPlan().arenaElements(), four.memoryPlan().arenaElements());
    }

    @Test
    void aliasingRules() {
        NetworkGraph.Builder b = NetworkGraph.builder("t");
        Layer x = b.add("image", input(4, 4, 4));
        Layer onInput = b.add("onInput", RELU, x);                    // network input: not in place
        Layer c = b.add("c", conv(4, 1), onInput);
        Layer shared = b.add("shared", RELU, c);                      // c also feeds flat: not in place
        Layer flat = b.add("flat", FLATTEN, c);                       // a view, always
        Layer onView = b.add("onView", new Op.Sigmoid(), flat);       // c has two consumers: not in place
        Layer d = b.add("d", conv(4, 1), shared);
        Layer bn = b.add("bn", new Op.BatchNorm(1e-5), d);            // sole consumer: in place
        Layer flat2 = b.add("flat2", FLATTEN, bn);
        Layer drop = b.add("drop", new Op.Dropout(0.5), flat2);       // a view, always
        Layer tanh = b.add("tanh", new Op.Tanh(), drop);              // chain of sole consumers: in place
        Layer out = b.add("out", new Op.Add(), onView, tanh);
        Layer afterOutput = b.add("afterOutput", RELU, out);          // out is a network output: not in place
        Analysis a = Analyzer.analyze(b.output("y", out).output("z", afterOutput).build(), 2);
        MemoryPlan plan = a.memoryPlan();
        assertEquals(Optional.empty(), plan.aliasOf(onInput));
        assertEquals(Optional.empty(), plan.aliasOf(shared));
        assertEquals(Optional.of(c), plan.aliasOf(flat));
        assertEquals(Optional.empty(), plan.aliasOf(onView));
        assertEquals(Optional.of(d), plan.aliasOf(bn));
        assertEquals(Optional.of(bn), plan.aliasOf(flat2));
        assertEquals(Optional.of(flat2), plan.aliasOf(drop));
        assertEquals(Optional.of(drop), plan.aliasOf(tanh));
        assertEquals(d, plan.bufferOwner(tanh));
        assertEquals(plan.offset(d), plan.offset(tanh));
        assertEquals(Optional.of(tanh), plan.aliasOf(out), "an add in place on its writable input");
        assertEquals(Optional.empty(), plan.aliasOf(afterOutput));
        assertEquals(plan.schedule().size() - 1, plan.lastStep(out), "outputs live to the end");
        assertSound(a);
    }

    @Test
    void anAddWorksInPlaceOnItsInputComputedLast() {
        NetworkGraph.Builder b = NetworkGraph.builder("t");
        Layer x = b.add("image", input(4, 5, 5));
        Layer c1 = b.add("c1", conv(4, 1), x);
        Layer c2 = b.add("c2", conv(4, 3, 1, 1), x);
        Layer bn = b.add("bn", new Op.BatchNorm(1e-5), c2);
        Layer sum = b.add("sum", new Op.Add(), bn, c1);           // both writable: bn is computed last
        Layer r = b.add("r", RELU, sum);
        Layer twice = b.add("twice", new Op.Add(), r, r);         // one buffer on both sides: not in place
        Layer onInput = b.add("onInput", new Op.Add(), twice, x); // twice is an output, x an input
        Analysis a = Analyzer.analyze(b.output("y", onInput).output("t", twice).build(), 1);
        MemoryPlan plan = a.memoryPlan();
        assertEquals(Optional.of(bn), plan.aliasOf(sum));
        assertEquals(c2, plan.bufferOwner(r));
        assertEquals(Optional.empty(), plan.aliasOf(twice));
        assertEquals(Optional.empty(), plan.aliasOf(onInput));
        assertSound(a);
    }

    @Test
    void publishedNetworksPlanSoundly() {
        assertSound(Analyzer.analyze(vgg16(), 2));
        assertSound(Analyzer.analyze(lenet5(), 3));
        assertSound(Analyzer.analyze(inception(true), 1));
        assertSound(Analyzer.analyze(inception(false), 1));
    }

    @Test
    void reuseKeepsAChainSmall() {
        // VGG-16 at batch 1: the two largest neighbours are conv1_1 and conv1_2 (64x224x224 each),
        // so no arena can be smaller than 2 * 3,211,264 elements, and a chain needs no more
        Analysis a = Analyzer.analyze(vgg16(), 1);
        assertEquals(2 * 64 * 224 * 224L, a.memoryPlan().peakLiveElements());
        assertEquals(2 * 64 * 224 * 224L, a.memoryPlan().arenaElements());
    }

    /** Random residual DAGs: 1x1 convolutions, activations, flattens-free adds and concats of one size. */
    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void randomGraphsPlanSoundly(long seed) {
        Random random = new Random(seed);
        NetworkGraph.Builder b = NetworkGraph.builder("random");
        List<Layer> layers = new ArrayList<>();
        layers.add(b.add("image", input(8, 6, 6)));
        for (int i = 0; i < 60; i++) {
            Layer from = layers.get(random.nextInt(layers.size()));
            Layer other = layers.get(random.nextInt(layers.size()));
            Layer next = switch (random.nextInt(5)) {
                case 0 -> b.add("conv" + i, conv(8, 1), from);
                case 1 -> b.add("relu" + i, RELU, from);
                case 2 -> b.add("bn" + i, new Op.BatchNorm(1e-5), from);
                case 3 -> b.add("drop" + i, new Op.Dropout(0.1), from);
                default -> b.add("add" + i, new Op.Add(), from, other);
            };
            layers.add(next);
        }
        b.output("last", layers.get(layers.size() - 1));
        b.output("middle", layers.get(layers.size() / 2));
        Analysis a = Analyzer.analyze(b.build(), 1 + random.nextInt(3));
        assertTrue(!a.hasErrors(), a.diagnostics().toString());
        assertSound(a);
    }

    /**
     * One merge of many inputs keeps every branch live until the merge; placing them once cost
     * time cubic in their number (4,000 branches took minutes), now one pass over the placed
     * buffers per buffer.
     */
    @Test
    @org.junit.jupiter.api.Timeout(60)
    void aMergeOfManyInputsIsPlannedQuickly() {
        NetworkGraph.Builder b = NetworkGraph.builder("wide");
        Layer x = b.add("x", input(1, 4, 4));
        Layer[] branches = new Layer[8000];
        for (int i = 0; i < branches.length; i++) {
            branches[i] = b.add("b" + i, RELU, x);
        }
        Layer cat = b.add("cat", new Op.Concat(), branches);
        Analysis a = Analyzer.analyze(b.output("y", cat).build(), 1);
        // the branches and the concat; the input fits under the concat, which starts after its last reader
        assertEquals(2L * 8000 * 16, a.memoryPlan().arenaElements());
    }

    /** Each in-place layer of a long chain re-walked the chain before it: 100,000 relus took minutes. */
    @Test
    @org.junit.jupiter.api.Timeout(60)
    void aLongInPlaceChainIsPlannedQuickly() {
        NetworkGraph.Builder b = NetworkGraph.builder("chain");
        Layer x = b.add("x", input(1, 2, 2));
        Layer current = b.add("c", conv(1, 1), x);
        for (int i = 0; i < 100_000; i++) {
            current = b.add("r" + i, RELU, current);
        }
        Analysis a = Analyzer.analyze(b.output("y", b.add("last", conv(1, 1), current)).build(), 1);
        MemoryPlan plan = a.memoryPlan();
        assertEquals(a.graph().layer(1), plan.bufferOwner(a.graph().layer(100_001)));
    }
}
