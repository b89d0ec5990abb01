/**
 * Standard output and error written to their descriptors (src/cli/io.ts): directly when the
 * descriptor is a file, a pipe, a socket or /dev/null, through Node's stream otherwise, and what
 * happens when the write fails (the reader gone, a full non-blocking pipe, anything else).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, constants, mkdtempSync, openSync, readFileSync, readSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { descriptorOutput } from '../../src/cli/io.js';

const scratch = mkdtempSync(join(tmpdir(), 'amiguard-output-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** A stand-in for process.stdout that records what it is given and whether it was made. */
function fakeStream(isTTY: boolean): { made: () => boolean; written: () => string; stream: () => NodeJS.WriteStream } {
  let made = false;
  let written = '';
  const stream = { isTTY, write: (chunk: string | Uint8Array) => ((written += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8')), true) };
  return {
    made: () => made,
    written: () => written,
    stream: () => {
      made = true;
      return stream as unknown as NodeJS.WriteStream;
    },
  };
}

/** A named pipe in the scratch folder, with its read end open (without blocking). */
function fifo(name: string): { path: string; reader: number } {
  const path = join(scratch, name);
  assert.equal(spawnSync('mkfifo', [path]).status, 0, 'mkfifo');
  return { path, reader: openSync(path, constants.O_RDONLY | constants.O_NONBLOCK) };
}

/** Reads a non-blocking pipe until it is empty; the number of bytes it held. */
function drain(fd: number): number {
  const buffer = Buffer.alloc(64 * 1024);
  let total = 0;
  for (;;) {
    try {
      const read = readSync(fd, buffer);
      if (read === 0) return total;
      total += read;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EAGAIN') return total;
      throw error;
    }
  }
}

describe('standard output written to its descriptor', () => {
  it('a file: written directly, in order, never a terminal, no stream made', () => {
    const path = join(scratch, 'out.txt');
    const fd = openSync(path, 'w');
    const fake = fakeStream(true);
    const output = descriptorOutput(fd, 'standard output', fake.stream);
    assert.equal(output.isTTY, false);
    output.write('one ');
    output.write('two, é ✓\n');
    closeSync(fd);
    assert.equal(readFileSync(path, 'utf8'), 'one two, é ✓\n');
    assert.equal(fake.made(), false);
  });

  it('/dev/null: never a terminal, no stream made', () => {
    const fd = openSync('/dev/null', 'w');
    const fake = fakeStream(true);
    const output = descriptorOutput(fd, 'standard output', fake.stream);
    output.write('gone');
    assert.equal(output.isTTY, false);
    assert.equal(fake.made(), false);
    closeSync(fd);
  });

  it('another character device (a terminal, or /dev/zero here): Node\'s stream, and its isTTY', () => {
    const fd = openSync('/dev/zero', 'w');
    const fake = fakeStream(true);
    const output = descriptorOutput(fd, 'standard output', fake.stream);
    assert.equal(output.isTTY, true);
    output.write('through the stream');
    assert.equal(fake.written(), 'through the stream');
    closeSync(fd);
  });

  it('a pipe whose reader is gone: the write is dropped without an error or a loss, and so are the next', () => {
    const { path, reader } = fifo('closed');
    const fd = openSync(path, constants.O_WRONLY | constants.O_NONBLOCK);
    closeSync(reader);
    const fake = fakeStream(false);
    const output = descriptorOutput(fd, 'standard output', fake.stream);
    output.write('nobody reads this');
    output.write('nor this');
    assert.equal(fake.made(), false);
    assert.equal(output.lost, undefined, 'a reader that left is not output lost');
    closeSync(fd);
  });

  it('a full pipe its reader made non-blocking: the rest, and all that follows, goes through the stream, in order', () => {
    const { path, reader } = fifo('full');
    const fd = openSync(path, constants.O_WRONLY | constants.O_NONBLOCK);
    const fake = fakeStream(false);
    const output = descriptorOutput(fd, 'standard output', fake.stream);
    const big = 'x'.repeat(1024 * 1024);
    output.write(big);
    output.write('after');
    // The pipe took what fits in its buffer; the stream was given exactly the rest, then the next write.
    const inPipe = drain(reader);
    assert.ok(inPipe > 0 && inPipe < big.length, `${inPipe} bytes in the pipe`);
    assert.equal(fake.written(), `${big.slice(inPipe)}after`);
    closeSync(fd);
    closeSync(reader);
  });

  it('any other failure is output lost: said once, what follows dropped, the run not cut off', () => {
    const path = join(scratch, 'read-only.txt');
    writeFileSync(path, '');
    const fd = openSync(path, 'r');
    const fake = fakeStream(false);
    const output = descriptorOutput(fd, 'standard output', fake.stream);
    assert.equal(output.lost, undefined);
    output.write('text');
    output.write('more');
    assert.equal(output.lost, 'cannot write to standard output: EBADF');
    assert.equal(fake.made(), false);
    closeSync(fd);
  });
});
