/**
 * The write-ahead journal of `amiguard fix`: JSON lines, one record per line, appended and
 * flushed (fsync) one at a time, so that the prior state of a resource is on disk before the
 * resource is changed. Several runs (fixes and undos) share one file, told apart by run id.
 *
 * A process killed in the middle of a write leaves a torn last line. Readers ignore it (and say
 * so); a writer cuts it off before appending. Such a line was never complete, so no change was
 * made on its account: a `before` record is complete on disk before its change is sent.
 */
import { accessSync, closeSync, constants, fsyncSync, ftruncateSync, openSync, readFileSync, statSync, unlinkSync, writeSync, type Stats } from 'node:fs';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { AmiguardError, granteeKey, type Grantee } from '../core/index.js';
import type { Checkpoints } from './interrupt.js';
import { JournalKey, stateDirFrom } from './journal-key.js';
import type { BlockPublicAccessTarget, ResourceRef, StepCause } from './plan.js';

/** 2: every record signed (`mac`) and numbered within its run (`seq`). */
export const JOURNAL_VERSION = 2;

interface RecordBase {
  readonly v: typeof JOURNAL_VERSION;
  /** The run (one applyPlan or undoJournal call) that wrote the record. */
  readonly run: string;
  /** 0 for the run record, then 1, 2... in the order written: a record removed or moved is seen. */
  readonly seq: number;
  /** ISO 8601 time of writing. */
  readonly at: string;
}

/** The first record of every run. */
export interface RunRecord extends RecordBase {
  readonly type: 'run';
  readonly command: 'apply' | 'undo';
  readonly steps: number;
}

/** Written and flushed before any grant is removed: the exact prior state. */
export interface RemoveGrantsBeforeRecord extends RecordBase {
  readonly type: 'before';
  readonly kind: 'remove-grants';
  readonly step: string;
  readonly account: string;
  readonly region: string;
  readonly resource: ResourceRef;
  /** Every grant the resource had when read. */
  readonly prior: readonly Grantee[];
  /** The grants the plan asked to remove. */
  readonly planned: readonly Grantee[];
  /** planned ∩ prior: what this step removes, and what undo adds back. */
  readonly remove: readonly Grantee[];
  readonly causes: readonly StepCause[];
}

export interface BlockPublicAccessState {
  readonly state: string;
  readonly managedBy: string;
}

export interface BlockPublicAccessBeforeRecord extends RecordBase {
  readonly type: 'before';
  readonly kind: 'enable-block-public-access';
  readonly step: string;
  readonly account: string;
  readonly region: string;
  readonly target: BlockPublicAccessTarget;
  readonly prior: BlockPublicAccessState;
  /** The state the step sets when the prior one is not already a blocking one. */
  readonly set: string;
  readonly causes: readonly StepCause[];
}

export type BeforeRecord = RemoveGrantsBeforeRecord | BlockPublicAccessBeforeRecord;

export type Outcome = 'changed' | 'unchanged' | 'skipped' | 'failed';

export interface RecordedError {
  readonly code: string;
  readonly message: string;
}

/** The outcome of a step, as read back. */
export interface AfterRecord extends RecordBase {
  readonly type: 'after';
  readonly step: string;
  readonly outcome: Outcome;
  /** Grants removed (remove-grants steps). */
  readonly removed?: readonly Grantee[];
  /** The grants read back after the change. */
  readonly current?: readonly Grantee[];
  /** The block public access state read back after the change. */
  readonly state?: string;
  readonly error?: RecordedError;
  /**
   * Set when a later run closes a step that an interrupted run left open (its change sent, its
   * outcome never written): the id of that run. The outcome is what this run read back.
   */
  readonly recovers?: string;
}

export interface UndoGrantsRecord extends RecordBase {
  readonly type: 'undo';
  readonly kind: 'restore-grants';
  readonly step: string;
  readonly account: string;
  readonly region: string;
  readonly resource: ResourceRef;
  readonly outcome: Outcome;
  readonly added: readonly Grantee[];
  readonly current?: readonly Grantee[];
  readonly error?: RecordedError;
}

export interface UndoBlockPublicAccessRecord extends RecordBase {
  readonly type: 'undo';
  readonly kind: 'restore-block-public-access';
  readonly step: string;
  readonly account: string;
  readonly region: string;
  readonly target: BlockPublicAccessTarget;
  readonly outcome: Outcome;
  /** The state found, and the state restored. */
  readonly from?: string;
  readonly to: string;
  readonly reason?: string;
  readonly error?: RecordedError;
}

export type UndoRecord = UndoGrantsRecord | UndoBlockPublicAccessRecord;

export type JournalRecord = RunRecord | BeforeRecord | AfterRecord | UndoRecord;

/** A record without the stamp every record carries. */
export type UnstampedRecord = Unstamped<JournalRecord>;
type Unstamped<T> = T extends JournalRecord ? Omit<T, 'v' | 'run' | 'seq' | 'at'> : never;

export function stampRecord(run: string, seq: number, fields: UnstampedRecord): JournalRecord {
  return { v: JOURNAL_VERSION, run, seq, at: new Date().toISOString(), ...fields };
}

/**
 * Every record starts so (stampRecord puts `v` and `run` first): how a line torn by a kill is told
 * from a line that was never amiguard's.
 */
const RECORD_START = `{"v":${JOURNAL_VERSION},"run":"`;
const MAC = /,"mac":"([0-9a-f]{64})"\}$/;

/** One line: the record's JSON with its HMAC appended as the last field, which covers every byte before it. */
function serializeRecord(record: JournalRecord, key: JournalKey): string {
  const body = JSON.stringify(record);
  return `${body.slice(0, -1)},"mac":"${key.sign(body)}"}\n`;
}

export interface JournalOptions {
  /** Where the journal key is; default: AMIGUARD_STATE_DIR, XDG_STATE_HOME or ~/.local/state. */
  readonly stateDir?: string;
}

function stateDirOf(options: JournalOptions): string {
  return options.stateDir ?? stateDirFrom(process.env);
}

export interface Journal {
  readonly path: string;
  readonly records: readonly JournalRecord[];
  /** A last line cut off by an interrupted write: ignored. */
  readonly truncatedLastLine?: { readonly line: number; readonly offset: number };
}

/**
 * The before records of earlier runs that no after record closes: a run killed between writing
 * a step's prior state and its outcome. Its change may or may not have been sent.
 */
export function openSteps(records: readonly JournalRecord[]): BeforeRecord[] {
  const closed = new Set<string>();
  for (const record of records) {
    if (record.type === 'after') closed.add(`${record.recovers ?? record.run}\u0000${record.step}`);
  }
  return records.filter((record): record is BeforeRecord => record.type === 'before' && !closed.has(`${record.run}\u0000${record.step}`));
}

/** A journal that cannot be read, written or trusted. */
export class JournalError extends AmiguardError {
  constructor(message: string, options: { hint?: string; cause?: unknown } = {}) {
    super('INPUT', message, options);
    this.name = 'JournalError';
  }
}

/**
 * The one place a journal's bytes are read (the seam for a bounded reader of inputs).
 * Regular files only: a journal is never a device, a pipe or a folder.
 */
export function readJournalFile(path: string): Buffer {
  try {
    const stats = statSync(path);
    if (!stats.isFile()) throw new JournalError(`cannot read the journal ${path}: it is not a regular file`);
    return readFileSync(path);
  } catch (error) {
    if (error instanceof JournalError) throw error;
    throw new JournalError(`cannot read the journal ${path}: ${reasonOf(error)}`, { cause: error });
  }
}

/**
 * Reads and verifies a journal: every record must carry a valid HMAC under this user's key and
 * follow the one before it in its run. A torn last line is ignored and reported; anything else
 * wrong is an error naming the line.
 */
export function readJournal(path: string, options: JournalOptions = {}): Journal {
  const bytes = readJournalFile(path);
  const stateDir = stateDirOf(options);
  const key = JournalKey.find(stateDir);
  if (key === undefined && bytes.length > 0) {
    throw new JournalError(`cannot verify the journal ${path}: there is no journal key in ${stateDir}`, {
      hint: 'a journal can only be verified with the key of the user who wrote it (AMIGUARD_STATE_DIR chooses the folder)',
    });
  }
  return parseJournal(path, bytes, key);
}

const TAMPERED = 'the journal was changed by something other than amiguard; undo only trusts records amiguard signed with your journal key';

function parseJournal(path: string, bytes: Buffer, key: JournalKey | undefined): Journal {
  const records: JournalRecord[] = [];
  const nextSeq = new Map<string, number>();
  let offset = 0;
  let line = 0;
  while (offset < bytes.length) {
    line += 1;
    const end = bytes.indexOf(0x0a, offset);
    const last = end === -1;
    const text = bytes.subarray(offset, last ? bytes.length : end).toString('utf8');
    const problem = (message: string, hint = TAMPERED) => new JournalError(`${path}:${line}: ${message}`, { hint });
    const mac = MAC.exec(text);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      // A record is written with its newline in one write: only the last line can be torn, and
      // only into a beginning of a record.
      if (last && isTornRecord(text)) return { path, records, truncatedLastLine: { line, offset } };
      throw problem('not a journal record (not valid JSON)');
    }
    if (isFields(value) && value['v'] !== JOURNAL_VERSION) {
      throw problem(`unsupported journal version ${JSON.stringify(value['v'])} (this amiguard reads version ${JOURNAL_VERSION})`, 'a journal of another amiguard version: undo it with that version');
    }
    if (mac === null || mac[1] === undefined) throw problem('the record has no signature ("mac")');
    const body = `${text.slice(0, mac.index)}}`;
    if (key === undefined || !key.verify(body, mac[1])) throw problem('the record fails its integrity check (edited, or written with another key)');
    let record: JournalRecord;
    try {
      record = validateRecord(JSON.parse(body));
    } catch (error) {
      if (!(error instanceof RecordProblem)) throw error;
      throw problem(error.message);
    }
    const expected = nextSeq.get(record.run) ?? 0;
    if (record.seq !== expected) {
      throw problem(`record ${record.seq} of run ${record.run} where record ${expected} was expected: records were removed or moved`);
    }
    if (expected === 0 && record.type !== 'run') throw problem(`run ${record.run} does not start with its run record`);
    nextSeq.set(record.run, expected + 1);
    records.push(record);
    offset = last ? bytes.length : end + 1;
  }
  return { path, records };
}

function isTornRecord(text: string): boolean {
  return text.startsWith(RECORD_START) || RECORD_START.startsWith(text);
}

class RecordProblem extends Error {}

type Fields = Readonly<Record<string, unknown>>;

function isFields(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(fields: Fields, name: string): string {
  const value = fields[name];
  if (typeof value !== 'string' || value === '') throw new RecordProblem(`"${name}" must be a non-empty string`);
  return value;
}

function optionalText(fields: Fields, name: string): string | undefined {
  return fields[name] === undefined ? undefined : text(fields, name);
}

function oneOf<T extends string>(fields: Fields, name: string, values: readonly T[]): T {
  const value = fields[name];
  const found = values.find((candidate) => candidate === value);
  if (found === undefined) throw new RecordProblem(`"${name}" must be one of ${values.join(', ')}`);
  return found;
}

function count(fields: Fields, name: string): number {
  const value = fields[name];
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) throw new RecordProblem(`"${name}" must be a whole number`);
  return value;
}

function object(fields: Fields, name: string): Fields {
  const value = fields[name];
  if (!isFields(value)) throw new RecordProblem(`"${name}" must be an object`);
  return value;
}

function grantee(value: unknown, where: string): Grantee {
  if (!isFields(value)) throw new RecordProblem(`${where} must be a grantee object`);
  switch (value['kind']) {
    case 'public':
      return { kind: 'public' };
    case 'account':
      return { kind: 'account', id: text(value, 'id') };
    case 'organization':
      return { kind: 'organization', arn: text(value, 'arn') };
    case 'ou':
      return { kind: 'ou', arn: text(value, 'arn') };
    default:
      throw new RecordProblem(`${where} has an unknown grantee kind`);
  }
}

function grantees(fields: Fields, name: string): Grantee[] {
  const value = fields[name];
  if (!Array.isArray(value)) throw new RecordProblem(`"${name}" must be a list of grantees`);
  return value.map((item: unknown, index) => grantee(item, `"${name}"[${index}]`));
}

function optionalGrantees(fields: Fields, name: string): Grantee[] | undefined {
  return fields[name] === undefined ? undefined : grantees(fields, name);
}

function causes(fields: Fields): StepCause[] {
  const value = fields['causes'];
  if (!Array.isArray(value)) throw new RecordProblem('"causes" must be a list');
  return value.map((item: unknown) => {
    if (!isFields(item)) throw new RecordProblem('"causes" must hold objects');
    return { ruleId: text(item, 'ruleId'), fingerprint: text(item, 'fingerprint') };
  });
}

function resourceRef(fields: Fields): ResourceRef {
  const resource = object(fields, 'resource');
  return { kind: oneOf(resource, 'kind', ['image', 'snapshot'] as const), id: text(resource, 'id') };
}

function recordedError(fields: Fields): RecordedError | undefined {
  if (fields['error'] === undefined) return undefined;
  const error = object(fields, 'error');
  return { code: text(error, 'code'), message: text(error, 'message') };
}

const OUTCOMES = ['changed', 'unchanged', 'skipped', 'failed'] as const;
const TARGETS = ['images', 'snapshots'] as const;

/** Spreads only the optional fields that are present (exactOptionalPropertyTypes). */
function present<T extends Record<string, unknown>>(fields: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as { [K in keyof T]?: Exclude<T[K], undefined> };
}

function validateRecord(value: unknown): JournalRecord {
  if (!isFields(value)) throw new RecordProblem('a record must be a JSON object');
  if (value['v'] !== JOURNAL_VERSION) {
    throw new RecordProblem(`unsupported journal version ${JSON.stringify(value['v'])} (this amiguard reads version ${JOURNAL_VERSION})`);
  }
  const base = { v: JOURNAL_VERSION, run: text(value, 'run'), seq: count(value, 'seq'), at: text(value, 'at') } as const;
  const type = oneOf(value, 'type', ['run', 'before', 'after', 'undo'] as const);
  switch (type) {
    case 'run':
      return { ...base, type, command: oneOf(value, 'command', ['apply', 'undo'] as const), steps: count(value, 'steps') };
    case 'before': {
      const kind = oneOf(value, 'kind', ['remove-grants', 'enable-block-public-access'] as const);
      const place = { step: text(value, 'step'), account: text(value, 'account'), region: text(value, 'region') };
      if (kind === 'enable-block-public-access') {
        const prior = object(value, 'prior');
        return {
          ...base, type, kind, ...place, target: oneOf(value, 'target', TARGETS),
          prior: { state: text(prior, 'state'), managedBy: text(prior, 'managedBy') },
          set: text(value, 'set'), causes: causes(value),
        };
      }
      const record: RemoveGrantsBeforeRecord = {
        ...base, type, kind, ...place, resource: resourceRef(value),
        prior: grantees(value, 'prior'), planned: grantees(value, 'planned'), remove: grantees(value, 'remove'), causes: causes(value),
      };
      // Undo adds back `remove`: it must be something the resource had and the plan removed.
      const had = new Set(record.prior.map(granteeKey));
      const planned = new Set(record.planned.map(granteeKey));
      if (record.remove.some((item) => !had.has(granteeKey(item)) || !planned.has(granteeKey(item)))) {
        throw new RecordProblem('"remove" lists a grant that is not both in "prior" and in "planned"');
      }
      return record;
    }
    case 'after':
      return {
        ...base, type, step: text(value, 'step'), outcome: oneOf(value, 'outcome', OUTCOMES),
        ...present({
          removed: optionalGrantees(value, 'removed'),
          current: optionalGrantees(value, 'current'),
          state: optionalText(value, 'state'),
          error: recordedError(value),
          recovers: optionalText(value, 'recovers'),
        }),
      };
    case 'undo': {
      const kind = oneOf(value, 'kind', ['restore-grants', 'restore-block-public-access'] as const);
      const common = {
        ...base, type, step: text(value, 'step'), account: text(value, 'account'), region: text(value, 'region'),
        outcome: oneOf(value, 'outcome', OUTCOMES),
      };
      if (kind === 'restore-grants') {
        return {
          ...common, kind, resource: resourceRef(value), added: grantees(value, 'added'),
          ...present({ current: optionalGrantees(value, 'current'), error: recordedError(value) }),
        };
      }
      return {
        ...common, kind, target: oneOf(value, 'target', TARGETS), to: text(value, 'to'),
        ...present({ from: optionalText(value, 'from'), reason: optionalText(value, 'reason'), error: recordedError(value) }),
      };
    }
  }
}

function reasonOf(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'code' in error) {
    switch ((error as { code: unknown }).code) {
      case 'ENOENT':
        return 'no such file or folder';
      case 'EACCES':
      case 'EPERM':
        return 'permission denied';
      case 'EISDIR':
        return 'it is a folder';
      case 'ENOTDIR':
        return 'a part of the path is not a folder';
      case 'ENOSPC':
        return 'no space left on the device';
      case 'EROFS':
        return 'read-only file system';
    }
  }
  return error instanceof Error ? error.message : String(error);
}

const WRITE_HINT = 'pass a journal path in a folder that exists and that you can write to';

/** For a dry run: fails as a real run would, without creating or changing the file. */
export function checkJournalWritable(path: string, options: JournalOptions = {}): void {
  let exists: boolean;
  try {
    const stats = statSync(path, { throwIfNoEntry: false });
    exists = stats !== undefined;
    if (stats?.isDirectory() === true) throw new JournalError(`cannot write the journal ${path}: it is a folder`, { hint: WRITE_HINT });
    if (stats !== undefined && !stats.isFile()) throw new JournalError(`cannot write the journal ${path}: it is not a regular file`, { hint: WRITE_HINT });
    if (!exists && !statSync(dirname(path)).isDirectory()) {
      throw new JournalError(`cannot write the journal ${path}: a part of the path is not a folder`, { hint: WRITE_HINT });
    }
    accessSync(exists ? path : dirname(path), constants.W_OK);
  } catch (error) {
    if (error instanceof JournalError) throw error;
    throw new JournalError(`cannot write the journal ${path}: ${reasonOf(error)}`, { hint: WRITE_HINT, cause: error });
  }
  if (exists) readJournal(path, options);
}

/**
 * One run at a time per journal: `<journal>.lock`, made with O_EXCL, holding the pid and host.
 * A lock left by a killed process (its pid gone, on this host) is taken over; any other lock
 * stops the run before it reads or writes the journal.
 */
class JournalLock {
  private constructor(private readonly path: string) {}

  static acquire(journalPath: string): JournalLock {
    const path = `${journalPath}.lock`;
    for (let attempt = 0; attempt < 2; attempt += 1) {
      try {
        const fd = openSync(path, 'wx', 0o600);
        try {
          writeAll(fd, Buffer.from(`${process.pid} ${hostname()} ${new Date().toISOString()}\n`));
        } finally {
          closeSync(fd);
        }
        return new JournalLock(path);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
          throw new JournalError(`cannot lock the journal ${journalPath}: ${reasonOf(error)}`, { hint: WRITE_HINT, cause: error });
        }
      }
      const holder = readLock(path);
      if (attempt === 0 && holder !== undefined && holder.host === hostname() && !isAlive(holder.pid)) {
        unlinkSync(path);
        continue;
      }
      const who = holder === undefined ? 'another amiguard run' : `another amiguard run (pid ${holder.pid} on ${holder.host}, since ${holder.since})`;
      throw new JournalError(`the journal ${journalPath} is in use by ${who}: two runs on one journal are not allowed`, {
        hint: `wait for that run to end; if no amiguard is running on it, remove ${path}`,
      });
    }
    throw new JournalError(`cannot lock the journal ${journalPath}: ${path} keeps coming back`, { hint: `remove ${path} if no amiguard is running` });
  }

  release(): void {
    try {
      unlinkSync(this.path);
    } catch {
      // Already gone: nothing to release.
    }
  }
}

function readLock(path: string): { pid: number; host: string; since: string } | undefined {
  try {
    const [pid, host, since] = readFileSync(path, 'utf8').trim().split(' ');
    const number = Number(pid);
    return Number.isInteger(number) && number > 0 && host !== undefined ? { pid: number, host, since: since ?? 'an unknown time' } : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Appends one run's records, one line at a time, each signed, numbered and flushed to disk
 * before write returns. Holds the journal's lock until closed.
 */
export class JournalWriter {
  private seq = 0;

  private constructor(
    private readonly path: string,
    private readonly fd: number,
    private readonly lock: JournalLock,
    private readonly key: JournalKey,
    private readonly checkpoints: Checkpoints,
    readonly runId: string,
    /** What the journal held when opened (earlier runs), verified. */
    readonly existing: readonly JournalRecord[],
    /** The line number of a torn last line that was cut off before appending. */
    readonly repairedLine: number | undefined,
  ) {}

  /**
   * Opens (or creates) the journal for appending, after taking its lock and verifying that what
   * is there is a journal of amiguard's: any other file is left exactly as it is.
   */
  static open(path: string, runId: string, checkpoints: Checkpoints, options: JournalOptions & { readonly mustExist?: boolean } = {}): JournalWriter {
    let stats: Stats | undefined;
    try {
      stats = statSync(path, { throwIfNoEntry: false });
    } catch (error) {
      throw new JournalError(`cannot write the journal ${path}: ${reasonOf(error)}`, { hint: WRITE_HINT, cause: error });
    }
    if (stats === undefined && options.mustExist === true) throw new JournalError(`cannot read the journal ${path}: no such file or folder`);
    if (stats?.isDirectory() === true) throw new JournalError(`cannot write the journal ${path}: it is a folder`, { hint: WRITE_HINT });
    if (stats !== undefined && !stats.isFile()) throw new JournalError(`cannot write the journal ${path}: it is not a regular file`, { hint: WRITE_HINT });
    if (stats === undefined) checkJournalWritable(path, options);
    const key = JournalKey.findOrCreate(stateDirOf(options));
    const lock = JournalLock.acquire(path);
    let fd: number | undefined;
    try {
      // Verified before the file is opened for writing: a file that is not a journal is never touched.
      const existed = stats !== undefined;
      const bytes = existed ? readJournalFile(path) : Buffer.alloc(0);
      const journal = parseJournal(path, bytes, key);
      fd = openSync(path, 'a', 0o600);
      if (!existed) syncFolder(path);
      const torn = journal.truncatedLastLine;
      if (torn !== undefined) {
        ftruncateSync(fd, torn.offset);
        fsyncSync(fd);
      } else if (bytes.length > 0 && bytes[bytes.length - 1] !== 0x0a) {
        // A complete last record whose newline was not written: end its line first.
        writeAll(fd, Buffer.from('\n'));
        fsyncSync(fd);
      }
      return new JournalWriter(path, fd, lock, key, checkpoints, runId, journal.records, torn?.line);
    } catch (error) {
      if (fd !== undefined) closeSync(fd);
      lock.release();
      if (error instanceof JournalError) throw error;
      throw new JournalError(`cannot write the journal ${path}: ${reasonOf(error)}`, { hint: WRITE_HINT, cause: error });
    }
  }

  /** Stamps the record with this run, its sequence number and the time, signs it, and flushes it. */
  write(fields: UnstampedRecord): void {
    const line = Buffer.from(serializeRecord(stampRecord(this.runId, this.seq, fields), this.key));
    this.checkpoints.pass(() => {
      writeAll(this.fd, line.subarray(0, Math.floor(line.length / 2)));
      fsyncSync(this.fd);
    });
    try {
      writeAll(this.fd, line);
      fsyncSync(this.fd);
    } catch (error) {
      throw new JournalError(`cannot write the journal ${this.path}: ${reasonOf(error)}; stopped before changing anything more`, {
        cause: error,
      });
    }
    this.seq += 1;
  }

  close(): void {
    closeSync(this.fd);
    this.lock.release();
  }
}

function writeAll(fd: number, bytes: Buffer): void {
  let written = 0;
  while (written < bytes.length) written += writeSync(fd, bytes, written);
}

/** A new file's name is durable only once its folder is flushed too. */
function syncFolder(path: string): void {
  let folder: number | undefined;
  try {
    folder = openSync(dirname(path), 'r');
    fsyncSync(folder);
  } catch {
    // Some platforms cannot fsync a folder; the records themselves are still flushed.
  } finally {
    if (folder !== undefined) closeSync(folder);
  }
}
