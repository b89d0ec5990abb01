/** Values from templates, policies and AWS reach the terminal only through this (control characters escaped). */
export { printable } from '../report/printable.js';
import { writeFileSync } from 'node:fs';
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
}

export function processIo(): Io {
  return {
    cwd: process.cwd(),
    env: process.env,
    stdout: { write: (text) => process.stdout.write(text), isTTY: process.stdout.isTTY === true },
    stderr: { write: (text) => process.stderr.write(text), isTTY: process.stderr.isTTY === true },
  };
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
