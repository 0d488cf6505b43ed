package io.cnnkit.lsp;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Time from an edit (didChange sent) to its diagnostics published, through a real client, on a
 * large file. Not a test: run by hand (docs/editors.md), e.g.
 * {@code java -cp ... io.cnnkit.lsp.EditLatencyBenchmark examples/resnet152.cnn 60}.
 */
public final class EditLatencyBenchmark {
    private EditLatencyBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args.length > 0 ? args[0] : "examples/resnet152.cnn").toAbsolutePath().normalize();
        int edits = args.length > 1 ? Integer.parseInt(args[1]) : 60;
        String text = Files.readString(file);
        try (LspClient client = new LspClient()) {
            client.open(file, text);
            client.nextDiagnostics(file);
            long[] micros = new long[edits];
            for (int i = 0; i < edits; i++) {
                // an edit that changes the analysis: the classifier's width
                String edited = text.replace("dense(1000)", "dense(" + (1000 + i % 7) + ")");
                long start = System.nanoTime();
                int version = client.change(file, edited);
                if (!client.diagnosticsOf(file, version).isEmpty()) {
                    throw new IllegalStateException("unexpected diagnostics in " + file);
                }
                micros[i] = (System.nanoTime() - start) / 1000;
                Thread.sleep(CnnLanguageServer.DEBOUNCE_MS * 2); // a typist's pause, so each edit is analysed
            }
            long[] warm = Arrays.copyOfRange(micros, Math.min(10, edits / 2), edits);
            Arrays.sort(warm);
            System.out.printf("%s: %d lines, edit to diagnostics over %d warm edits (debounce %d ms included):"
                            + " median %.1f ms, min %.1f ms, max %.1f ms%n", file.getFileName(),
                    text.split("\n").length, warm.length, CnnLanguageServer.DEBOUNCE_MS, warm[warm.length / 2] / 1000.0,
                    warm[0] / 1000.0, warm[warm.length - 1] / 1000.0);
        }
        System.exit(0); // the server side's JSON-RPC threads are not daemons
    }
}
