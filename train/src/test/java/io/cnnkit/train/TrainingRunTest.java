package io.cnnkit.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cnnkit.analyzer.Analysis;
import io.cnnkit.analyzer.Analyzer;
import io.cnnkit.compiler.CnnCompiler;
import io.cnnkit.exec.io.ParamRequirement;
import io.cnnkit.exec.io.Weights;
import io.cnnkit.train.data.Augmentation;
import io.cnnkit.train.data.DataSources;
import io.cnnkit.train.data.Dataset;
import io.cnnkit.train.optim.AdamW;
import io.cnnkit.train.optim.Schedule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run stopped mid-epoch (as Ctrl-C stops it) and resumed from its checkpoint ends bit for bit where a
 * straight run ends; its learning rate follows a per-step schedule (warm-up over 4 steps, then cosine).
 */
class TrainingRunTest {
    @TempDir
    Path dir;

    static final String NET = """
            network Small
            input image: 1x28x28
            output logits = image -> conv1: conv(4, 5, stride=2) -> bn: batchnorm -> relu -> maxpool(2)
                -> flatten -> drop: dropout(0.3) -> fc: dense(10)
            """;

    static final Schedule SCHEDULE = new Schedule(new Schedule.Cosine(0), 4, 0.5, true);
    private final List<Double> epochRates = new ArrayList<>();

    private Path train(String name, int stopAfter, boolean resume) {
        Analysis analysis = Analyzer.analyze(CnnCompiler.compileString("s.cnn", NET).graphOrThrow(), 16);
        TrainingNetwork net = TrainingNetwork.of(analysis, Map.of(), 0.3);
        Dataset data = DataSources.limit(DataSources.open("fashion-mnist:test", new int[] {1, 28, 28}), 96);
        Path out = dir.resolve(name + ".safetensors");
        Optional<Checkpoint> from = resume ? Optional.of(Checkpoint.read(TrainingRun.checkpointFor(out)))
                : Optional.empty();
        Weights start = from.map(c -> Weights.of(c.weights()))
                .orElse(Weights.initialize(ParamRequirement.of(analysis), 4));
        AdamW optimizer = new AdamW(0.9, 0.999, 1e-8, 0.01);
        from.ifPresent(c -> optimizer.load(c.optimizerState()));
        AtomicInteger steps = new AtomicInteger();
        try (Trainer trainer = new Trainer(net, start.asMap(), optimizer, new Trainer.Settings(2, 4, 0.1, 1.0, false))) {
            TrainingRun.Outcome outcome = TrainingRun.run(trainer, data, Optional.empty(),
                    new Augmentation(0, 2, true, false, new float[] {0.3f}, new float[] {0.35f}), Augmentation.none(1),
                    new TrainingRun.Plan(2, 16, 1e-3, SCHEDULE, 0, false), 4, 2,
                    from, out, new TrainingRun.Listener() {
                        @Override
                        public void step(int epoch, int epochs, int step, int all, double loss, double acc, double rate) {
                            steps.incrementAndGet();
                        }

                        @Override
                        public void epoch(TrainingRun.EpochMetrics metrics) {
                            epochRates.add(metrics.lr());
                        }
                    }, () -> stopAfter > 0 && steps.get() >= stopAfter);
            assertEquals(stopAfter > 0 ? TrainingRun.Outcome.STOPPED : TrainingRun.Outcome.COMPLETED, outcome);
        }
        return out;
    }

    @Test
    void stoppedMidEpochAndResumedEqualsStraight() throws IOException {
        Path straight = train("straight", 0, false);
        // 96 images in batches of 16: 6 steps per epoch; each epoch reports its last step's rate
        assertEquals(List.of(SCHEDULE.rate(1e-3, 5, 12), SCHEDULE.rate(1e-3, 11, 12)), epochRates);
        train("split", 3, false);
        Checkpoint mid = Checkpoint.read(TrainingRun.checkpointFor(dir.resolve("split.safetensors")));
        assertEquals(0, mid.epochsDone());
        assertEquals(3, mid.batchesDone());
        Path resumed = train("split", 0, true);
        assertArrayEquals(Files.readAllBytes(straight), Files.readAllBytes(resumed));
        assertArrayEquals(Files.readAllBytes(TrainingRun.checkpointFor(straight)),
                Files.readAllBytes(TrainingRun.checkpointFor(resumed)));
    }
}
