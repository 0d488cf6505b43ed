package io.cnnkit.exec.io;

import io.cnnkit.compiler.io.InputFile;
import io.cnnkit.compiler.io.RefusedFileException;
import io.cnnkit.exec.Tensor;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** Class labels (one per line, UTF-8) and the top-K predictions of a batch of scores. */
public final class Labels {
    /** Larger label files are refused (ImageNet's 1000 labels take about 30 kB). */
    public static final long MAX_FILE_BYTES = 10_000_000L;

    private Labels() {
    }

    /** One prediction: class index, its score and, when labels were given, its label. */
    public record Prediction(int index, float score, Optional<String> label) {
    }

    /**
     * The labels of a file, one per line; a UTF-8 byte order mark, trailing carriage returns
     * and trailing empty lines are ignored.
     */
    public static List<String> read(Path file) {
        try {
            // only a regular file within the bound is read: a FIFO or /dev/zero is refused before opening
            byte[] bytes = InputFile.readAll(file, MAX_FILE_BYTES);
            String text = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString();
            if (text.startsWith("\uFEFF")) {
                text = text.substring(1);
            }
            List<String> lines = new ArrayList<>(Arrays.asList(text.split("\r?\n", -1)));
            while (!lines.isEmpty() && lines.get(lines.size() - 1).isBlank()) {
                lines.remove(lines.size() - 1);
            }
            if (lines.isEmpty()) {
                throw new InputException(file + ": the labels file is empty");
            }
            return List.copyOf(lines);
        } catch (CharacterCodingException e) {
            throw new InputException(file + ": the labels file is not UTF-8 text", e);
        } catch (RefusedFileException e) {
            throw new InputException(file + ": " + e.getMessage() + "; --labels takes a UTF-8 text file, one class name a line", e);
        } catch (NoSuchFileException e) {
            throw new InputException(file + ": no such file", e);
        } catch (IOException e) {
            throw new InputException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    /**
     * The {@code k} highest scores of each row of {@code scores} ({@code [N, classes]}), highest
     * first, ties by lower index; {@code labels} may be empty, otherwise it must have one label
     * per class.
     */
    public static List<List<Prediction>> topK(Tensor scores, int k, List<String> labels) {
        if (scores.rank() != 2) {
            throw new IllegalArgumentException("top-K needs [batch, classes] scores, got " + scores);
        }
        int classes = scores.dim(1);
        if (!labels.isEmpty() && labels.size() != classes) {
            throw new InputException("the labels file has " + labels.size() + " labels but the network has "
                    + classes + " classes");
        }
        if (k < 1) {
            throw new IllegalArgumentException("top-K needs K >= 1, got " + k);
        }
        List<List<Prediction>> out = new ArrayList<>();
        for (int n = 0; n < scores.dim(0); n++) {
            int row = n * classes;
            List<Prediction> ranked = new ArrayList<>();
            for (int c = 0; c < classes; c++) {
                ranked.add(new Prediction(c, scores.get(row + c),
                        labels.isEmpty() ? Optional.empty() : Optional.of(labels.get(c))));
            }
            ranked.sort(Comparator.comparingDouble((Prediction p) -> -p.score()).thenComparingInt(Prediction::index));
            out.add(List.copyOf(ranked.subList(0, Math.min(k, classes))));
        }
        return out;
    }
}
