/**
 * A reader that closes the pipe early (`amiguard ... | head`): the CLI finishes its run and
 * exits with its own code, without a stack trace (the process boundary is what is tested).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';
import { BIN, ROOT } from './run-cli.js';

describe('a closed standard output', () => {
  it('is not a crash: lint still exits 1 for its findings, with nothing on stderr', async () => {
    const child = spawn(process.execPath, [BIN, 'lint', 'examples', '--config', 'examples/amiguard.yaml'], {
      cwd: ROOT,
      env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '/tmp', NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // Closed before the CLI writes a byte: its first write meets EPIPE.
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((done) => child.on('close', done));
    assert.equal(stderr, '');
    assert.equal(code, 1);
  });
});
