/**
 * The only place the HCL functions touch the file system. Reads are bounded: regular files only
 * (opened non-blocking, so a FIFO cannot hang the read), at most MAX_FUNCTION_FILE_BYTES, and a
 * directory walk visits at most MAX_WALK_ENTRIES entries without following symbolic links to
 * directories.
 */
import { closeSync, constants, fstatSync, openSync, readdirSync, readSync, realpathSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const MAX_FUNCTION_FILE_BYTES = 4 * 1024 * 1024;
export const MAX_WALK_ENTRIES = 10_000;
const MAX_WALK_DEPTH = 32;

export type FileRead =
  | { readonly ok: true; readonly bytes: Buffer }
  | { readonly ok: false; readonly missing: boolean; readonly reason: string };

export function readBoundedFile(absolute: string): FileRead {
  let fd: number;
  try {
    fd = openSync(absolute, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code ?? 'unreadable';
    return { ok: false, missing: code === 'ENOENT' || code === 'ENOTDIR', reason: code };
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) return { ok: false, missing: false, reason: 'not a regular file' };
    if (stats.size > MAX_FUNCTION_FILE_BYTES) return { ok: false, missing: false, reason: `larger than ${MAX_FUNCTION_FILE_BYTES / 1048576} MB` };
    // The size can lie (/proc, a file that grows): read at most one byte past the limit.
    const buffer = Buffer.alloc(Math.min(stats.size, MAX_FUNCTION_FILE_BYTES) + 1);
    let length = 0;
    for (;;) {
      const read = readSync(fd, buffer, length, buffer.length - length, null);
      if (read === 0) break;
      length += read;
      if (length === buffer.length) {
        if (length > MAX_FUNCTION_FILE_BYTES) return { ok: false, missing: false, reason: `larger than ${MAX_FUNCTION_FILE_BYTES / 1048576} MB` };
        break;
      }
    }
    return { ok: true, bytes: buffer.subarray(0, length) };
  } catch (cause) {
    return { ok: false, missing: false, reason: (cause as NodeJS.ErrnoException).code ?? 'unreadable' };
  } finally {
    closeSync(fd);
  }
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
