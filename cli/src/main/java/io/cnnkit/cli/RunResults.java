package io.cnnkit.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cnnkit.exec.io.Labels;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;

/**
 * How {@code cnn run} prints its results, one input at a time as they are computed, in one of
 * three formats: a text table, one JSON document (whose {@code results} array grows as inputs
 * are run) or CSV with one row per class shown.
 */
sealed interface RunResults {
    /** What was run: the model, where its weights came from, and the class outputs shown. */
    record Header(String model, String weightsFile, long seed, int top) {
        boolean random() {
            return weightsFile == null;
        }
    }

    void header(Header header);

    void result(String input, String output, List<Labels.Prediction> top);

    /** An output that is not a class vector, said once. */
    void notClasses(String output, String shape);

    void skipped(String input, String reason);

    /** Closes the document; {@code ran} inputs were run and {@code skipped} skipped. */
    void finish(int ran, int skipped);

    static RunResults of(RunCommand.Format format, PrintWriter out) {
        return switch (format) {
            case table -> new Table(out);
            case json -> new Json(out);
            case csv -> new Csv(out);
        };
    }

    /** Each input's path and output, then its classes: probability, index and label. */
    final class Table implements RunResults {
        private final PrintWriter out;

        Table(PrintWriter out) {
            this.out = out;
        }

        @Override
        public void header(Header h) {
            out.println(h.model() + (h.random()
                    ? " (random weights, seed " + h.seed() + ": the classes below mean nothing; give --weights)"
                    : " with weights " + h.weightsFile()));
            out.flush();
        }

        @Override
        public void result(String input, String output, List<Labels.Prediction> top) {
            out.println(input + " (" + output + "):");
            for (Labels.Prediction p : top) {
                out.printf(Locale.ROOT, "  %6.2f%%  %4d  %s%n", 100 * p.score(), p.index(), p.label().orElse(""));
            }
            out.flush();
        }

        @Override
        public void notClasses(String output, String shape) {
            out.println(output + ": " + shape + " (not a class vector; use --output to save it)");
        }

        @Override
        public void skipped(String input, String reason) {
            // said on the error stream as it happens, and counted at the end
        }

        @Override
        public void finish(int ran, int skipped) {
            out.flush();
        }
    }

    /** {@code {"model", "weights", "random_weights", "results": [...], "skipped": [...]}}, streamed. */
    final class Json implements RunResults {
        private static final ObjectMapper JSON = new ObjectMapper();
        private final PrintWriter out;
        private final ArrayNode skipped = JSON.createArrayNode();
        private boolean first = true;

        Json(PrintWriter out) {
            this.out = out;
        }

        @Override
        public void header(Header h) {
            ObjectNode head = JSON.createObjectNode();
            head.put("model", h.model());
            head.put("weights", h.weightsFile());
            head.put("random_weights", h.random());
            if (h.random()) {
                head.put("seed", h.seed());
            }
            head.put("top", h.top());
            String text = write(head);
            // the results array stays open while inputs run
            out.print(text.substring(0, text.length() - 1) + ",\"results\":[");
            out.flush();
        }

        @Override
        public void result(String input, String output, List<Labels.Prediction> top) {
            ObjectNode r = JSON.createObjectNode();
            r.put("input", input);
            r.put("output", output);
            ArrayNode classes = r.putArray("top");
            for (Labels.Prediction p : top) {
                ObjectNode c = classes.addObject();
                c.put("class", p.index());
                c.put("label", p.label().orElse(null));
                c.put("probability", p.score());
            }
            out.print((first ? "\n" : ",\n") + write(r));
            first = false;
            out.flush();
        }

        @Override
        public void notClasses(String output, String shape) {
            // JSON results hold class outputs only; --output saves the others
        }

        @Override
        public void skipped(String input, String reason) {
            skipped.addObject().put("input", input).put("error", reason);
        }

        @Override
        public void finish(int ran, int skippedCount) {
            out.println("\n],\"skipped\":" + write(skipped) + "}");
            out.flush();
        }

        private static String write(Object node) {
            try {
                return JSON.writeValueAsString(node);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** {@code input,output,rank,class,label,probability,weights}: one row per class shown (RFC 4180 quoting). */
    final class Csv implements RunResults {
        private final PrintWriter out;
        private String weights = "";

        Csv(PrintWriter out) {
            this.out = out;
        }

        @Override
        public void header(Header h) {
            weights = h.random() ? "random (seed " + h.seed() + ")" : h.weightsFile();
            out.println("input,output,rank,class,label,probability,weights");
            out.flush();
        }

        @Override
        public void result(String input, String output, List<Labels.Prediction> top) {
            for (int i = 0; i < top.size(); i++) {
                Labels.Prediction p = top.get(i);
                out.println(String.join(",", quote(input), quote(output), String.valueOf(i + 1),
                        String.valueOf(p.index()), quote(p.label().orElse("")),
                        String.format(Locale.ROOT, "%.6g", p.score()), quote(weights)));
            }
            out.flush();
        }

        @Override
        public void notClasses(String output, String shape) {
            // CSV rows hold class outputs only
        }

        @Override
        public void skipped(String input, String reason) {
            // said on the error stream
        }

        @Override
        public void finish(int ran, int skipped) {
            out.flush();
        }

        static String quote(String field) {
            if (field.isEmpty() || field.chars().noneMatch(c -> c == ',' || c == '"' || c == '\n' || c == '\r')) {
                return field;
            }
            return '"' + field.replace("\"", "\"\"") + '"';
        }
    }
}
