package io.cnnkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Runs {@code scripts/test_launcher.sh}: the {@code ./cnn} launcher with stand-ins for Maven and
 * Java, two first calls at once (one build, the other waits on the lock) and files under
 * {@code target/} that must not trigger a rebuild. A few seconds; no real build.
 */
class LauncherTest {

    @Test
    void concurrentFirstCallsShareOneBuildAndTargetIsIgnored() throws IOException, InterruptedException {
        Path script = Path.of("..", "scripts", "test_launcher.sh").toAbsolutePath().normalize();
        Process process = new ProcessBuilder("bash", script.toString()).redirectErrorStream(true).start();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the launcher test did not finish in a minute");
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, process.exitValue(), output);
        assertTrue(output.contains("launcher: ok"), output);
    }
}
