import { closeSync, readSync } from 'node:fs';
import { describeFileError, MAX_INPUT_BYTES, openRegularFile } from '../../core/index.js';

const CHUNK_BYTES = 65536;
const HEAD_BYTES = 8192;

export interface ScanRule {
  /** Any of these must occur in the file (ASCII). */
  readonly needles: readonly string[];
  /** When set, the file must start with a `#!` line this accepts. */
  readonly shebang?: (line: string) => boolean;
  /** When set, the file must also contain one string of each group (a Concourse pipeline's `path:` and `args:`). */
  readonly also?: readonly (readonly string[])[];
}

/**
 * Whether a file may hold one of the calls: a bounded scan of its bytes, no parse. Opened
 * without blocking and checked to be a regular file, so a FIFO named `deploy.sh` cannot hang
 * the run; binary files (a NUL byte in the first 8 KB) are not scripts; the scan stops at the
 * template size limit, past which the file would not be read anyway.
 */
export function scanFile(absolute: string, rule: ScanRule): boolean | { reason: string } {
  const opened = openRegularFile(absolute);
  if ('reason' in opened) return opened;
  const { descriptor } = opened;
  try {
    const needles = rule.needles.map((needle) => Buffer.from(needle));
    const groups = (rule.also ?? []).map((group) => group.map((needle) => Buffer.from(needle)));
    const overlap = Math.max(...[...needles, ...groups.flat()].map((needle) => needle.length)) - 1;
    const buffer = Buffer.allocUnsafe(CHUNK_BYTES + overlap);
    let kept = 0;
    let found = false;
    const foundGroups = groups.map(() => false);
    for (let position = 0; position < MAX_INPUT_BYTES.template; ) {
      const count = readSync(descriptor, buffer, kept, CHUNK_BYTES, position);
      if (count === 0) break;
      const window = buffer.subarray(0, kept + count);
      if (position === 0) {
        if (window.subarray(0, HEAD_BYTES).includes(0)) return false;
        if (rule.shebang !== undefined && !startsWithShebang(window, rule.shebang)) return false;
      }
      found ||= needles.some((needle) => window.includes(needle));
      groups.forEach((group, index) => {
        foundGroups[index] ||= group.some((needle) => window.includes(needle));
      });
      if (found && foundGroups.every(Boolean)) return true;
      position += count;
      kept = Math.min(overlap, window.length);
      window.copy(buffer, 0, window.length - kept);
    }
    return false;
  } catch (error) {
    return { reason: describeFileError(error) };
  } finally {
    closeSync(descriptor);
  }
}

function startsWithShebang(head: Buffer, accepts: (line: string) => boolean): boolean {
  if (head[0] !== 0x23 || head[1] !== 0x21) return false;
  const end = head.indexOf(0x0a);
  return accepts(head.subarray(2, end === -1 ? Math.min(head.length, 256) : Math.min(end, 256)).toString('utf8').trim());
}

/** `#!/bin/bash`, `#!/usr/bin/env bash -e`, `#!/bin/sh`. */
export function isShellShebang(line: string): boolean {
  return /^(?:\/usr)?(?:\/local)?\/bin\/(?:env\s+(?:-\S+\s+)*)?(?:ba|da|a|k|z)?sh(?:\s|$)/.test(line);
}

export function isPythonShebang(line: string): boolean {
  return /^(?:\/usr)?(?:\/local)?\/bin\/(?:env\s+(?:-\S+\s+)*)?python[0-9.]*(?:\s|$)/.test(line);
}

/** The words a shell script that shares must contain: the sniff and the reader look for them. */
export const SHELL_NEEDLES = ['modify-image-attribute', 'modify-snapshot-attribute'] as const;
/** Image Builder's `create_` / `update_distribution_configuration`, whose `launchPermission` shares. */
export const IMAGE_BUILDER_NEEDLE = 'distribution_configuration';
/** The same for Python: the boto3 and boto calls, and an Image Builder distribution. */
export const PYTHON_NEEDLES = ['modify_image_attribute', 'modify_snapshot_attribute', 'modify_attribute', IMAGE_BUILDER_NEEDLE] as const;
