// Builds the UI into dist/: one JavaScript bundle and one stylesheet with content hashes in their
// names (served immutable), index.html naming them, and a gzip copy of each file. Prints each asset's raw and gzip size so
// the 300 KB budget (issue 15) is visible on every build, and fails the build past it.
import * as esbuild from 'esbuild';
import { gzipSync } from 'node:zlib';
import { mkdirSync, readFileSync, rmSync, writeFileSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';

const out = process.argv[2] || 'dist';
const budgetBytes = 300 * 1024;

rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, 'assets'), { recursive: true });

const result = await esbuild.build({
  entryPoints: { app: 'src/main.jsx' },
  bundle: true,
  minify: true,
  format: 'esm',
  target: ['es2020'],
  jsx: 'automatic',
  jsxImportSource: 'preact',
  entryNames: '[name]-[hash]',
  outdir: join(out, 'assets'),
  metafile: true,
  legalComments: 'none',
  logLevel: 'warning',
});

const outputs = Object.keys(result.metafile.outputs).map((p) => basename(p));
const script = outputs.find((f) => f.endsWith('.js'));
const style = outputs.find((f) => f.endsWith('.css'));
if (!script || !style) throw new Error(`expected one .js and one .css output, got ${outputs.join(', ')}`);

const html = readFileSync('src/index.html', 'utf8')
  .replace('%SCRIPT%', `/assets/${script}`)
  .replace('%STYLE%', `/assets/${style}`);
writeFileSync(join(out, 'index.html'), html);

let total = 0;
const rows = [];
for (const file of ['index.html', ...readdirSync(join(out, 'assets')).map((f) => `assets/${f}`)]) {
  const bytes = readFileSync(join(out, file));
  const compressed = gzipSync(bytes, { level: 9 });
  const gz = compressed.length;
  total += gz;
  // The server sends this copy to clients that accept gzip (most), so it never compresses per request.
  writeFileSync(join(out, `${file}.gz`), compressed);
  rows.push(`  ${file.padEnd(32)} ${String(bytes.length).padStart(8)} B  ${String(gz).padStart(7)} B gzip`);
}
console.log(`web UI assets (${out}):\n${rows.join('\n')}\n  total ${total} B gzip (budget ${budgetBytes})`);
if (total > budgetBytes) {
  console.error(`web UI assets weigh ${total} B compressed, over the ${budgetBytes} B budget`);
  process.exit(1);
}
