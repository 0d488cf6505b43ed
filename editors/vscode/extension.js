// Starts `cnn lsp` (the cnnkit language server) for .cnn files; see docs/editors.md.
const vscode = require('vscode');
const { LanguageClient, TransportKind } = require('vscode-languageclient/node');

let client;

function activate(context) {
  const [command, ...args] = vscode.workspace.getConfiguration('cnnkit').get('command', ['cnn', 'lsp']);
  const server = { command, args, transport: TransportKind.stdio };
  client = new LanguageClient('cnnkit', 'cnnkit language server', { run: server, debug: server }, {
    documentSelector: [{ scheme: 'file', language: 'cnn' }],
    // imports are read from disk: tell the server when any .cnn file changes
    synchronize: { fileEvents: vscode.workspace.createFileSystemWatcher('**/*.cnn') },
  });
  context.subscriptions.push(client);
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
