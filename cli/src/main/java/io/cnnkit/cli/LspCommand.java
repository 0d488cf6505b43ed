package io.cnnkit.cli;

import io.cnnkit.lsp.CnnLanguageServer;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "lsp", mixinStandardHelpOptions = true,
        description = {"The .cnn language server, speaking LSP over standard input and output.",
                "Editors start it (see docs/editors.md); it is not meant to be typed."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the client asked it to shut down, then exit", "1:the connection ended without a shutdown"})
final class LspCommand implements Callable<Integer> {

    @Override
    public Integer call() throws Exception {
        return CnnLanguageServer.serve(System.in, System.out);
    }
}
