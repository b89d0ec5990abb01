/**
 * The key that signs journal records (HMAC-SHA256), so that undo acts only on records amiguard
 * itself wrote: an edited or hand-written journal would otherwise let undo grant any account or
 * make anything public (issue 7). The key lives outside the journal, in a per-user state folder
 * (0700) as a 0600 file; AMIGUARD_STATE_DIR overrides the folder (tests, CI, several users).
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { AmiguardError } from '../core/index.js';

export const STATE_DIR_ENV = 'AMIGUARD_STATE_DIR';
const KEY_FILE = 'journal.key';
const KEY_BYTES = 32;

/** `$AMIGUARD_STATE_DIR`, else `$XDG_STATE_HOME/amiguard`, else `~/.local/state/amiguard`. */
export function stateDirFrom(env: Readonly<Record<string, string | undefined>>): string {
  const explicit = env[STATE_DIR_ENV];
  if (explicit !== undefined && explicit !== '') return explicit;
  const xdg = env['XDG_STATE_HOME'];
  return join(xdg !== undefined && xdg !== '' ? xdg : join(homedir(), '.local', 'state'), 'amiguard');
}

export class JournalKey {
  private constructor(
    private readonly key: Buffer,
    readonly path: string,
  ) {}

  /** The hex HMAC of a record's text. */
  sign(text: string): string {
    return createHmac('sha256', this.key).update(text).digest('hex');
  }

  verify(text: string, mac: string): boolean {
    const expected = Buffer.from(this.sign(text), 'hex');
    const given = Buffer.from(mac, 'hex');
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  /** The key of this user, or undefined when none was ever made (no journal written yet). */
  static find(stateDir: string): JournalKey | undefined {
    const path = join(stateDir, KEY_FILE);
    const stats = statSync(path, { throwIfNoEntry: false });
    if (stats === undefined) return undefined;
    if (!stats.isFile()) throw keyError(path, 'it is not a regular file');
    // Like ssh with its private keys: a key others can read proves nothing about who wrote a record.
    if (process.platform !== 'win32' && (stats.mode & 0o077) !== 0) {
      throw keyError(path, `others can read or change it (mode ${(stats.mode & 0o777).toString(8)})`, `chmod 600 ${path}`);
    }
    const key = readFileSync(path);
    if (key.length !== KEY_BYTES) throw keyError(path, `it holds ${key.length} bytes, not ${KEY_BYTES}`);
    return new JournalKey(key, path);
  }

  /** The key of this user, made (0600, in a 0700 folder) on first use. */
  static findOrCreate(stateDir: string): JournalKey {
    const found = JournalKey.find(stateDir);
    if (found !== undefined) return found;
    const path = join(stateDir, KEY_FILE);
    let fd: number;
    try {
      mkdirSync(stateDir, { recursive: true, mode: 0o700 });
      fd = openSync(path, 'wx', 0o600);
    } catch (error) {
      // Another run made it first: use theirs.
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return JournalKey.findOrCreate(stateDir);
      throw keyError(path, `it cannot be created: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, `set ${STATE_DIR_ENV} to a folder you can write to`);
    }
    try {
      const key = randomBytes(KEY_BYTES);
      writeSync(fd, key);
      return new JournalKey(key, path);
    } finally {
      closeSync(fd);
    }
  }
}

function keyError(path: string, reason: string, hint?: string): AmiguardError {
  return new AmiguardError('CONFIG', `the journal key ${path} cannot be used: ${reason}`, {
    hint: hint ?? `the key signs every journal record so that undo trusts only what amiguard wrote; ${STATE_DIR_ENV} chooses its folder`,
  });
}
