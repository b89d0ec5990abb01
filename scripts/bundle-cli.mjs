// Bundles the compiled CLI (dist/src/cli/main.js, as tsc built it) into dist/cli/, which the bin
// runs. Node 20 loads each ES module separately (resolve, open, read, compile): a one-file lint
// loaded 100+ files, and that was a third of its start-up (issue 11). The bundle keeps what main.ts
// and the readers import on demand in chunks of their own (code splitting), so a command still
// loads only what it uses, and every package stays external: the AWS SDK, YAML and tree-sitter
// load from node_modules as before, and only when a command needs them. dist/src (the library
// the package exports) is left as tsc built it.
//
// The chunks are then made CommonJS (`*.cjs`), and so is the bin: a CommonJS entry does not load
// Node's ES module loader at all, and Node 20 resolves, reads and compiles CommonJS faster (a
// one-file lint: 181-187 ms as ES modules, 163-170 ms as CommonJS, median of 25 runs each).
// Tried and left out, measured the same way: running the chunks through vm.Script with a V8 code
// cache saved per command (155-168 ms, with 4 MiB more memory and a cache folder to keep safe)
// and minifying them (no change).
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { build, transform } from 'esbuild';

const OUT = 'dist/cli';

const bundle = await build({
  entryPoints: ['dist/src/cli/main.js'],
  outdir: OUT,
  write: false,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  // In the same folder as main.js, two levels below the package root as dist/src/version.js is:
  // version.ts finds package.json relative to its own file.
  chunkNames: '[name]-[hash]',
  logLevel: 'warning',
});

const names = new Set(bundle.outputFiles.map((output) => basename(output.path)));
const chunks = [];
for (const output of bundle.outputFiles) {
  const converted = await transform(output.text, {
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    // import() becomes require(); import.meta.url, the chunk's own URL.
    supported: { 'dynamic-import': false },
    define: { 'import.meta.url': '__importMetaUrl' },
    banner: 'var __importMetaUrl = require("node:url").pathToFileURL(__filename).href;',
    logLevel: 'warning',
  });
  // Sibling chunks by their new names: esbuild writes each as require("./name.js").
  const text = converted.code.replace(/require\("\.\/([^"]+)"\)/g, (call, name) => (names.has(name) ? `require("./${name.replace(/\.js$/, '.cjs')}")` : call));
  chunks.push({ name: basename(output.path).replace(/\.js$/, '.cjs'), text });
}

// Chunks are named by content: a stale one from an earlier build would stay behind.
rmSync(OUT, { recursive: true, force: true });
mkdirSync(OUT, { recursive: true });
for (const chunk of chunks) writeFileSync(`${OUT}/${chunk.name}`, chunk.text);
