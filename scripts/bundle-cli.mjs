// Bundles the compiled CLI (dist/src/cli/main.js, as tsc built it) into dist/cli/, which the bin
// runs. Node 20 loads each ES module separately (resolve, open, read, compile): a one-file lint
// loaded 100+ files, and that was a third of its start-up (issue 11). The bundle keeps what main.ts
// and the readers import on demand in chunks of their own (code splitting), so a command still
// loads only what it uses, and every package stays external: the AWS SDK, YAML and tree-sitter
// load from node_modules as before, and only when a command needs them. dist/src (the library
// the package exports) is left as tsc built it.
//
// The chunks are then made CommonJS (`*.cjs`), and so is the bin: a CommonJS entry does not load
// Node's ES module loader at all. dist/cli/index.cjs (scripts/cli-loader.cjs) runs the chunks
// through vm.Script with a V8 code cache saved per command, which Node 20 offers for scripts but
// not for modules. A one-file lint, median of 25 runs each: 181-187 ms as ES modules, 160-168 ms
// as CommonJS, 153 ms from the code cache.
//
// Each chunk is written already wrapped in the function the loader calls (in an object of the
// file's chunks, by name), so that the loader compiles the text it read rather than a second,
// concatenated copy, and without white space:
// on this machine every page of memory a run touches for the first time costs ~15 us, and a
// one-file lint touched ~120 pages fewer this way. The located JSON parser (momoa) is bundled
// into a chunk of its own, so a JSON lint runs it from the code cache too.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { build, transform } from 'esbuild';
import { aloneFile, fillLoader, packedFile } from './bundle-format.mjs';

const OUT = 'dist/cli';
/**
 * Chunks smaller than this share one file (PACK). esbuild makes a chunk of the modules each set
 * of entry points shares, and many are a few hundred bytes (core/hash.js, report/summary.js): a
 * one-file lint loaded 21 chunks under 5 KB, and each file costs a read, a cache and a compile
 * (~0.13 ms each). In one file they are read and compiled once; each still runs only when
 * required, as a module of its own.
 */
const PACK_BELOW = 5000;
const PACK = 'small.cjs';

// src/templates/momoa.ts loads momoa with Node's require; in the bundle, the loader serves it.
// The module is replaced whole, so it must still be the one function this replaces.
const momoaChunk = {
  name: 'momoa-chunk',
  setup(build_) {
    build_.onLoad({ filter: /[\\/]dist[\\/]src[\\/]templates[\\/]momoa\.js$/ }, ({ path }) => {
      const exported = [...readFileSync(path, 'utf8').matchAll(/^export .*$/gm)].map(([line]) => line);
      if (exported.length !== 1 || !exported[0].startsWith('export function momoa()')) {
        throw new Error(`${path} no longer exports momoa() alone: update the momoa-chunk plugin of scripts/bundle-cli.mjs`);
      }
      return { contents: "let loaded;\nexport function momoa() {\n  loaded ??= require('./momoa.cjs');\n  return loaded;\n}\n", loader: 'js' };
    });
    build_.onResolve({ filter: /^\.\/momoa\.cjs$/ }, ({ path }) => ({ path, external: true }));
  },
};

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
  plugins: [momoaChunk],
  logLevel: 'warning',
});
const momoa = await build({
  entryPoints: [resolve('node_modules/@humanwhocodes/momoa/dist/momoa.cjs')],
  outfile: `${OUT}/momoa.js`,
  write: false,
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  logLevel: 'warning',
});

const chunks = [];
for (const output of [...bundle.outputFiles, ...momoa.outputFiles]) {
  const converted = await transform(output.text, {
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    // import() becomes a require() the loader serves; import.meta.url, the chunk's own URL (a
    // getter: making a file URL costs start-up, and few chunks ask for theirs).
    supported: { 'dynamic-import': false },
    define: { 'import.meta.url': '__importMeta.url' },
    minifyWhitespace: true,
    logLevel: 'warning',
  });
  chunks.push({ name: basename(output.path).replace(/\.js$/, '.cjs'), code: converted.code });
}

// Each file is an object of the chunks it holds, by name, each a function the loader calls when
// the chunk is first required (scripts/bundle-format.mjs).
const packed = chunks.filter((chunk) => chunk.name !== 'main.cjs' && chunk.code.length < PACK_BELOW).sort((a, b) => a.name.localeCompare(b.name));
const files = [
  ...chunks.filter((chunk) => !packed.includes(chunk)).map((chunk) => ({ name: chunk.name, text: aloneFile(chunk.name, chunk.code) })),
  { name: PACK, text: packedFile(packed) },
];
const packedNames = Object.fromEntries(packed.map((chunk) => [chunk.name, PACK]));

// Chunks are named by content: a stale one from an earlier build would stay behind.
rmSync(OUT, { recursive: true, force: true });
mkdirSync(OUT, { recursive: true });
const build_ = createHash('sha256');
for (const file of files.sort((a, b) => a.name.localeCompare(b.name))) {
  // The loader reads a file's bytes as latin1, which is its text only when it is ASCII (esbuild's default charset).
  const nonAscii = file.text.search(/[\u0080-\uffff]/);
  if (nonAscii !== -1) throw new Error(`${file.name} has a character beyond ASCII at ${nonAscii}: the CLI loader reads chunks as latin1`);
  writeFileSync(`${OUT}/${file.name}`, file.text);
  build_.update(file.name).update('\0').update(file.text).update('\0');
}
const source = readFileSync('scripts/cli-loader.cjs', 'utf8');
// The loader is part of the build's id, with the packed chunks' files but before the id itself.
build_.update(fillLoader(source, '__AMIGUARD_BUILD__', packedNames));
writeFileSync(`${OUT}/index.cjs`, fillLoader(source, build_.digest('hex').slice(0, 16), packedNames));
