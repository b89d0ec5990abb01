/**
 * Runs Debian's `packer` (1.6.6) for the differential test: `packer validate` and
 * `packer console` on a folder, a few at a time (each start costs ~0.4 s; the machine has 2 cores).
 */
import { execFile, spawnSync } from 'node:child_process';

export interface PackerRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** The installed Packer's version line, or undefined when there is no `packer` on the PATH. */
export function packerVersion(): string | undefined {
  const result = spawnSync('packer', ['version'], { encoding: 'utf8', env: packerEnv() });
  if (result.error !== undefined || result.status !== 0) return undefined;
  return result.stdout.trim().split('\n')[0];
}

/**
 * Packer sees no PKR_VAR_* of ours (amiguard is given none either) and makes no checkpoint call
 * to HashiCorp's servers.
 */
export function packerEnv(): Record<string, string | undefined> {
  return { PATH: process.env.PATH, HOME: process.env.HOME, CHECKPOINT_DISABLE: '1', PACKER_NO_COLOR: '1' };
}

const MAX_RUNNING = 2;
let running = 0;
const waiting: (() => void)[] = [];

async function slot<T>(work: () => Promise<T>): Promise<T> {
  if (running >= MAX_RUNNING) await new Promise<void>((wake) => waiting.push(wake));
  running += 1;
  try {
    return await work();
  } finally {
    running -= 1;
    waiting.shift()?.();
  }
}

/** `packer ARGS` in `cwd`, with `input` on standard input. */
export function runPacker(args: readonly string[], cwd: string, input = ''): Promise<PackerRun> {
  return slot(
    () =>
      new Promise((done) => {
        const child = execFile('packer', [...args], { cwd, env: packerEnv(), maxBuffer: 64 * 1024 * 1024, timeout: 120_000 }, (error, stdout, stderr) => {
          const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
          done({ code, stdout, stderr });
        });
        child.stdin?.end(input);
      }),
  );
}

/**
 * `packer console` prints only the value of the last line it reads from a pipe, so one call
 * evaluates one expression: the caller packs everything into one `jsonencode({...})`. An unknown
 * value (a variable with no value) prints `<unknown>`; a failure is an error on standard output.
 */
export async function consoleJson(folder: string, args: readonly string[], expression: string): Promise<{ value: unknown } | { unknown: true } | { error: string }> {
  if (expression.includes('\n')) throw new Error('packer console reads one expression per line');
  const run = await runPacker(['console', ...args, '.'], folder, `${expression}\n`);
  const output = run.stdout.trim();
  if (run.code !== 0 || output.startsWith('Error:')) return { error: `${output}\n${run.stderr}`.trim() };
  if (output === '<unknown>') return { unknown: true };
  try {
    return { value: JSON.parse(output) as unknown };
  } catch {
    return { error: `packer console printed something else than JSON: ${output.slice(0, 500)}` };
  }
}
