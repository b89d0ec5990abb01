/**
 * One measurement of `npm run bench:hcl` (bench/hcl-parse.ts), in a process of its own so that its
 * peak RSS is its own: plain node on the built modules (dist/), as the installed CLI runs, with no
 * TypeScript loader in the figures.
 *
 *   node bench/hcl-read.mjs <mode> <file|corpus> <rounds>
 *
 * Prints one JSON line: wall and CPU milliseconds, peak RSS in MiB, images read.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';

const ROOT = resolve(import.meta.dirname, '..');
const CORPUS = resolve(ROOT, '../shared/corpus');
const dist = (path) => import(join(ROOT, 'dist/src', path));

const { readHclBody } = await dist('templates/hcl/parser/index.js');
const { CONFIGURATION_SCHEMA } = await dist('templates/packer-hcl/configuration.js');
const { loadHclParser, parseHclBodyWithTreeSitter, parseHclTree } = await dist('templates/hcl/hcl-parser.js');
const { readPackerHcl } = await dist('templates/packer-hcl/index.js');

const OPTIONS = { variables: [], useEnv: false, env: {}, readFile: () => '' };

function hclFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return hclFiles(path);
    return name.endsWith('.hcl') ? [path] : [];
  });
}

const [mode = 'idle', target = 'corpus', rounds = '1'] = process.argv.slice(2);
// Only the tree-sitter modes load tree-sitter up front; the full read loads what it uses.
const parser = mode.startsWith('tree-sitter') ? await loadHclParser() : undefined;
let images = 0;

async function once(text) {
  switch (mode) {
    case 'idle':
      return;
    case 'tree-sitter parse':
      parseHclTree(parser, text);
      return;
    case 'tree-sitter read':
      if (!parseHclBodyWithTreeSitter(parser, 'f.pkr.hcl', text, CONFIGURATION_SCHEMA).ok) throw new Error('tree-sitter refused a file');
      return;
    case 'hand-written read': {
      const read = readHclBody('f.pkr.hcl', text, CONFIGURATION_SCHEMA);
      if (read === undefined || !read.ok) throw new Error('the parser refused a file');
      return;
    }
    case 'full read': {
      const result = await readPackerHcl([{ path: 'f.pkr.hcl', text }], [], OPTIONS);
      images += result.images.length;
      return;
    }
    default:
      throw new Error(`unknown mode ${mode}`);
  }
}

const corpus = hclFiles(CORPUS).map((path) => readFileSync(path, 'utf8'));
for (const text of corpus) await once(text);
images = 0;
const texts = target === 'corpus' ? corpus : [readFileSync(target, 'utf8')];
const start = performance.now();
const cpuStart = process.cpuUsage();
for (let round = 0; round < Number(rounds); round += 1) for (const text of texts) await once(text);
const cpu = process.cpuUsage(cpuStart);
const ms = performance.now() - start;
process.stdout.write(JSON.stringify({ ms, cpuMs: (cpu.user + cpu.system) / 1000, rssMb: process.resourceUsage().maxRSS / 1024, images }));
