import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { after, before } from 'node:test';
import { SAMPLE_CREDENTIALS, SAMPLE_ESTATE, startSandbox, type Sandbox } from '../../src/sandbox/index.js';

export const ROOT = resolve(import.meta.dirname, '../..');
export const BIN = resolve(ROOT, 'bin/amiguard.cjs');

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the built binary (npm test builds first) as a user would, with NO_COLOR. */
export function runCli(
  args: readonly string[],
  options: { cwd?: string; env?: Record<string, string>; process?: { timeout?: number; uid?: number; gid?: number } } = {},
): Promise<CliResult> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: options.cwd ?? ROOT,
      env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '/tmp', NO_COLOR: '1', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      ...options.process,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

/**
 * Runs the CLI in this process through run(), with the same environment runCli gives the
 * binary. For every test where the process boundary itself is not under test: no start-up cost.
 */
export async function runInProcess(args: readonly string[], options: { cwd?: string; env?: Record<string, string> } = {}): Promise<CliResult> {
  const { run } = await import('../../src/cli/main.js');
  let stdout = '';
  let stderr = '';
  const code = await run(args, {
    cwd: options.cwd ?? ROOT,
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '/tmp', NO_COLOR: '1', ...options.env },
    stdout: { write: (text) => void (stdout += text), isTTY: false },
    stderr: { write: (text) => void (stderr += text), isTTY: false },
  });
  return { code, stdout, stderr };
}

/**
 * Sets these variables in process.env (undefined removes one) and returns what puts each of them
 * back as it was. Test files share processes (scripts/run-tests.mjs): what one sets must not
 * reach the next.
 */
export function setEnv(values: Readonly<Record<string, string | undefined>>): () => void {
  const before = Object.keys(values).map((name): [string, string | undefined] => [name, process.env[name]]);
  const apply = (entries: readonly [string, string | undefined][]): void => {
    for (const [name, value] of entries) {
      if (value === undefined) Reflect.deleteProperty(process.env, name);
      else process.env[name] = value;
    }
  };
  apply(Object.entries(values));
  return () => apply(before);
}

/** Runs `body` with `values` in process.env (undefined: unset), and puts the environment back after. */
export async function withEnv<T>(values: Readonly<Record<string, string | undefined>>, body: () => Promise<T>): Promise<T> {
  const restore = setEnv(values);
  try {
    return await body();
  } finally {
    restore();
  }
}

/** Puts the sample estate's credentials of `who` (management's by default) in process.env, where the SDK reads a user's; returns what takes them out. */
export function useSampleCredentials(extra: Readonly<Record<string, string | undefined>> = {}, who: keyof typeof SAMPLE_CREDENTIALS = 'management'): () => void {
  return setEnv({
    AWS_ACCESS_KEY_ID: SAMPLE_CREDENTIALS[who].accessKeyId,
    AWS_SECRET_ACCESS_KEY: SAMPLE_CREDENTIALS[who].secretAccessKey,
    AWS_EC2_METADATA_DISABLED: 'true',
    ...extra,
  });
}

/**
 * For the tests of a describe: the sample estate in an unthrottled sandbox, started before them
 * with the sample credentials in process.env, and both taken away after them.
 */
export function sampleSandbox(): () => Sandbox {
  let sandbox: Sandbox | undefined;
  let restore: (() => void) | undefined;
  before(async () => {
    sandbox = await startSandbox({ estate: SAMPLE_ESTATE, speed: Number.POSITIVE_INFINITY });
    restore = useSampleCredentials();
  });
  after(async () => {
    restore?.();
    try {
      // As withSandbox (test/sandbox/helpers.ts): the sandbox itself failed on no request.
      assert.deepEqual(sandbox?.stats.unexpectedErrors, []);
    } finally {
      await sandbox?.close();
    }
  });
  return () => {
    if (sandbox === undefined) throw new Error('the sample sandbox starts before the tests of its describe');
    return sandbox;
  };
}
