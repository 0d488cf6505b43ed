package io.cnnkit.cli;

import io.cnnkit.compiler.Diagnostic;
import io.cnnkit.compiler.format.Formatter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "fmt", mixinStandardHelpOptions = true,
        description = {"Rewrite .cnn files in the one canonical layout (comments kept; long chains one call per line).",
                "A file with syntax errors is reported and left as it is; '-' formats standard input to standard output."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:formatted (with --check: already formatted)", "1:with --check: a file is not formatted;"
                + " or a file could not be written", "2:a file is unreadable or has syntax errors"})
final class FmtCommand implements Callable<Integer> {

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "the .cnn files to format, or '-'")
    List<String> files;

    @Option(names = "--check", description = "change nothing; list the files that are not formatted and exit 1 if any")
    boolean check;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        int code = ExitCode.OK;
        for (String name : files) {
            code = Math.max(code, format(name, out, err));
        }
        out.flush();
        err.flush();
        return code;
    }

    private int format(String name, PrintWriter out, PrintWriter err) {
        boolean stdin = name.equals("-");
        String text;
        try {
            byte[] bytes = stdin ? System.in.readAllBytes() : Files.readAllBytes(Path.of(name));
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            err.println("cnn fmt: " + name + " is not valid UTF-8 text");
            return ExitCode.INVALID_INPUT;
        } catch (IOException e) {
            err.println("cnn fmt: cannot read " + name + ": " + (Files.exists(Path.of(name)) ? e.getMessage() : "no such file"));
            return ExitCode.INVALID_INPUT;
        }
        Formatter.Result result = Formatter.format(stdin ? "<stdin>" : name, text);
        if (!result.ok()) {
            result.errors().stream().map(Diagnostic::render).forEach(err::println);
            err.println("cnn fmt: " + name + " not formatted: " + Sources.plural(result.errors().size(), "syntax error"));
            return ExitCode.INVALID_INPUT;
        }
        boolean changed = !result.text().equals(text);
        if (stdin) {
            if (check) {
                return changed ? ExitCode.FAILURE : ExitCode.OK;
            }
            out.print(result.text());
            return ExitCode.OK;
        }
        if (check) {
            if (changed) {
                out.println(name + ": not formatted");
            }
            return changed ? ExitCode.FAILURE : ExitCode.OK;
        }
        if (changed) {
            try {
                Path target = Path.of(name);
                Path temporary = Files.createTempFile(target.toAbsolutePath().getParent(), ".fmt-", ".cnn");
                try {
                    Files.writeString(temporary, result.text());
                    Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } finally {
                    Files.deleteIfExists(temporary);
                }
            } catch (IOException e) {
                err.println("cnn fmt: cannot write " + name + ": " + e.getMessage());
                return ExitCode.FAILURE;
            }
            out.println(name + ": formatted");
        }
        return ExitCode.OK;
    }
}
