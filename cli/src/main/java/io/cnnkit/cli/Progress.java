package io.cnnkit.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.temporal.ChronoUnit;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** A progress bar on the error stream, drawn only when that stream is a terminal. */
final class Progress {
    private Progress() {
    }

    /** A bar over {@code total} items with speed and ETA, or null when there is no terminal or too little to show. */
    static ProgressBar bar(int total, int atLeast) {
        return total <= atLeast ? null : bar("run", total, " images", 1);
    }

    /** A bar counting in {@code unit}s of {@code unitSize}, or null when stderr is not a terminal. */
    static ProgressBar bar(String task, long total, String unit, long unitSize) {
        if (!stderrIsTerminal()) {
            return null;
        }
        return new ProgressBarBuilder().setTaskName(task).setInitialMax(Math.max(total, 0)).setUnit(unit, unitSize)
                .showSpeed().setSpeedUnit(ChronoUnit.SECONDS).setStyle(ProgressBarStyle.ASCII)
                .setConsumer(new ConsoleProgressBarConsumer(new PrintStream(System.err, true)))
                .continuousUpdate().clearDisplayOnFinish().build();
    }

    /** Clears the bar's line so that a line printed next does not run into it (redrawn on the next step). */
    static void clearLine(ProgressBar bar) {
        if (bar != null) {
            System.err.print("\r\033[K");
            System.err.flush();
        }
    }

    /** True when file descriptor 2 is a terminal (Linux: a /dev/pts or /dev/tty device). */
    static boolean stderrIsTerminal() {
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return System.console() != null;
        }
    }
}
