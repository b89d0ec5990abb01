/**
 * A reader that closes the pipe early (`amiguard ... | head`): the CLI finishes its run and
 * exits with its own code, without a stack trace (the process boundary is what is tested), whether
 * the CLI writes to the descriptor itself or something writes through Node's stream.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { BIN, ROOT } from './run-cli.js';

/**
 * Runs node with `args`, its standard output `output` (a descriptor), or else a pipe closed before
 * it writes a byte (its first write meets EPIPE): its exit code and standard error.
 */
async function withClosedOutput(args: readonly string[], output?: number): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '/tmp', NO_COLOR: '1' },
    stdio: ['ignore', output ?? 'pipe', 'pipe'],
  });
  child.stdout?.destroy();
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((done) => child.on('close', done));
  return { code, stderr };
}

describe('a closed standard output', () => {
  it('is not a crash: lint still exits 1 for its findings, with nothing on stderr', async () => {
    assert.deepEqual(await withClosedOutput([BIN, 'lint', 'examples', '--config', 'examples/amiguard.yaml']), { code: 1, stderr: '' });
  });

  it('nor when something writes through Node\'s own stream (a warning, a library): the bin guards it when it is made', async () => {
    // The bin, preloaded, runs the CLI (no command: the overview, written to the descriptor);
    // then the script writes through process.stdout, which the bin did not make at start.
    const script = "setTimeout(() => process.stdout.write('x'.repeat(100000)), 200)";
    assert.deepEqual(await withClosedOutput(['--require', BIN, '--eval', script]), { code: 0, stderr: '' });
  });
});

describe('standard output that cannot be written', () => {
  const CLEAN = ['lint', 'examples/variable-driven/image.pkr.hcl'];

  it('the run\'s result was not seen: it exits 2, not 0, and says so (a full device, through Node\'s stream)', async () => {
    assert.equal((await withClosedOutput([BIN, ...CLEAN], openSync('/dev/null', 'w'))).code, 0, 'the same lint, written: clean');
    const full = openSync('/dev/full', 'w');
    try {
      const { code, stderr } = await withClosedOutput([BIN, ...CLEAN], full);
      assert.equal(code, 2);
      assert.match(stderr, /^amiguard: error: cannot write to standard output: ENOSPC; the output is incomplete\n$/);
    } finally {
      closeSync(full);
    }
  });

  it('written to the descriptor: the same (a file opened only for reading)', async () => {
    const readOnly = openSync(join(ROOT, 'package.json'), 'r');
    try {
      const { code, stderr } = await withClosedOutput([BIN, ...CLEAN], readOnly);
      assert.equal(code, 2);
      assert.equal(stderr, 'amiguard: error: cannot write to standard output: EBADF; the output is incomplete\n');
    } finally {
      closeSync(readOnly);
    }
  });
});
