/** Values from templates, policies and AWS reach the terminal only through this (control characters escaped). */
export { printable } from '../report/printable.js';
import { fstatSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { resolve } from 'node:path';
import { describeFileError, InputError } from '../core/index.js';
import { jsonPrintable, printable } from '../report/printable.js';

/** What a command may touch of the outside world; tests pass their own. */
export interface Io {
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdout: Output;
  readonly stderr: Output;
}

export interface Output {
  write(text: string): void;
  readonly isTTY: boolean;
  /**
   * Why output was lost, when a write failed (a full disk, a terminal gone): what follows is
   * dropped, the run goes on, and it exits 2. A reader that closed the pipe is not a loss.
   */
  readonly lost?: string | undefined;
}

export function processIo(): Io {
  return {
    cwd: process.cwd(),
    env: process.env,
    stdout: descriptorOutput(1, 'standard output', () => process.stdout),
    stderr: descriptorOutput(2, 'standard error', () => process.stderr),
  };
}

/**
 * Standard output or error. Node makes `process.stdout` a stream on first use, and making it
 * loads Node's stream modules (for a pipe `net` too, for a terminal `tty`): ~3 ms, of the ~30 a
 * one-file lint adds to node's own start. A file, a pipe, a socket or /dev/null is never a
 * terminal, and there the text is written to the descriptor at once. Unlike Node's stream, which
 * holds what a slow reader has not taken yet in memory, this waits for the reader, as Packer or
 * the AWS CLI do (`amiguard fix --apply | less` goes on as less reads). A terminal, or anything
 * not known, gets Node's stream.
 */
export function descriptorOutput(fd: number, name: string, stream: () => NodeJS.WriteStream): Output {
  let direct: boolean | undefined;
  let closed = false;
  let lost: string | undefined;
  const isDirect = (): boolean => (direct ??= neverATerminal(fd));
  return {
    write(text) {
      if (closed) return;
      if (!isDirect()) {
        stream().write(text);
        return;
      }
      const bytes = Buffer.from(text, 'utf8');
      for (let offset = 0; offset < bytes.length; ) {
        try {
          offset += writeSync(fd, bytes, offset);
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code;
          // The reader is gone (`amiguard ... | head`): the run goes on to its end without output,
          // as it does when Node's stream meets the same (bin/amiguard.cjs).
          if (code === 'EPIPE') {
            closed = true;
            return;
          }
          // A pipe its other end made non-blocking, and full: Node's stream waits for it, and
          // everything after goes through the stream too, in order.
          if (code === 'EAGAIN') {
            direct = false;
            stream().write(bytes.subarray(offset));
            return;
          }
          // Anything else (a full disk): a fix or an undo is not cut off half-way by it either.
          lost = `cannot write to ${name}: ${describeFileError(error)}`;
          closed = true;
          return;
        }
      }
    },
    get isTTY() {
      return isDirect() ? false : stream().isTTY === true;
    },
    get lost() {
      return lost;
    },
  };
}

/** Whether the descriptor is a file, a pipe, a socket or /dev/null (a character device, as a terminal is, told apart by its device number). */
function neverATerminal(fd: number): boolean {
  try {
    const stat = fstatSync(fd);
    if (stat.isFile() || stat.isFIFO() || stat.isSocket()) return true;
    return stat.isCharacterDevice() && stat.rdev === statSync('/dev/null').rdev;
  } catch {
    return false;
  }
}

/** Colours only on a terminal, never with NO_COLOR (https://no-color.org), forced by FORCE_COLOR. */
export function useColor(output: Output, env: Io['env'], flag: boolean | undefined): boolean {
  if (flag !== undefined) return flag;
  if (env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '') return false;
  if (env['FORCE_COLOR'] !== undefined && env['FORCE_COLOR'] !== '0') return true;
  return output.isTTY;
}

/**
 * The same Io, with control characters escaped in everything written except line breaks and
 * tabs: for commands whose lines mix AWS's and the user's values (names, ids, AWS messages) with
 * our own words, and write no colours.
 */
export function escapingIo(io: Io, format?: string): Io {
  // In JSON a `\x9b` would be an invalid escape: there, the same characters become `\u009b`,
  // which a JSON reader decodes back to the value AWS gave.
  const shown = format === 'json' ? jsonPrintable : printable;
  const escape = (text: string): string => text.split(/(\n|\t)/).map((part) => (part === '\n' || part === '\t' ? part : shown(part))).join('');
  return {
    ...io,
    stdout: { write: (text) => io.stdout.write(escape(text)), isTTY: io.stdout.isTTY },
    stderr: { write: (text) => io.stderr.write(escape(text)), isTTY: io.stderr.isTTY },
  };
}

/** Writes `--output FILE` (relative to the working folder); a failure is one clear line, exit 2. */
export function writeOutputFile(io: Io, output: string, text: string): void {
  try {
    writeFileSync(resolve(io.cwd, output), text);
  } catch (error) {
    throw new InputError(`cannot write ${output}: ${describeFileError(error)}`, { hint: 'check that the folder exists and can be written' });
  }
}
