/**
 * Undo: put back what the journal records fixes as having removed. It trusts only a verified
 * journal (every record signed with the user's journal key), restores only grants a completed
 * step recorded as removed and that are still missing, makes nothing public again without the
 * same consent as make-public, and only turns block public access back off where a fix turned
 * it on. It only adds grants (adding one that is there changes nothing, so undo can run any
 * number of times); it never removes one.
 */
import { randomUUID } from 'node:crypto';
import { AmiguardError, difference, intersection, type Grantee } from '../core/index.js';
import type { AwsSession } from '../aws/session.js';
import { Checkpoints, type InterruptOptions } from './interrupt.js';
import {
  checkJournalWritable,
  JournalWriter,
  openSteps,
  readJournal,
  type AfterRecord,
  type BlockPublicAccessBeforeRecord,
  type JournalOptions,
  type JournalRecord,
  type UnstampedRecord,
} from './journal.js';
import { blockPublicAccessStepKey, compareByPlace, resourceStepKey, type BlockPublicAccessTarget, type ResourceRef } from './plan.js';
import {
  AwsCalls,
  BLOCKING_STATE,
  isBlocking,
  isStepFailure,
  recordedError,
  sortGrantees,
  UNBLOCKED,
} from './resources.js';

export interface UndoOptions extends InterruptOptions, JournalOptions {
  readonly sessionFor: (account: string) => Promise<AwsSession>;
  /**
   * The same consent as make-public: without it, undo refuses (before changing anything) when it
   * would make an AMI or snapshot public again.
   */
  readonly allowPublic?: boolean;
  /** Read everything and send every change with DryRun: nothing changes and the journal is not written. */
  readonly dryRun?: boolean;
  readonly onStep?: (event: UndoEvent) => void;
}

export type UndoEvent =
  | { readonly type: 'step-start'; readonly index: number; readonly total: number; readonly key: string }
  | { readonly type: 'step-done'; readonly index: number; readonly total: number; readonly result: UndoStepResult };

/** `skipped`: left alone on purpose (see `reason`); `would-change`: under dryRun. */
export type UndoStatus = 'changed' | 'unchanged' | 'skipped' | 'would-change' | 'failed';

export interface UndoGrantsResult {
  readonly kind: 'restore-grants';
  readonly key: string;
  readonly account: string;
  readonly region: string;
  readonly resource: ResourceRef;
  readonly status: UndoStatus;
  /** Grants added back (or, under dryRun, that would be). */
  readonly restored: readonly Grantee[];
  /** Grants the journal says were removed that are there again already. */
  readonly alreadyThere: readonly Grantee[];
  readonly error?: AmiguardError;
}

export interface UndoBlockPublicAccessResult {
  readonly kind: 'restore-block-public-access';
  readonly key: string;
  readonly account: string;
  readonly region: string;
  readonly target: BlockPublicAccessTarget;
  readonly status: UndoStatus;
  /** The state found, when it could be read. */
  readonly from?: string;
  /** The state before the fix, which undo restores. */
  readonly to: string;
  readonly reason?: string;
  readonly error?: AmiguardError;
}

export type UndoStepResult = UndoGrantsResult | UndoBlockPublicAccessResult;

export interface PlaceRef {
  readonly account: string;
  readonly region: string;
}

export interface UndoResult {
  readonly runId: string;
  readonly journalPath: string;
  readonly dryRun: boolean;
  readonly steps: readonly UndoStepResult[];
  readonly failed: readonly UndoStepResult[];
  /**
   * Resources made public again (or, under dryRun, that would be): they were public before the
   * fix, as the journal shows, so this is the user's own prior state, but the CLI should say so.
   */
  readonly publicRestored: readonly (PlaceRef & { readonly resource: ResourceRef })[];
  /** Where block public access was turned back off (or would be). */
  readonly blockPublicAccessTurnedOff: readonly (PlaceRef & { readonly target: BlockPublicAccessTarget })[];
  /** A torn last line of the journal (an interrupted run), ignored. */
  readonly truncatedJournalLine?: number;
  /**
   * Steps an interrupted fix left without an outcome: whether their change was made is not
   * recorded, so undo leaves them alone (a fix run again with the journal records them).
   */
  readonly openSteps: readonly string[];
}

/** Undo would make these public again, and was not given the consent make-public asks for. */
export class PublicRestoreRefused extends AmiguardError {
  constructor(readonly resources: readonly (PlaceRef & { readonly resource: ResourceRef })[], flag: string) {
    super('USAGE', `refusing to make ${resources.length === 1 ? 'an AMI or snapshot' : `${resources.length} AMIs or snapshots`} public again without --${flag}`, {
      hint: `nothing was changed; they were public before the fix, as the journal shows: if every AWS account should be able to use them again, run undo with --${flag}`,
    });
    this.name = 'PublicRestoreRefused';
  }
}

export const PUBLIC_CONSENT_FLAG = 'i-understand-this-is-public';

interface GrantsToRestore {
  readonly key: string;
  readonly account: string;
  readonly region: string;
  readonly resource: ResourceRef;
  readonly grantees: Grantee[];
}

interface Run {
  readonly id: string;
  readonly aws: AwsCalls;
  readonly journal: JournalWriter | undefined;
  /** Settings this run turns back off (or, under dryRun, would), by blockPublicAccessStepKey. */
  readonly turnedOff: Set<string>;
}

export async function undoJournal(journalPath: string, options: UndoOptions): Promise<UndoResult> {
  const dryRun = options.dryRun === true;
  const journalOptions = options.stateDir === undefined ? {} : { stateDir: options.stateDir };
  const checkpoints = new Checkpoints(options);
  const id = randomUUID();
  // A real run locks the journal first and works from what it verified under the lock.
  const journal = dryRun ? undefined : JournalWriter.open(journalPath, id, checkpoints, { ...journalOptions, mustExist: true });
  const run: Run = { id, aws: new AwsCalls(options.sessionFor, checkpoints, 'undo', dryRun), journal, turnedOff: new Set() };
  const results: UndoStepResult[] = [];
  try {
    let records: readonly JournalRecord[];
    let truncated: number | undefined;
    if (journal === undefined) {
      checkJournalWritable(journalPath, journalOptions);
      const read = readJournal(journalPath, journalOptions);
      records = read.records;
      truncated = read.truncatedLastLine?.line;
    } else {
      records = journal.existing;
      truncated = journal.repairedLine;
    }
    const settings = settingsToRestore(records);
    const grants = grantsToRestore(records);
    if (!dryRun && options.allowPublic !== true) await refuseUnaskedPublic(run, grants);
    const total = settings.length + grants.length;
    record(run, { type: 'run', command: 'undo', steps: total });
    // Settings first: a public grant cannot be added back while block public access is on.
    const work: { readonly key: string; readonly restore: () => Promise<UndoStepResult> }[] = [
      ...settings.map((before) => ({
        key: blockPublicAccessStepKey(before.account, before.region, before.target),
        restore: () => restoreSetting(run, before),
      })),
      ...grants.map((target) => ({ key: target.key, restore: () => restoreGrants(run, target) })),
    ];
    for (const [index, { key, restore }] of work.entries()) {
      options.onStep?.({ type: 'step-start', index, total, key });
      const result = await restore();
      results.push(result);
      options.onStep?.({ type: 'step-done', index, total, result });
    }
    const done = (status: UndoStatus) => status === 'changed' || status === 'would-change';
    return {
      runId: run.id,
      journalPath,
      dryRun,
      steps: results,
      failed: results.filter((result) => result.status === 'failed'),
      publicRestored: results.flatMap((result) =>
        result.kind === 'restore-grants' && done(result.status) && result.restored.some((grantee) => grantee.kind === 'public')
          ? [{ account: result.account, region: result.region, resource: result.resource }]
          : [],
      ),
      blockPublicAccessTurnedOff: results.flatMap((result) =>
        result.kind === 'restore-block-public-access' && done(result.status)
          ? [{ account: result.account, region: result.region, target: result.target }]
          : [],
      ),
      openSteps: openSteps(records).map((before) => before.step),
      ...(truncated === undefined ? {} : { truncatedJournalLine: truncated }),
    };
  } finally {
    journal?.close();
  }
}

/** Reads the resources undo would make public again; refuses, before any change, if there are any. */
async function refuseUnaskedPublic(run: Run, grants: readonly GrantsToRestore[]): Promise<void> {
  const exposed: (PlaceRef & { resource: ResourceRef })[] = [];
  for (const target of grants) {
    if (!target.grantees.some((grantee) => grantee.kind === 'public')) continue;
    const ec2 = await run.aws.ec2(target.account, target.region);
    const current = await run.aws.readGrants(ec2, target.region, target.resource);
    if (!current.some((grantee) => grantee.kind === 'public')) exposed.push({ account: target.account, region: target.region, resource: target.resource });
  }
  if (exposed.length > 0) throw new PublicRestoreRefused(exposed, PUBLIC_CONSENT_FLAG);
}

/** The after record that closes a before record: written by its run, or by a later run that recovered it. */
function outcomes(records: readonly JournalRecord[]): Map<string, AfterRecord> {
  const closing = new Map<string, AfterRecord>();
  for (const record of records) {
    if (record.type !== 'after') continue;
    const key = `${record.recovers ?? record.run}\u0000${record.step}`;
    if (!closing.has(key)) closing.set(key, record);
  }
  return closing;
}

/**
 * Every grant a completed step of any fix recorded as removed (its after record's `removed`,
 * read back; never the plan's intent alone), across all runs, per resource.
 */
function grantsToRestore(records: readonly JournalRecord[]): GrantsToRestore[] {
  const closing = outcomes(records);
  const targets = new Map<string, GrantsToRestore>();
  for (const before of records) {
    if (before.type !== 'before' || before.kind !== 'remove-grants') continue;
    const removed = intersection(closing.get(`${before.run}\u0000${before.step}`)?.removed ?? [], before.remove);
    if (removed.length === 0) continue;
    const key = resourceStepKey(before.account, before.region, before.resource);
    const target = targets.get(key) ?? { key, account: before.account, region: before.region, resource: before.resource, grantees: [] };
    target.grantees.push(...removed);
    targets.set(key, target);
  }
  return [...targets.values()]
    .map((target) => ({ ...target, grantees: sortGrantees(target.grantees) }))
    .sort(compareByPlace((target) => (target.resource.kind === 'image' ? 0 : 1)));
}

/**
 * Per setting, the first completed step of a fix that found it off and turned it on: the state
 * before any fix touched it. Steps that found it already on, or failed, changed nothing.
 */
function settingsToRestore(records: readonly JournalRecord[]): BlockPublicAccessBeforeRecord[] {
  const closing = outcomes(records);
  const first = new Map<string, BlockPublicAccessBeforeRecord>();
  for (const before of records) {
    if (before.type !== 'before' || before.kind !== 'enable-block-public-access') continue;
    if (isBlocking(before.prior.state) || before.prior.managedBy === 'declarative-policy') continue;
    if (closing.get(`${before.run}\u0000${before.step}`)?.outcome !== 'changed') continue;
    const key = blockPublicAccessStepKey(before.account, before.region, before.target);
    if (!first.has(key)) first.set(key, before);
  }
  return [...first.entries()]
    .map(([key, before]) => ({ key, account: before.account, region: before.region, before }))
    .sort(compareByPlace(({ before }) => (before.target === 'images' ? 0 : 1)))
    .map(({ before }) => before);
}

function record(run: Run, fields: UnstampedRecord): void {
  run.journal?.write(fields);
}

async function restoreGrants(run: Run, target: GrantsToRestore): Promise<UndoGrantsResult> {
  const { aws } = run;
  const base = { kind: 'restore-grants', key: target.key, account: target.account, region: target.region, resource: target.resource } as const;
  const place = { step: target.key, account: target.account, region: target.region, resource: target.resource };
  try {
    const ec2 = await aws.ec2(target.account, target.region);
    const current = await aws.readGrants(ec2, target.region, target.resource);
    const add = difference(target.grantees, current);
    const alreadyThere = intersection(target.grantees, current);
    if (add.length === 0) {
      record(run, { type: 'undo', kind: 'restore-grants', ...place, outcome: 'unchanged', added: [], current });
      return { ...base, status: 'unchanged', restored: [], alreadyThere };
    }
    if (aws.dryRun) {
      // A dry run left block public access on, so AWS would refuse a public grant it is about to allow.
      const setting = blockPublicAccessStepKey(target.account, target.region, target.resource.kind === 'image' ? 'images' : 'snapshots');
      const checked = run.turnedOff.has(setting) ? add.filter((grantee) => grantee.kind !== 'public') : add;
      if (checked.length > 0) await aws.changeGrants(ec2, target.region, target.resource, { add: checked });
      return { ...base, status: 'would-change', restored: add, alreadyThere };
    }
    await aws.changeGrants(ec2, target.region, target.resource, { add });
    const after = await aws.readGrants(ec2, target.region, target.resource);
    const missing = difference(add, after);
    if (missing.length > 0) {
      const error = new AmiguardError('AWS', `${target.resource.id} in ${target.region} lacks ${missing.length} of the restored grants when read back`, {
        hint: 'run undo again',
      });
      const restored = intersection(add, after);
      record(run, { type: 'undo', kind: 'restore-grants', ...place, outcome: 'failed', added: restored, current: after, error: recordedError(error) });
      return { ...base, status: 'failed', restored, alreadyThere, error };
    }
    record(run, { type: 'undo', kind: 'restore-grants', ...place, outcome: 'changed', added: add, current: after });
    return { ...base, status: 'changed', restored: add, alreadyThere };
  } catch (error) {
    if (!isStepFailure(error)) throw error;
    record(run, { type: 'undo', kind: 'restore-grants', ...place, outcome: 'failed', added: [], error: recordedError(error) });
    return { ...base, status: 'failed', restored: [], alreadyThere: [], error };
  }
}

async function restoreSetting(run: Run, before: BlockPublicAccessBeforeRecord): Promise<UndoBlockPublicAccessResult> {
  const { aws } = run;
  const to = before.prior.state;
  const key = blockPublicAccessStepKey(before.account, before.region, before.target);
  const base = { kind: 'restore-block-public-access', key, account: before.account, region: before.region, target: before.target, to } as const;
  const place = { step: key, account: before.account, region: before.region, target: before.target, to };
  try {
    if (to !== UNBLOCKED) {
      // Only `unblocked` is a state a fix moves away from that undo can set again.
      const reason = `the state before the fix was "${to}", which undo cannot set`;
      record(run, { type: 'undo', kind: 'restore-block-public-access', ...place, outcome: 'skipped', reason });
      return { ...base, status: 'skipped', reason };
    }
    const ec2 = await aws.ec2(before.account, before.region);
    const current = await aws.readBlockPublicAccess(ec2, before.region, before.target);
    if (current.state === to) {
      record(run, { type: 'undo', kind: 'restore-block-public-access', ...place, outcome: 'unchanged', from: current.state });
      return { ...base, status: 'unchanged', from: current.state };
    }
    if (current.state !== BLOCKING_STATE) {
      // Someone chose another state since the fix: theirs is the newer decision.
      const reason = `the state is now "${current.state}", not the "${BLOCKING_STATE}" the fix set: left as it is`;
      record(run, { type: 'undo', kind: 'restore-block-public-access', ...place, outcome: 'skipped', from: current.state, reason });
      return { ...base, status: 'skipped', from: current.state, reason };
    }
    // No read-back: for AMIs, AWS goes on reading the old state for up to 10 minutes after the change.
    await aws.setBlockPublicAccess(ec2, before.region, before.target, false);
    run.turnedOff.add(key);
    if (aws.dryRun) return { ...base, status: 'would-change', from: current.state };
    record(run, { type: 'undo', kind: 'restore-block-public-access', ...place, outcome: 'changed', from: current.state });
    return { ...base, status: 'changed', from: current.state };
  } catch (error) {
    if (!isStepFailure(error)) throw error;
    record(run, { type: 'undo', kind: 'restore-block-public-access', ...place, outcome: 'failed', error: recordedError(error) });
    return { ...base, status: 'failed', error };
  }
}
