package io.cnnkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FmtCommandTest {
    static final String MESSY = "network   N\ninput x:3x8x8 // in\noutput o=x->flatten->dense( 10 )\n";
    static final String CANONICAL = "network N\ninput x: 3x8x8 // in\noutput o = x -> flatten -> dense(10)\n";

    @TempDir
    Path dir;

    @Test
    void checkListsUnformattedFilesChangesNothingAndExitsOne() throws IOException {
        Path messy = Files.writeString(dir.resolve("messy.cnn"), MESSY);
        Path tidy = Files.writeString(dir.resolve("tidy.cnn"), CANONICAL);
        Cli result = Cli.run("fmt", "--check", messy.toString(), tidy.toString());
        assertEquals(ExitCode.FAILURE, result.code(), result.err());
        assertEquals(messy + ": not formatted\n", result.out());
        assertEquals(MESSY, Files.readString(messy));
    }

    @Test
    void formatsInPlaceAndThenPassesCheck() throws IOException {
        Path messy = Files.writeString(dir.resolve("messy.cnn"), MESSY);
        Cli result = Cli.run("fmt", messy.toString());
        assertEquals(ExitCode.OK, result.code(), result.err());
        assertEquals(CANONICAL, Files.readString(messy));
        assertEquals(ExitCode.OK, Cli.run("fmt", "--check", messy.toString()).code());
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary file left behind");
        }
    }

    @Test
    void aSyntaxErrorOrAMissingFileIsReportedAndLeavesTheFileAlone() throws IOException {
        String broken = "network N\ninput x: 3x8x8\noutput o = x -> dense(\n";
        Path bad = Files.writeString(dir.resolve("bad.cnn"), broken);
        Cli result = Cli.run("fmt", bad.toString());
        assertEquals(ExitCode.INVALID_INPUT, result.code());
        assertTrue(result.err().contains(bad + ":3:"), result.err());
        assertTrue(result.err().contains("cnn fmt: " + bad + " not formatted: 1 syntax error"), result.err());
        assertEquals(broken, Files.readString(bad));
        Cli missing = Cli.run("fmt", dir.resolve("none.cnn").toString());
        assertEquals(ExitCode.INVALID_INPUT, missing.code());
        assertEquals("cnn fmt: cannot read " + dir.resolve("none.cnn") + ": no such file\n", missing.err());
    }
}
