// End-to-end check of `cnn lsp` from a client not written in Java: vscode-jsonrpc (the JSON-RPC
// layer of VS Code's language client) over the server's standard input and output.
// The server command is CNN_LSP (default: java -jar ../../cli/target/cnn.jar lsp).
const assert = require('assert');
const cp = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const rpc = require('vscode-jsonrpc/node');
const { pathToFileURL } = require('url');

const root = path.resolve(__dirname, '..', '..', '..');
const command = process.env.CNN_LSP ? process.env.CNN_LSP.split(' ')
  : ['java', '-jar', path.join(root, 'cli', 'target', 'cnn.jar'), 'lsp'];

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cnn-lsp-'));
  for (const name of ['resnet18.cnn', 'resnet_blocks.cnn']) {
    fs.copyFileSync(path.join(root, 'examples', name), path.join(dir, name));
  }
  const file = path.join(dir, 'resnet18.cnn');
  const uri = pathToFileURL(file).href;
  const text = fs.readFileSync(file, 'utf8');

  const server = cp.spawn(command[0], command.slice(1), { stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = new Promise((resolve) => server.on('exit', (code) => resolve(code)));
  const connection = rpc.createMessageConnection(
    new rpc.StreamMessageReader(server.stdout), new rpc.StreamMessageWriter(server.stdin));
  const published = [];
  let notify = () => {};
  connection.onNotification('textDocument/publishDiagnostics', (p) => { published.push(p); notify(); });
  connection.listen();
  const diagnosticsOf = (version) => new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no diagnostics for version ' + version)), 30000);
    const check = () => {
      const found = published.find((p) => p.uri === uri && p.version === version);
      if (found) { clearTimeout(timer); resolve(found.diagnostics); }
    };
    notify = check;
    check();
  });
  const at = (needle, plus) => {
    const offset = text.indexOf(needle) + plus;
    const before = text.substring(0, offset).split('\n');
    return { line: before.length - 1, character: before[before.length - 1].length };
  };

  const init = await connection.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: {} });
  assert.ok(init.capabilities.hoverProvider, 'hover capability');
  assert.ok(init.capabilities.semanticTokensProvider.legend.tokenTypes.includes('function'));
  connection.sendNotification('initialized', {});
  connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'cnn', version: 1, text } });
  assert.deepStrictEqual(await diagnosticsOf(1), []);

  const hover = await connection.sendRequest('textDocument/hover',
    { textDocument: { uri }, position: at('conv1: conv', 1) });
  assert.match(hover.contents.value, /output \*\*64x112x112\*\*.*9,408 parameters, 118,013,952 MACs/);

  const completion = await connection.sendRequest('textDocument/completion',
    { textDocument: { uri }, position: at('-> fc: dense(1000)', 3) });
  const labels = completion.map((i) => i.label);
  for (const expected of ['conv', 'batchnorm', 'basic', 'bottleneck', 'layer3']) {
    assert.ok(labels.includes(expected), `completion offers ${expected}: ${labels}`);
  }

  const definition = await connection.sendRequest('textDocument/definition',
    { textDocument: { uri }, position: at('basic(64)', 1) });
  assert.ok(definition[0].uri.endsWith('/resnet_blocks.cnn'), JSON.stringify(definition));

  const broken = text.replace('bn1: batchnorm', 'bn1: batchnrom');
  connection.sendNotification('textDocument/didChange',
    { textDocument: { uri, version: 2 }, contentChanges: [{ text: broken }] });
  const errors = await diagnosticsOf(2);
  assert.strictEqual(errors.length, 1, JSON.stringify(errors));
  assert.strictEqual(errors[0].code, 'unknown-operator');
  assert.match(errors[0].message, /did you mean 'batchnorm'/);
  const actions = await connection.sendRequest('textDocument/codeAction',
    { textDocument: { uri }, range: errors[0].range, context: { diagnostics: errors } });
  assert.strictEqual(actions[0].edit.changes[uri][0].newText, 'batchnorm');

  const edits = await connection.sendRequest('textDocument/formatting',
    { textDocument: { uri }, options: { tabSize: 2, insertSpaces: true } });
  assert.strictEqual(edits.length, 1);
  assert.match(edits[0].newText, /^network ResNet18$/m);

  await connection.sendRequest('shutdown');
  connection.sendNotification('exit');
  const code = await exited;
  assert.strictEqual(code, 0, 'exit code after shutdown and exit');
  connection.dispose();
  fs.rmSync(dir, { recursive: true, force: true });
  console.log('cnn lsp end-to-end (vscode-jsonrpc): initialize, diagnostics, hover, completion, definition,'
    + ' quick fix, formatting, shutdown: ok');
}

main().catch((e) => { console.error(e); process.exit(1); });
