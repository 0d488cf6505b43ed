package io.cnnkit.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the {@code cnn} command in-process with captured streams. */
record Cli(int code, String out, String err) {

    static Cli run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = CnnCli.newCommandLine(new PrintWriter(out), new PrintWriter(err)).execute(args);
        return new Cli(code, out.toString(), err.toString());
    }
}
