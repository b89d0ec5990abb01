// Bundles the compiled CLI (dist/src/cli/main.js, as tsc built it) into dist/cli/, which the bin
// runs. Node 20 loads each ES module separately (resolve, open, read, compile): a one-file lint
// loaded 100+ files, and that was a third of its start-up (issue 11). The bundle keeps what main.ts
// and the readers import on demand in chunks of their own (code splitting), so a command still
// loads only what it uses, and every package stays external: the AWS SDK, YAML and tree-sitter
// load from node_modules as before, and only when a command needs them. dist/src (the library
// the package exports) is left as tsc built it.
import { rmSync } from 'node:fs';
import { build } from 'esbuild';

const OUT = 'dist/cli';

// Chunks are named by content: a stale one from an earlier build would stay behind.
rmSync(OUT, { recursive: true, force: true });
await build({
  entryPoints: ['dist/src/cli/main.js'],
  outdir: OUT,
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
