import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { SAMPLE_CREDENTIALS } from '../../src/sandbox/index.js';

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

/** Puts the sample estate's management credentials in process.env, where the SDK reads a user's. */
export function useSampleCredentials(): void {
  process.env['AWS_ACCESS_KEY_ID'] = SAMPLE_CREDENTIALS.management.accessKeyId;
  process.env['AWS_SECRET_ACCESS_KEY'] = SAMPLE_CREDENTIALS.management.secretAccessKey;
  process.env['AWS_EC2_METADATA_DISABLED'] = 'true';
}
