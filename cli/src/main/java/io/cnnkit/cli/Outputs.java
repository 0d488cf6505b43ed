package io.cnnkit.cli;

import io.cnnkit.compiler.io.OutputFile;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.Supplier;
import picocli.CommandLine;

/** Produces a command's output file and writes it whole (or not at all), saying why on failure. */
final class Outputs {
    private Outputs() {
    }

    /**
     * Whether {@code output} may be written by {@code command}: not a device, FIFO or folder, and
     * not one of the command's {@code inputs}. Checked before any work; prints why not.
     */
    static boolean usable(Path output, String command, PrintWriter err, Path... inputs) {
        try {
            OutputFile.check(output, Arrays.asList(inputs));
            return true;
        } catch (IOException e) {
            err.println("cnn " + command + ": cannot write " + output + ": " + e.getMessage());
            err.flush();
            return false;
        }
    }

    static int write(Path output, CommandLine.Model.CommandSpec spec, Supplier<byte[]> content) {
        PrintWriter err = spec.commandLine().getErr();
        byte[] bytes;
        try {
            bytes = content.get();
        } catch (RuntimeException e) {
            err.println(spec.qualifiedName() + ": could not draw the diagram: " + e.getMessage());
            err.flush();
            return ExitCode.FAILURE;
        }
        try {
            OutputFile.write(output, bytes);
        } catch (IOException e) {
            err.println(spec.qualifiedName() + ": cannot write " + output + ": " + reason(e));
            err.flush();
            return ExitCode.FAILURE;
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println("wrote " + output);
        out.flush();
        return ExitCode.OK;
    }

    /** A file system exception's message is only the path; its type says what went wrong. */
    private static String reason(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileSystemException fs) {
            return fs.getReason() != null ? fs.getReason() : e.getClass().getSimpleName();
        }
        return e.getMessage();
    }
}
