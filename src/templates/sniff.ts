import { closeSync, readSync } from 'node:fs';
import { describeFileError, openRegularFile } from '../core/index.js';

/** Enough to tell a CloudFormation template, a playbook or a script by its first lines. */
export const DEFAULT_HEAD_BYTES = 64 * 1024;

/**
 * The first `maxBytes` of a file as text, for a format's sniff: opened non-blocking, so that a
 * file swapped for a FIFO since the walk saw it cannot hang the run, and anything but a regular
 * file is refused. `binary` when the first 8 KB hold a NUL byte; `{ reason }` when the file
 * cannot be read.
 */
export function readHead(absolute: string, maxBytes = DEFAULT_HEAD_BYTES): { text: string } | 'binary' | { reason: string } {
  const opened = openRegularFile(absolute);
  if ('reason' in opened) return opened;
  const { descriptor } = opened;
  try {
    const buffer = Buffer.allocUnsafe(maxBytes);
    let length = 0;
    while (length < maxBytes) {
      const bytesRead = readSync(descriptor, buffer, length, maxBytes - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    const head = buffer.subarray(0, length);
    if (head.subarray(0, 8192).includes(0)) return 'binary';
    return { text: head.toString('utf8') };
  } catch (error) {
    return { reason: describeFileError(error) };
  } finally {
    closeSync(descriptor);
  }
}
