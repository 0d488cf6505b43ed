// Renders a .cnn file to highlighted HTML with Shiki and this extension's TextMate grammar:
//   node render.mjs FILE.cnn OUT.html [theme]
// (the grammar works in any TextMate-based highlighter; this shows it outside VS Code).
import { createHighlighter } from 'shiki';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const [file, out, theme = 'dark-plus'] = process.argv.slice(2);
if (!file || !out) {
  console.error('usage: node render.mjs FILE.cnn OUT.html [theme]');
  process.exit(2);
}
const here = path.dirname(fileURLToPath(import.meta.url));
const grammar = JSON.parse(fs.readFileSync(path.join(here, 'syntaxes', 'cnn.tmLanguage.json'), 'utf8'));
const highlighter = await createHighlighter({ themes: [theme], langs: [{ ...grammar, name: 'cnn' }] });
const html = highlighter.codeToHtml(fs.readFileSync(file, 'utf8'), { lang: 'cnn', theme });
fs.writeFileSync(out, `<!doctype html><meta charset="utf-8"><title>${path.basename(file)}</title>
<style>body{margin:0;background:#1e1e1e}pre{margin:0;padding:16px;font:14px/1.45 'DejaVu Sans Mono',monospace}</style>
${html}\n`);
