package io.cnnkit.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * cnn train and cnn eval on a few hundred Fashion-MNIST images (Debian's dataset-fashion-mnist):
 * the loss decreases, two epochs straight equal one plus a resumed one bit for bit, eval reports
 * on the result, and bad data gets a clear message and exit code 2.
 */
class TrainCommandTest {
    static final String LENET = "../examples/lenet5.cnn";

    @TempDir
    Path dir;

    private Cli train(Path out, String... extra) {
        List<String> args = new ArrayList<>(List.of("train", LENET, "--data", "fashion-mnist:train", "--pad", "2",
                "--mean", "0.286", "--std", "0.353", "--limit", "320", "--batch", "32", "--optimizer", "sgd", "--lr",
                "0.05", "--momentum", "0.9", "--seed", "3", "--threads", "2", "-o", out.toString()));
        args.addAll(List.of(extra));
        return Cli.run(args.toArray(String[]::new));
    }

    @Test
    void lossDecreasesOnFashionMnist() throws IOException {
        Path out = dir.resolve("lenet.safetensors"), metrics = dir.resolve("m.jsonl");
        Cli r = train(out, "--epochs", "4", "--metrics", metrics.toString());
        assertEquals(0, r.code(), r.err());
        // one line per epoch; the per-layer statistics lines ("kind": "layers") are InsightCommandsTest's
        List<String> lines = Files.readAllLines(metrics).stream().filter(l -> !l.contains("\"kind\"")).toList();
        assertEquals(4, lines.size());
        ObjectMapper json = new ObjectMapper();
        JsonNode first = json.readTree(lines.get(0)), last = json.readTree(lines.get(3));
        assertTrue(last.get("train_loss").asDouble() < 0.8 * first.get("train_loss").asDouble(), lines.toString());
        assertEquals(40, last.get("step").asInt());

        Cli eval = Cli.run("eval", LENET, "--weights", out.toString(), "--data", "fashion-mnist:test", "--pad", "2",
                "--mean", "0.286", "--std", "0.353", "--limit", "200", "--threads", "1", "--format", "json");
        assertEquals(0, eval.code(), eval.err());
        JsonNode report = json.readTree(eval.out());
        assertEquals(200, report.get("samples").asInt());
        assertTrue(report.get("top1").asDouble() > 0.4, eval.out());
        assertEquals(10, report.get("confusion").size());
        assertEquals("Ankle boot", report.get("classes").get(9).get("name").asText());
        Cli table = Cli.run("eval", LENET, "--weights", out.toString(), "--data", "fashion-mnist:test", "--pad", "2",
                "--limit", "50");
        assertTrue(table.out().contains("top-5") && table.out().contains("Trouser"), table.out());
    }

    @Test
    void twoEpochsEqualOnePlusAResumedOne() throws IOException {
        Path straight = dir.resolve("straight.safetensors"), split = dir.resolve("split.safetensors");
        assertEquals(0, train(straight, "--epochs", "2").code());
        assertEquals(0, train(split, "--epochs", "1").code());
        Cli resumed = train(split, "--epochs", "2", "--resume", TrainingCkpt.of(split).toString());
        assertEquals(0, resumed.code(), resumed.err());
        assertArrayEquals(Files.readAllBytes(straight), Files.readAllBytes(split));
        assertArrayEquals(Files.readAllBytes(TrainingCkpt.of(straight)), Files.readAllBytes(TrainingCkpt.of(split)));

        Cli other = train(dir.resolve("x.safetensors"), "--epochs", "2", "--resume", TrainingCkpt.of(split).toString(),
                "--nesterov");
        assertEquals(2, other.code());
        assertTrue(other.err().contains("give the same options to resume"), other.err());
    }

    /** The checkpoint path beside an output. */
    /**
     * A full disk while writing: the resumed run's writes fail in a JVM whose file size is limited
     * (ulimit -f, so every write past 100 kB fails as on a full disk); the previous weights and
     * checkpoint stay byte for byte, no temporary file is left, and the error says so (exit 1).
     */
    @Test
    void aFailedCheckpointWriteKeepsThePreviousOne() throws Exception {
        Path out = dir.resolve("lenet.safetensors"), ckpt = TrainingCkpt.of(out);
        Cli first = train(out, "--epochs", "1", "--steps", "2");
        assertEquals(0, first.code(), first.err());
        byte[] weights = Files.readAllBytes(out), checkpoint = Files.readAllBytes(ckpt);
        List<String> command = new ArrayList<>(List.of("java", "--add-modules", "jdk.incubator.vector", "-cp",
                System.getProperty("java.class.path"), CnnCli.class.getName(), "train", LENET, "--data",
                "fashion-mnist:train", "--pad", "2", "--mean", "0.286", "--std", "0.353", "--limit", "320", "--batch",
                "32", "--optimizer", "sgd", "--lr", "0.05", "--momentum", "0.9", "--seed", "3", "--threads", "2",
                "-o", out.toString(), "--epochs", "2", "--steps", "2", "--resume", ckpt.toString()));
        String line = String.join(" ", command.stream().map(a -> "'" + a.replace("'", "'\\''") + "'").toList());
        Process p = new ProcessBuilder("bash", "-c", "ulimit -f 100; exec " + line).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(300, java.util.concurrent.TimeUnit.SECONDS), "the resumed run did not end");
        assertEquals(ExitCode.FAILURE, p.exitValue(), output);
        assertTrue(output.contains("cnn train: ") && output.contains("File too large")
                && output.contains("unchanged"), output);
        assertArrayEquals(weights, Files.readAllBytes(out));
        assertArrayEquals(checkpoint, Files.readAllBytes(ckpt));
        try (var files = Files.list(dir)) {
            assertEquals(List.of(ckpt.getFileName().toString(), out.getFileName().toString()),
                    files.map(f -> f.getFileName().toString()).sorted().toList());
        }
    }

    static final class TrainingCkpt {
        static Path of(Path out) {
            return io.cnnkit.train.TrainingRun.checkpointFor(out);
        }
    }

    private Path labelled(long label) throws IOException {
        String header = "{\"images\":{\"dtype\":\"U8\",\"shape\":[2,1,32,32],\"data_offsets\":[0,2048]},"
                + "\"labels\":{\"dtype\":\"I64\",\"shape\":[2],\"data_offsets\":[2048,2064]}}";
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + 2064).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h).position(8 + h.length + 2048);
        b.putLong(1).putLong(label);
        return Files.write(dir.resolve("data" + label + ".safetensors"), b.array());
    }

    @Test
    void badDataIsRefusedClearly() throws IOException {
        Path out = dir.resolve("never.safetensors");
        Cli range = Cli.run("train", LENET, "--data", labelled(12).toString(), "--epochs", "1", "--lr", "0.1",
                "-o", out.toString());
        assertEquals(2, range.code());
        assertTrue(range.err().contains("label 12 of sample 1 is out of range for the network's 10 classes"), range.err());
        Cli shape = Cli.run("train", LENET, "--data", "fashion-mnist:test", "--epochs", "1", "--lr", "0.1",
                "-o", out.toString());
        assertEquals(2, shape.code());
        assertTrue(shape.err().contains("cnn train: the images are 1x28x28 but the network's input 'image' is 1x32x32"
                + " (--pad 2 would fit)"), shape.err());
        Cli nan = Cli.run("train", LENET, "--data", labelled(3).toString(), "--epochs", "3", "--lr", "1e36",
                "--mean", "-1", "-o", out.toString());
        assertEquals(1, nan.code(), nan.err());
        assertTrue(nan.err().matches("(?s).*at step [12]; the first non-finite value appeared in the output of layer"
                + " '(conv|fc)\\d'.*"), nan.err());
    }
}
