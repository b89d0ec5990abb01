/**
 * Lint speed and memory per format, on a mixed tree: copies the cases of both labelled corpora
 * (../shared/corpus/packer and ../shared/corpus/iac: Packer, Terraform, CloudFormation, Ansible,
 * shell, Python, CI files) round-robin into one tree, with fresh account ids so that no two files
 * are the same text. Then, for each format, in a fresh process (so that its peak memory is its
 * own): a bare parse of its files (read from disk + the format's parse, no evaluation) against the
 * full read (read + parse + evaluate + rules) of the same files; and last, an end-to-end `lint()`
 * of the whole tree (discovery, every format, one thread).
 *
 *   npm run bench:lint              # 5,000 files
 *   npm run bench:lint -- 10000     # another count
 *
 * Prints figures; it is not a test. Output folder: .bench/lint (ignored by git).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { median } from './stats.js';
import { lint } from '../src/lint/index.js';
import { DEFAULT_POLICY } from '../src/policy/index.js';
import { RULES, runRules } from '../src/rules/index.js';
import { discoverTemplates, FORMATS, readUnits, type FormatId, type SourceFile } from '../src/templates/index.js';

const ROOT = resolve(import.meta.dirname, '..');
const CORPORA = [resolve(ROOT, '../shared/corpus/packer'), resolve(ROOT, '../shared/corpus/iac')];
const OUT = join(ROOT, '.bench/lint');
const REPEATS = 5;

interface FormatFigures {
  readonly format: FormatId;
  readonly units: number;
  readonly files: number;
  readonly bytes: number;
  readonly findings: number;
  readonly parseMs: number | undefined;
  readonly readMs: number;
  readonly peakMb: number;
}

function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? listFiles(path).map((file) => join(name, file)) : [name];
  });
}

/** Copies corpus cases round-robin (both corpora interleaved) until `target` files are written. */
function generate(target: number): number {
  rmSync(OUT, { recursive: true, force: true });
  const cases = CORPORA.flatMap((corpus) =>
    readdirSync(corpus)
      .filter((name) => /^\d{3}-/.test(name))
      .sort()
      .map((name) => join(corpus, name)),
  );
  let seed = 42;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed;
  };
  let files = 0;
  for (let index = 0; files < target; index++) {
    const from = cases[index % cases.length] ?? '';
    const to = join(OUT, `${String(index).padStart(5, '0')}-${from.split('/').at(-1) ?? ''}`);
    for (const file of listFiles(from)) {
      mkdirSync(join(to, file, '..'), { recursive: true });
      const text = readFileSync(join(from, file), 'utf8').replace(/\b\d{12}\b/g, () => String(100000000000 + (random() % 899999999999)));
      writeFileSync(join(to, file), text);
      files++;
    }
  }
  return files;
}


/** In a child process: one format's figures, as one JSON line on stdout. */
async function measureFormat(id: FormatId): Promise<FormatFigures> {
  const format = FORMATS.find((entry) => entry.id === id);
  if (format === undefined) throw new Error(`no format ${id}`);
  const discovered = await discoverTemplates(['.'], OUT, FORMATS);
  const units = discovered.units.filter((unit) => unit.format === id);
  const paths = units.flatMap((unit) => [...unit.files, ...(unit.companions ?? [])]);
  const load = (path: string): SourceFile => ({ path, text: readFileSync(join(OUT, path), 'utf8') });
  const bytes = paths.reduce((sum, path) => sum + statSync(join(OUT, path)).size, 0);
  const parseOnly = format.parseOnly?.bind(format);
  const bareParse = parseOnly === undefined ? undefined : async (): Promise<void> => parseOnly(paths.map(load));
  let findings = 0;
  const fullRead = async (): Promise<void> => {
    const read = await readUnits(units, { cwd: OUT, variables: [], useEnv: false, env: {} });
    findings = runRules({ subjects: read.subjects, problems: read.problems, policy: DEFAULT_POLICY, rules: RULES, now: new Date() }).length;
  };
  // Warm up both paths (WASM compilation, JIT), then alternate so both see the same machine state.
  await bareParse?.();
  await fullRead();
  const parseTimes: number[] = [];
  const readTimes: number[] = [];
  for (let round = 0; round < REPEATS; round++) {
    if (bareParse !== undefined) {
      globalThis.gc?.();
      const start = performance.now();
      await bareParse();
      parseTimes.push(performance.now() - start);
    }
    globalThis.gc?.();
    const start = performance.now();
    await fullRead();
    readTimes.push(performance.now() - start);
  }
  return {
    format: id,
    units: units.length,
    files: paths.length,
    bytes,
    findings,
    parseMs: bareParse === undefined ? undefined : median(parseTimes),
    readMs: median(readTimes),
    peakMb: process.resourceUsage().maxRSS / 1024,
  };
}

function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length))) ?? [];
  return rows.map((row) => `  ${row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0))).join('  ')}`).join('\n');
}

async function main(): Promise<void> {
  const child = process.argv.indexOf('--format');
  if (child >= 0) {
    console.log(JSON.stringify(await measureFormat(process.argv[child + 1] as FormatId)));
    return;
  }
  const target = Number(process.argv[2] ?? 5000);
  const generated = generate(target);
  const figures: FormatFigures[] = [];
  for (const format of FORMATS) {
    const result = spawnSync(process.execPath, [...process.execArgv, import.meta.filename, '--format', format.id], { encoding: 'utf8', maxBuffer: 1 << 24 });
    if (result.status !== 0) throw new Error(`measuring ${format.id} failed: ${result.stderr}`);
    figures.push(JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '{}') as FormatFigures);
  }

  globalThis.gc?.();
  const start = performance.now();
  const endToEnd = await lint({ paths: ['.'], cwd: OUT, env: {}, policy: DEFAULT_POLICY });
  const endMs = performance.now() - start;
  const totalFiles = figures.reduce((sum, entry) => sum + entry.files, 0);
  const totalBytes = figures.reduce((sum, entry) => sum + entry.bytes, 0);

  console.log(`amiguard lint benchmark (node ${process.version}, ${new Date().toISOString().slice(0, 10)})`);
  console.log(`${generated} files generated in .bench/lint, ${totalFiles} read by a format (${(totalBytes / 1048576).toFixed(1)} MB); medians of ${REPEATS} runs, one process per format`);
  console.log(
    table([
      ['format', 'units', 'files', 'MB', 'findings', 'bare parse', 'full read', 'files/s', 'full/parse', 'peak RSS'],
      ...figures.map((entry) => [
        entry.format,
        String(entry.units),
        String(entry.files),
        (entry.bytes / 1048576).toFixed(1),
        String(entry.findings),
        entry.parseMs === undefined ? 'n/a' : `${entry.parseMs.toFixed(0)} ms`,
        `${entry.readMs.toFixed(0)} ms`,
        entry.readMs === 0 ? '-' : String(Math.round((entry.files / entry.readMs) * 1000)),
        entry.parseMs === undefined || entry.parseMs === 0 ? '-' : `${(entry.readMs / entry.parseMs).toFixed(2)}x`,
        `${entry.peakMb.toFixed(0)} MB`,
      ]),
    ]),
  );
  console.log(
    `end to end lint() of the whole tree (discovery, every format, rules): ${endMs.toFixed(0)} ms = ${Math.round((totalFiles / endMs) * 1000)} files/s, ` +
      `${endToEnd.findings.length} findings, peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`,
  );
}

await main();
