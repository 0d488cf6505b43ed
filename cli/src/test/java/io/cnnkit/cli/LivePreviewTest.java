package io.cnnkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** When cnn serve's page gets a new version: only when what it shows changes, however the save looks on disk. */
class LivePreviewTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    @Test
    void aSaveThatKeepsTheModificationTimeIsStillSeen() throws Exception {
        Path file = dir.resolve("live.cnn");
        String good = Files.readString(Path.of("..", "examples", "lenet5.cnn"));
        Files.writeString(file, good);
        FileTime time = Files.getLastModifiedTime(file);
        try (LivePreview preview = new LivePreview(file, 1, 0)) {
            assertEquals("1", get(preview, "version"));
            Files.writeString(file, good.replace("dense(10)", "dense(1000)"));
            Files.setLastModifiedTime(file, time); // a coarse clock: the save lands in the same tick
            assertEquals("2", awaitVersionAfter(preview, "1"));
            assertTrue(get(preview, "").contains("dense 1000"));
        }
    }

    @Test
    void savingTheSameReportAgainDoesNotReloadThePage() throws Exception {
        Path file = dir.resolve("live.cnn");
        String good = Files.readString(Path.of("..", "examples", "lenet5.cnn"));
        Files.writeString(file, good);
        try (LivePreview preview = new LivePreview(file, 1, 0)) {
            Files.writeString(file, good + "\n// a comment changes nothing the page shows\n");
            Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis() + 60_000));
            Thread.sleep(LivePreview.POLL_MS * 5);
            assertEquals("1", get(preview, "version"));
            Files.writeString(file, good.replace("conv(16, 5)", "conv(16, 50)"));
            assertEquals("2", awaitVersionAfter(preview, "1"));
        }
    }

    private static String awaitVersionAfter(LivePreview preview, String version) throws Exception {
        long deadline = System.nanoTime() + 30_000_000_000L;
        String now = get(preview, "version");
        while (now.equals(version) && System.nanoTime() < deadline) {
            Thread.sleep(LivePreview.POLL_MS / 2);
            now = get(preview, "version");
        }
        return now;
    }

    private static String get(LivePreview preview, String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(preview.url() + path)).build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString()).body();
    }
}
