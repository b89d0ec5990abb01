/**
 * Lint speed: generates N templates from the corpus's patterns, then measures a bare parse of
 * every file against the full lint (parse + evaluate + rules) of the same in-memory files, and
 * an end-to-end `lint()` over the folder (discovery and file reads included; one thread).
 *
 *   npm run bench:lint              # 5,000 templates
 *   npm run bench:lint -- 10000     # another count
 *
 * Prints figures; it is not a test. Output folder: .bench/lint (ignored by git).
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { lint } from '../src/lint/index.js';
import { DEFAULT_POLICY } from '../src/policy/index.js';
import { RULES, runRules } from '../src/rules/index.js';
import { discoverTemplates, FORMATS, toImageSubject, type ReadOptions, type SourceFile } from '../src/templates/index.js';
import { parseHclOnly, readPackerHcl } from '../src/templates/packer-hcl/index.js';
import { parsePackerJsonOnly, readPackerJson } from '../src/templates/packer-json/index.js';

const ROOT = resolve(import.meta.dirname, '..');
const CORPUS = resolve(ROOT, '../shared/corpus/packer');
const OUT = join(ROOT, '.bench/lint');
const target = Number(process.argv[2] ?? 5000);
const REPEATS = 5;

function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? listFiles(path).map((file) => join(name, file)) : [name];
  });
}

/** Copies corpus cases round-robin, with fresh account ids so no two files are the same text. */
function generate(): number {
  rmSync(OUT, { recursive: true, force: true });
  const cases = readdirSync(CORPUS).filter((name) => /^\d{3}-/.test(name)).sort();
  let seed = 42;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed;
  };
  let files = 0;
  for (let index = 0; files < target; index++) {
    const name = cases[index % cases.length] ?? '';
    const from = join(CORPUS, name);
    const to = join(OUT, `${String(index).padStart(5, '0')}-${name}`);
    mkdirSync(to, { recursive: true });
    for (const file of listFiles(from)) {
      const text = readFileSync(join(from, file), 'utf8').replace(/\b\d{12}\b/g, () =>
        String(100000000000 + (random() % 899999999999)),
      );
      writeFileSync(join(to, file), text);
      files++;
    }
  }
  return files;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

async function main(): Promise<void> {
  const generated = generate();
  const discovered = await discoverTemplates(['.'], OUT, FORMATS);
  const load = (path: string): SourceFile => ({ path, text: readFileSync(join(OUT, path), 'utf8') });
  const json = discovered.units.filter((unit) => unit.format === 'packer-json').flatMap((unit) => unit.files.map(load));
  const hcl = discovered.units
    .filter((unit) => unit.format === 'packer-hcl')
    .map((unit) => ({ files: unit.files.map(load), autoVarFiles: (unit.companions ?? []).map(load) }));
  const templateFiles = json.length + hcl.reduce((sum, config) => sum + config.files.length, 0);
  const bytes = [...json, ...hcl.flatMap((config) => config.files)].reduce((sum, file) => sum + file.text.length, 0);
  const options: ReadOptions = { variables: [], useEnv: false, env: {}, readFile: (path) => readFileSync(join(OUT, path), 'utf8') };

  const bareParse = async (): Promise<void> => {
    for (const file of json) parsePackerJsonOnly(file);
    for (const config of hcl) await parseHclOnly(config.files);
  };
  let findings = 0;
  const fullLint = async (): Promise<void> => {
    const subjects = [];
    const problems = [];
    for (const file of json) {
      const result = readPackerJson(file, options);
      subjects.push(...result.images.map(toImageSubject));
      problems.push(...result.problems);
    }
    for (const config of hcl) {
      const result = await readPackerHcl(config.files, config.autoVarFiles, options);
      subjects.push(...result.images.map(toImageSubject));
      problems.push(...result.problems);
    }
    findings = runRules({ subjects, problems, policy: DEFAULT_POLICY, rules: RULES, now: new Date() }).length;
  };

  // Warm up both paths (WASM compilation, JIT), then alternate so both see the same machine state.
  await bareParse();
  await fullLint();
  const parseTimes: number[] = [];
  const lintTimes: number[] = [];
  for (let round = 0; round < REPEATS; round++) {
    globalThis.gc?.();
    let start = performance.now();
    await bareParse();
    parseTimes.push(performance.now() - start);
    globalThis.gc?.();
    start = performance.now();
    await fullLint();
    lintTimes.push(performance.now() - start);
  }

  globalThis.gc?.();
  const endStart = performance.now();
  const endToEnd = await lint({ paths: ['.'], cwd: OUT, env: {}, policy: DEFAULT_POLICY });
  const endMs = performance.now() - endStart;

  const parseMs = median(parseTimes);
  const lintMs = median(lintTimes);
  const peakMb = process.resourceUsage().maxRSS / 1024;
  const rows: [string, string][] = [
    ['files generated (templates + var-files)', String(generated)],
    ['template files linted', `${templateFiles} (${json.length} legacy JSON, ${hcl.length} HCL configurations)`],
    ['source size', `${(bytes / 1048576).toFixed(1)} MB`],
    ['findings', String(findings)],
    [`bare parse (median of ${REPEATS})`, `${parseMs.toFixed(0)} ms`],
    [`full lint: parse + evaluate + rules (median of ${REPEATS})`, `${lintMs.toFixed(0)} ms = ${Math.round((templateFiles / lintMs) * 1000)} files/s`],
    ['ratio full lint / bare parse', `${(lintMs / parseMs).toFixed(2)}x (target <= 1.5x)`],
    ['end to end lint() with discovery and file reads', `${endMs.toFixed(0)} ms = ${Math.round((templateFiles / endMs) * 1000)} files/s, ${endToEnd.findings.length} findings`],
    ['peak memory (max RSS)', `${peakMb.toFixed(0)} MB`],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  console.log(`amiguard lint benchmark (node ${process.version}, ${new Date().toISOString().slice(0, 10)})`);
  for (const [label, value] of rows) console.log(`  ${label.padEnd(width)}  ${value}`);
}

await main();
