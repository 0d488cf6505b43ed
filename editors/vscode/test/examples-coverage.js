// Tokenises every example with the extension's TextMate grammar (vscode-textmate, the engine VS Code
// uses) and fails when a visible character gets no scope beyond the file's, or when a rule
// disagrees with the language: a call of a built-in operator must be support.function and an
// 'NxHxW' a shape.
const fs = require('fs');
const path = require('path');
const vsctm = require('vscode-textmate');
const oniguruma = require('vscode-oniguruma');

const root = path.resolve(__dirname, '..', '..', '..');
const wasm = fs.readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm')).buffer;
const registry = new vsctm.Registry({
  onigLib: oniguruma.loadWASM(wasm).then(() => ({
    createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
    createOnigString: (s) => new oniguruma.OnigString(s),
  })),
  loadGrammar: async () => vsctm.parseRawGrammar(
    fs.readFileSync(path.join(__dirname, '..', 'syntaxes', 'cnn.tmLanguage.json'), 'utf8'), 'cnn.tmLanguage.json'),
});

function examples(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'src' || e.name === 'target' ? [] : examples(p);
    return e.name.endsWith('.cnn') ? [p] : [];
  });
}

const raw = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'syntaxes', 'cnn.tmLanguage.json'), 'utf8'));
const builtinRule = raw.repository.code.patterns.find((p) => p.name === 'support.function.builtin.cnn');
const builtins = new Set(builtinRule.match.replace(/\\b|[()]/g, '').split('|'));

(async () => {
  const grammar = await registry.loadGrammar('source.cnn');
  const files = examples(path.join(root, 'examples')).sort();
  let failures = 0;
  let tokens = 0;
  for (const file of files) {
    let state = vsctm.INITIAL;
    fs.readFileSync(file, 'utf8').split('\n').forEach((line, i) => {
      const result = grammar.tokenizeLine(line, state);
      state = result.ruleStack;
      for (const t of result.tokens) {
        const text = line.substring(t.startIndex, t.endIndex);
        tokens++;
        const where = `${path.relative(root, file)}:${i + 1}:${t.startIndex + 1} '${text}'`;
        if (text.trim() && t.scopes.length < 2) {
          console.error(`${where}: no scope`);
          failures++;
        }
        const call = /^\s*\(/.test(line.substring(t.endIndex));
        if (builtins.has(text) && call && !t.scopes.includes('support.function.builtin.cnn')) {
          console.error(`${where}: an operator call scoped ${t.scopes.join(' ')}`);
          failures++;
        }
        if (/^\d+(x\d+)+$/.test(text) && !t.scopes.includes('constant.numeric.shape.cnn')) {
          console.error(`${where}: a shape scoped ${t.scopes.join(' ')}`);
          failures++;
        }
      }
    });
  }
  if (files.length === 0) {
    console.error('no examples found under ' + root);
    process.exit(1);
  }
  console.log(`${files.length} examples, ${tokens} tokens: ${failures} problems`);
  process.exit(failures ? 1 : 0);
})();
