/**
 * The only place the HCL functions touch the file system. Reads are bounded: regular files only
 * (opened non-blocking, so a FIFO cannot hang the read), at most MAX_FUNCTION_FILE_BYTES, and a
 * directory walk visits at most MAX_WALK_ENTRIES entries without following symbolic links to
 * directories.
 */
import { readdirSync, realpathSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describeFileError, tryReadInputFile } from '../../../core/index.js';

/** How the bounded reader words a missing file. */
const MISSING = describeFileError(Object.assign(new Error('missing'), { code: 'ENOENT' }));

export const MAX_FUNCTION_FILE_BYTES = 4 * 1024 * 1024;
export const MAX_WALK_ENTRIES = 10_000;
const MAX_WALK_DEPTH = 32;

export type FileRead =
  | { readonly ok: true; readonly bytes: Buffer }
  | { readonly ok: false; readonly missing: boolean; readonly reason: string };

export function readBoundedFile(absolute: string): FileRead {
  // amiguard's one bounded reader, with the limit for files a template reads.
  const read = tryReadInputFile(absolute, MAX_FUNCTION_FILE_BYTES);
  if (read.ok) return read;
  return { ok: false, missing: read.reason === MISSING, reason: read.reason };
}

export type FileKind = 'file' | 'missing' | 'other';

export function fileKind(absolute: string): FileKind {
  try {
    return statSync(absolute).isFile() ? 'file' : 'other';
  } catch {
    return 'missing';
  }
}

/** The path with symbolic links resolved, or undefined when it does not exist. */
export function realPath(absolute: string): string | undefined {
  try {
    return realpathSync(absolute);
  } catch {
    return undefined;
  }
}

/**
 * The regular files below `root`, as `/`-separated paths relative to it, in lexical order; or
 * undefined when the tree has more than MAX_WALK_ENTRIES entries or is deeper than allowed.
 */
export function listFiles(root: string): string[] | undefined {
  const files: string[] = [];
  let entries = 0;
  const walk = (folder: string, prefix: string, depth: number): boolean => {
    if (depth > MAX_WALK_DEPTH) return false;
    let names;
    try {
      names = readdirSync(folder, { withFileTypes: true });
    } catch {
      return true;
    }
    for (const entry of names) {
      entries += 1;
      if (entries > MAX_WALK_ENTRIES) return false;
      const relative = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
      if (entry.isDirectory()) {
        if (!walk(join(folder, entry.name), relative, depth + 1)) return false;
      } else if (entry.isFile() || (entry.isSymbolicLink() && fileKind(join(folder, entry.name)) === 'file')) {
        files.push(relative);
      }
    }
    return true;
  };
  if (!walk(root, '', 0)) return undefined;
  return files.sort();
}
