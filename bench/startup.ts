/**
 * Start-up of the installed CLI: `amiguard --version` and `amiguard lint` of one small template
 * (a legacy JSON one and an HCL2 one), next to `node -e 0` (the floor any Node CLI pays) and,
 * when it is installed, `packer inspect` of the same file.
 *
 *   npm run build && npm run bench:startup            # 15 runs of each
 *   npm run bench:startup -- --runs 31
 *
 * amiguard runs with its code cache (written by a first run, see scripts/cli-loader.cjs) and,
 * in the "no cache" rows, without it, as a command's very first run does. When the environment
 * sets NODE_EXTRA_CA_CERTS (this machine's does), node reads and parses that bundle of
 * certificates at every start, before any JavaScript runs (~40 ms here): the rows "without extra
 * CA" run the same commands with it unset, as the issue's figures were taken.
 * Each command runs in a fresh process, timed by bash and /usr/bin/time, interleaved round by
 * round so that a busy machine slows them alike; the figures are medians (wall and CPU time to
 * the millisecond, peak RSS). It
 * also lists the packages each amiguard command loads (imported or required), to show that lint
 * loads no AWS SDK, and an HCL lint no tree-sitter.
 * Prints figures; it is not a test.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { median } from './stats.js';

const ROOT = resolve(import.meta.dirname, '..');
const BIN = join(ROOT, 'bin/amiguard.cjs');
const CORPUS = resolve(ROOT, '../shared/corpus/packer');
const TEMPLATES = {
  json: join(CORPUS, '017-govuk-ami-json-public-literal/ami.json'),
  hcl: join(CORPUS, '039-packer-plugin-amazon-example-negative/build.pkr.hcl'),
};
const TIME = '/usr/bin/time';

interface Sample {
  readonly wallMs: number;
  readonly cpuMs: number;
  readonly rssMiB: number;
  /** Minor page faults: memory touched for the first time, ~15 us each on this VM. */
  readonly faults: number;
}

/** Environment changes for one row: a value sets the variable, undefined unsets it. */
type Env = Readonly<Record<string, string | undefined>>;

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  const value = at < 0 ? undefined : process.argv[at + 1];
  return value === undefined ? fallback : Number(value);
}

function found(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

/**
 * One run: wall, user and system time from bash's `time` (to the millisecond; /usr/bin/time's
 * have 10 ms steps, and timing a child from Node adds Node's own fork to each), peak RSS from
 * /usr/bin/time, which bash's `time` includes (about 1 ms, the same in every row).
 */
function sample(argv: readonly string[], rssFile: string, env: Env): Sample {
  const script = `TIMEFORMAT="%3R %3U %3S"; { time ${TIME} -f "%M %R" -o "$0" "$@" >/dev/null 2>&1; } 2>&1; cat "$0"`;
  const childEnv = Object.fromEntries(Object.entries({ ...process.env, NO_COLOR: '1', ...env }).filter(([, value]) => value !== undefined));
  const result = spawnSync('bash', ['-c', script, rssFile, ...argv], { encoding: 'utf8', env: childEnv });
  // The times, then what /usr/bin/time wrote: the peak RSS and page faults last (after "Command exited with ...").
  const lines = result.stdout.trim().split('\n');
  const [elapsed, user, system] = (lines[0] ?? '').split(' ').map(Number);
  const [rssKb, faults] = (lines.at(-1) ?? '').split(' ').map(Number);
  if (elapsed === undefined || user === undefined || system === undefined || rssKb === undefined || faults === undefined || [elapsed, rssKb, faults].some(Number.isNaN)) {
    throw new Error(`cannot read the figures for ${argv.join(' ')}: ${result.stdout}${result.stderr}`);
  }
  return { wallMs: elapsed * 1000, cpuMs: (user + system) * 1000, rssMiB: rssKb / 1024, faults };
}


/**
 * The packages a command loads, as scripts/package-watch.cjs sees them in the child: an ESM
 * resolve hook, and a wrapper of CommonJS resolution (what the bundle's chunks require).
 */
function importedPackages(args: readonly string[]): string[] {
  const result = spawnSync(process.execPath, ['--require', join(ROOT, 'scripts/package-watch.cjs'), BIN, ...args], { encoding: 'utf8' });
  return [...new Set(result.stderr.split('\n').filter((line) => line.startsWith('PACKAGE ')).map((line) => line.slice(8)))].sort();
}

function main(): void {
  if (!existsSync(join(ROOT, 'dist/cli/index.cjs'))) throw new Error('run npm run build first: this measures the built CLI');
  if (!existsSync(TIME)) throw new Error(`${TIME} is needed for peak memory (apt-get install time)`);
  const runs = option('runs', 15);
  const packer = found('packer');
  // The code cache (scripts/cli-loader.cjs) in a folder of its own: written by the warm-up run,
  // used by every run after it; the "no cache" rows run with it off, as a command's first run.
  const scratch = mkdtempSync(join(tmpdir(), 'amiguard-startup-'));
  const rssFile = join(scratch, 'rss');
  const warm = { AMIGUARD_CACHE_DIR: join(scratch, 'cache') };
  const cold = { AMIGUARD_CACHE_DIR: 'off' };
  const extraCa = process.env['NODE_EXTRA_CA_CERTS'];
  const noCa = { NODE_EXTRA_CA_CERTS: undefined };
  const commands: [string, string[], Env][] = [
    ['node -e 0', [process.execPath, '-e', '0'], {}],
    ['amiguard --version', [process.execPath, BIN, '--version'], warm],
    ['amiguard lint (JSON)', [process.execPath, BIN, 'lint', TEMPLATES.json], warm],
    ['amiguard lint (HCL2)', [process.execPath, BIN, 'lint', TEMPLATES.hcl], warm],
    ['  no cache: --version', [process.execPath, BIN, '--version'], cold],
    ['  no cache: lint (JSON)', [process.execPath, BIN, 'lint', TEMPLATES.json], cold],
    ['  no cache: lint (HCL2)', [process.execPath, BIN, 'lint', TEMPLATES.hcl], cold],
    ...(extraCa === undefined
      ? []
      : ([
          ['without extra CA: node -e 0', [process.execPath, '-e', '0'], noCa],
          ['without extra CA: --version', [process.execPath, BIN, '--version'], { ...warm, ...noCa }],
          ['without extra CA: lint (JSON)', [process.execPath, BIN, 'lint', TEMPLATES.json], { ...warm, ...noCa }],
          ['without extra CA: lint (HCL2)', [process.execPath, BIN, 'lint', TEMPLATES.hcl], { ...warm, ...noCa }],
        ] as [string, string[], Env][])),
    ...(packer
      ? ([
          ['packer inspect (JSON)', ['packer', 'inspect', TEMPLATES.json], {}],
          ['packer inspect (HCL2)', ['packer', 'inspect', TEMPLATES.hcl], {}],
        ] as [string, string[], Env][])
      : []),
  ];
  const samples = new Map<string, Sample[]>(commands.map(([label]) => [label, []]));
  for (const [, argv, env] of commands) sample(argv, rssFile, env); // warm the file cache, write the code cache
  for (let round = 0; round < runs; round += 1) {
    for (const [label, argv, env] of commands) samples.get(label)?.push(sample(argv, rssFile, env));
  }
  rmSync(scratch, { recursive: true, force: true });

  const version = spawnSync(process.execPath, ['--version'], { encoding: 'utf8' }).stdout.trim();
  const packerVersion = packer ? spawnSync('packer', ['version'], { encoding: 'utf8' }).stdout.trim() : 'not installed';
  const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  console.log(`start-up, median of ${runs} runs (node ${version}, ${packerVersion}, load average ${load})`);
  console.log(`templates: ${TEMPLATES.json.slice(CORPUS.length + 1)} (${readFileSync(TEMPLATES.json).length} B), ${TEMPLATES.hcl.slice(CORPUS.length + 1)} (${readFileSync(TEMPLATES.hcl).length} B)`);
  if (extraCa !== undefined) console.log(`NODE_EXTRA_CA_CERTS=${extraCa} (${readFileSync(extraCa).length} B), which node parses at every start`);
  const width = Math.max(...commands.map(([label]) => label.length));
  console.log(`  ${'command'.padEnd(width)}  ${'wall'.padStart(8)}  ${'CPU'.padStart(8)}  ${'peak RSS'.padStart(9)}  ${'faults'.padStart(6)}  over node -e 0`);
  const nodeWall = (env: Env): number => median((samples.get(env === noCa ? 'without extra CA: node -e 0' : 'node -e 0') ?? []).map((s) => s.wallMs));
  for (const [label, argv, env] of commands) {
    const all = samples.get(label) ?? [];
    const wall = median(all.map((s) => s.wallMs));
    const cpu = median(all.map((s) => s.cpuMs));
    const rss = median(all.map((s) => s.rssMiB));
    const faults = median(all.map((s) => s.faults));
    const over = argv[0] === process.execPath && argv[1] === BIN ? `+${(wall - nodeWall('NODE_EXTRA_CA_CERTS' in env ? noCa : {})).toFixed(0)} ms` : '';
    console.log(`  ${label.padEnd(width)}  ${`${wall.toFixed(0)} ms`.padStart(8)}  ${`${cpu.toFixed(0)} ms`.padStart(8)}  ${`${rss.toFixed(1)} MiB`.padStart(9)}  ${faults.toFixed(0).padStart(6)}  ${over}`);
  }
  for (const [label, args] of [
    ['--version', ['--version']],
    ['lint (JSON)', ['lint', TEMPLATES.json]],
    ['lint (HCL2)', ['lint', TEMPLATES.hcl]],
    ['show --help', ['show', '--help']],
  ] as [string, string[]][]) {
    const packages = importedPackages(args);
    console.log(`packages loaded by amiguard ${label}: ${packages.length === 0 ? 'none' : packages.join(', ')}`);
  }
}

main();
