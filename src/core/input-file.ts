import { closeSync, constants, fstatSync, openSync, readSync, statSync, type Stats } from 'node:fs';
import { InputError } from './errors.js';

/**
 * The one way amiguard reads a file it is given: templates, var-files, the policy, a baseline,
 * a journal, an estate file. Only regular files are read (a FIFO would block forever, `/dev/zero` never
 * ends), and none over the limit of its kind, so that hostile input gives a clear error rather
 * than a hang, a V8 heap crash or a WASM abort in the HCL parser.
 */
export type InputKind = 'template' | 'var-file' | 'policy' | 'baseline' | 'journal' | 'estate' | 'aws-config';

const MIB = 1024 * 1024;

/**
 * Limits per kind, far above any real file: the HCL parser (tree-sitter in WASM) aborts near
 * 60 MB of dense HCL, a var-file or policy is a few kilobytes, and a journal holds a few hundred
 * bytes per changed resource.
 */
export const MAX_INPUT_BYTES: Readonly<Record<InputKind, number>> = {
  template: 16 * MIB,
  'var-file': 4 * MIB,
  policy: 1 * MIB,
  /** A few hundred bytes per recorded finding. */
  baseline: 64 * MIB,
  journal: 64 * MIB,
  estate: 64 * MIB,
  /** The AWS CLI's config and credentials files: a few kilobytes. */
  'aws-config': 1 * MIB,
};

export type InputRead = { readonly ok: true; readonly bytes: Buffer } | { readonly ok: false; readonly reason: string };

const CHUNK_BYTES = 1 * MIB;
/** Never block on open: a FIFO with no writer would otherwise wait forever before fstat can refuse it. */
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOCTTY ?? 0);

/**
 * Reads a regular file of at most `maxBytes`, or says why not (`no such file`, `not a regular
 * file: a FIFO`, `20.0 MB, over the 16 MB limit`). The type is checked before opening and again
 * on the open descriptor, and the read stops past the limit whatever the size claimed, so a file
 * swapped or growing meanwhile is still bounded.
 */
export function tryReadInputFile(path: string, maxBytes: number): InputRead {
  let descriptor: number;
  try {
    const refused = refusal(statSync(path), maxBytes);
    if (refused !== undefined) return { ok: false, reason: refused };
    descriptor = openSync(path, OPEN_FLAGS);
  } catch (error) {
    return { ok: false, reason: describeFileError(error) };
  }
  try {
    const info = fstatSync(descriptor);
    const refused = refusal(info, maxBytes);
    if (refused !== undefined) return { ok: false, reason: refused };
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      // Sized by the file (and one byte more, to see its end): a 1 MB buffer for each small file is mostly garbage.
      const chunk = Buffer.allocUnsafe(Math.min(CHUNK_BYTES, maxBytes + 1 - total, Math.max(info.size - total + 1, 64 * 1024)));
      const count = readSync(descriptor, chunk, 0, chunk.length, null);
      if (count === 0) break;
      chunks.push(chunk.subarray(0, count));
      total += count;
      if (total > maxBytes) return { ok: false, reason: overLimit(total, maxBytes, 'more than') };
    }
    return { ok: true, bytes: Buffer.concat(chunks, total) };
  } catch (error) {
    return { ok: false, reason: describeFileError(error) };
  } finally {
    closeSync(descriptor);
  }
}

/**
 * Opens a regular file for reading without blocking, or says why not (`a FIFO (named pipe)`, a
 * folder, no such file): for the sniffs that read only part of a file, so that a FIFO named like
 * a template cannot hang them either. The caller closes the descriptor.
 */
export function openRegularFile(path: string): { readonly descriptor: number } | { readonly reason: string } {
  let descriptor: number;
  try {
    descriptor = openSync(path, OPEN_FLAGS);
  } catch (error) {
    return { reason: describeFileError(error) };
  }
  try {
    const info = fstatSync(descriptor);
    if (info.isFile()) return { descriptor };
    closeSync(descriptor);
    return { reason: info.isDirectory() ? 'a folder, not a file' : `not a regular file: ${fileType(info)}` };
  } catch (error) {
    closeSync(descriptor);
    return { reason: describeFileError(error) };
  }
}

/** Reads an input file as UTF-8 text, or throws an InputError naming it (`shown`) and the reason. */
export function readInputText(path: string, kind: InputKind, shown: string = path): string {
  const read = tryReadInputFile(path, MAX_INPUT_BYTES[kind]);
  if (!read.ok) {
    throw new InputError(`cannot read ${kind} ${shown}: ${read.reason}`, {
      hint: `amiguard reads only regular files, a ${kind} up to ${megabytes(MAX_INPUT_BYTES[kind])}`,
    });
  }
  return read.bytes.toString('utf8');
}

function refusal(info: Stats, maxBytes: number): string | undefined {
  if (info.isDirectory()) return 'a folder, not a file';
  if (!info.isFile()) return `not a regular file: ${fileType(info)}`;
  if (info.size > maxBytes) return overLimit(info.size, maxBytes, '');
  return undefined;
}

function fileType(info: Stats): string {
  if (info.isFIFO()) return 'a FIFO (named pipe)';
  if (info.isCharacterDevice()) return 'a character device';
  if (info.isBlockDevice()) return 'a block device';
  if (info.isSocket()) return 'a socket';
  return 'not a file';
}

function overLimit(size: number, maxBytes: number, qualifier: string): string {
  // Just past the limit, the size rounds to it: "4.0 MB, over the 4 MB limit" would read wrong.
  if (megabytes(size) === megabytes(maxBytes) || size / MIB < maxBytes / MIB + 0.05) return `more than the ${megabytes(maxBytes)} limit`;
  return `${qualifier === '' ? '' : `${qualifier} `}${megabytes(size)}, over the ${megabytes(maxBytes)} limit`;
}

function megabytes(bytes: number): string {
  const value = bytes / MIB;
  return `${Number.isInteger(value) ? value : value.toFixed(1)} MB`;
}

/** A file system error as a short reason; the errno code when there is no better word. */
export function describeFileError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
    case 'ENOTDIR':
      return 'no such file or folder';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ELOOP':
      return 'too many levels of symbolic links';
    case 'EISDIR':
      return 'a folder, not a file';
    case 'ENOSPC':
      return 'no space left on the device';
    case 'EIO':
      return 'input/output error';
    case undefined:
      return error instanceof Error ? error.message : String(error);
    default:
      return code;
  }
}
