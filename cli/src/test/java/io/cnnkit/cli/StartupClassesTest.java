package io.cnnkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The commands that do not execute a network load none of the heavy parts: no Vector API (so no
 * incubator warning either), no ONNX Runtime, no V8. Each runs in a fresh JVM with the test class
 * path and the JVM's class-loading log.
 */
class StartupClassesTest {

    @ParameterizedTest
    @ValueSource(strings = {"check", "analyze", "--help", "--version"})
    void quickCommandsLoadNoHeavyClasses(String command) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xlog:class+load=info", "-cp", System.getProperty("java.class.path"), CnnCli.class.getName(), command));
        if (command.equals("check") || command.equals("analyze")) {
            cmd.add(Path.of("..", "examples", "resnet18.cnn").toString());
        }
        Process process = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String log = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, process.exitValue(), log.lines().filter(l -> !l.contains("[class,load]")).toList().toString());
        assertTrue(log.contains("io.cnnkit.cli.CnnCli"), "the log lists loaded classes");
        for (String heavy : List.of("jdk.incubator.vector.", "ai.onnxruntime.", "com.eclipsesource.v8.")) {
            assertFalse(log.contains("] " + heavy), command + " loads " + heavy);
        }
        assertFalse(log.contains("WARNING: Using incubator modules"), log);
    }
}
