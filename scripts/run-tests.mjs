// Runs the test files under test/ with Node's built-in runner (through tsx), so that the closing
// pass/fail summary is printed and the exit code is non-zero when a test fails.
//
// The whole suite runs in a few processes rather than one per file: each process under tsx costs
// ~0.4 s of CPU to start and compiles the same modules again, over 100 files a minute of the
// suite's four (issue 10). Files are shared out in a fixed order, the same on every machine. A
// file that needs a process of its own (it checks what a fresh process has loaded, or it is long
// enough to be a lane by itself) says so in a line `// test-runner: own process (why)`.
// Named files (`node scripts/run-tests.mjs test/a.test.ts ...`) run one process each.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const GROUPS = 6;
const OWN_PROCESS = /^\/\/ test-runner: own process\b/m;

function collect(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'fixtures') return [];
    if (statSync(path).isDirectory()) return collect(path);
    return name.endsWith('.test.ts') ? [path] : [];
  });
}

const named = process.argv.slice(2);
let files = named;
let scratch;
if (named.length === 0) {
  const all = collect('test').sort();
  const alone = all.filter((file) => OWN_PROCESS.test(readFileSync(file, 'utf8')));
  const shared = all.filter((file) => !alone.includes(file));
  scratch = mkdtempSync(join(tmpdir(), 'amiguard-tests-'));
  const groups = Array.from({ length: GROUPS }, (_, index) => shared.filter((_, position) => position % GROUPS === index));
  files = [
    ...alone,
    ...groups.map((group, index) => {
      const path = join(scratch, `group-${index + 1}.test.mjs`);
      writeFileSync(path, group.map((file) => `await import(${JSON.stringify(pathToFileURL(resolve(file)).href)});\n`).join(''));
      return path;
    }),
  ];
}
// One process per core, at least two: most files wait on a sandbox, a child process or the disk.
const concurrency = Math.max(2, availableParallelism());
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-reporter=spec', ...files],
  { stdio: 'inherit', env: { ...process.env, NO_COLOR: '1' } },
);
if (scratch !== undefined) rmSync(scratch, { recursive: true, force: true });
process.exit(result.status ?? 1);
