/**
 * The output flags every command takes, parsed and applied in one place, so that `-f`, `-o`,
 * `-q` and `--color` mean the same on `lint` as on `undo`.
 */
import { choice, type ParsedArgs } from './args.js';
import { useColor, writeOutputFile, type Io, type Output } from './io.js';

export const OUTPUT_OPTIONS = {
  format: { type: 'string', short: 'f' },
  output: { type: 'string', short: 'o' },
  quiet: { type: 'boolean', short: 'q' },
  color: { type: 'boolean' },
  'no-color': { type: 'boolean' },
} as const;

/** The help lines for OUTPUT_OPTIONS; `formats` says what --format takes, `quiet` what -q keeps. */
export function outputHelp(formats: string, quiet = 'no report on standard output in text format; errors still go to\n                       standard error and the exit code says how it went'): string {
  return `  -f, --format FORMAT  ${formats}
  -o, --output FILE    write the output to FILE instead of standard output
  -q, --quiet          ${quiet}
  --color, --no-color  force colours on or off (default: on a terminal, off with NO_COLOR)`;
}

export interface OutputChoice<F extends string> {
  readonly format: F;
  /** `--output FILE`, relative to the working folder. */
  readonly file: string | undefined;
  readonly quiet: boolean;
  /** `--color` / `--no-color`; undefined lets the terminal and NO_COLOR decide. */
  readonly colorFlag: boolean | undefined;
}

export function outputFrom<F extends string>(parsed: ParsedArgs, formats: readonly F[], fallback: F): OutputChoice<F> {
  const output = parsed.values['output'];
  return {
    format: choice('format', parsed.values['format'], formats, fallback),
    file: typeof output === 'string' ? output : undefined,
    quiet: parsed.values['quiet'] === true,
    colorFlag: parsed.values['no-color'] === true ? false : parsed.values['color'] === true ? true : undefined,
  };
}

/** Whether a report should carry colours: text to a terminal (or forced), never to a file. */
export function colorFor(io: Io, choice: OutputChoice<string>): boolean {
  return choice.file === undefined && choice.format === 'text' && useColor(io.stdout, io.env, choice.colorFlag);
}

export interface ReportSink {
  /** The command's Io, its stdout pointed at the report's destination. */
  readonly io: Io;
  /**
   * Writes the file for --output. After a failure (`onlyIfWritten`), only when the command
   * wrote something: what was done stays on record, and a refused command leaves no empty file.
   */
  close(onlyIfWritten?: boolean): void;
}

/**
 * Where a command's report goes: standard output, or (--output) a buffer written to the file on
 * close. With --quiet, a text report goes nowhere; json and the other formats were asked for
 * by name and are still written.
 */
export function reportSink(io: Io, choice: OutputChoice<string>): ReportSink {
  if (choice.quiet && choice.format === 'text') return { io: { ...io, stdout: { write: () => undefined, isTTY: false } }, close: () => undefined };
  const { file } = choice;
  if (file === undefined) return { io, close: () => undefined };
  let text = '';
  const stdout: Output = { write: (chunk) => void (text += chunk), isTTY: false };
  let closed = false;
  return {
    io: { ...io, stdout },
    close: (onlyIfWritten = false) => {
      if (closed || (onlyIfWritten && text === '')) return;
      closed = true;
      writeOutputFile(io, file, text);
    },
  };
}

/** Runs `body` with the report going where --output/--quiet say; the file is written however it ends. */
export async function withReport<T>(io: Io, choice: OutputChoice<string>, body: (io: Io) => Promise<T>): Promise<T> {
  const sink = reportSink(io, choice);
  let result: T;
  try {
    result = await body(sink.io);
  } catch (error) {
    try {
      sink.close(true);
    } catch {
      // The command's own failure is the one to report.
    }
    throw error;
  }
  sink.close();
  return result;
}
