/**
 * Undo: put back what the journal says fixes removed. It only adds grants (adding one that is
 * there changes nothing, so undo can run any number of times) and only turns block public
 * access back off where a fix turned it on. It never removes a grant.
 */
import { randomUUID } from 'node:crypto';
import { AmiguardError, difference, intersection, type Grantee } from '../core/index.js';
import type { AwsSession } from '../aws/session.js';
import { Checkpoints, type InterruptOptions } from './interrupt.js';
import {
  checkJournalWritable,
  JournalWriter,
  readJournal,
  stampRecord,
  type BlockPublicAccessBeforeRecord,
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

export interface UndoOptions extends InterruptOptions {
  readonly sessionFor: (account: string) => Promise<AwsSession>;
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
}

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
  const read = readJournal(journalPath);
  const settings = settingsToRestore(read.records);
  const grants = grantsToRestore(read.records);
  const checkpoints = new Checkpoints(options);
  if (dryRun) checkJournalWritable(journalPath);
  const journal = dryRun ? undefined : JournalWriter.open(journalPath, checkpoints);
  const run: Run = { id: randomUUID(), aws: new AwsCalls(options.sessionFor, checkpoints, 'undo', dryRun), journal, turnedOff: new Set() };
  const results: UndoStepResult[] = [];
  const total = settings.length + grants.length;
  try {
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
  } finally {
    journal?.close();
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
    ...(read.truncatedLastLine === undefined ? {} : { truncatedJournalLine: read.truncatedLastLine.line }),
  };
}

/** Every grant any fix removed (planned ∩ prior), across all runs, per resource. */
function grantsToRestore(records: readonly JournalRecord[]): GrantsToRestore[] {
  const targets = new Map<string, GrantsToRestore>();
  for (const before of records) {
    if (before.type !== 'before' || before.kind !== 'remove-grants' || before.remove.length === 0) continue;
    const key = resourceStepKey(before.account, before.region, before.resource);
    const target = targets.get(key) ?? { key, account: before.account, region: before.region, resource: before.resource, grantees: [] };
    target.grantees.push(...before.remove);
    targets.set(key, target);
  }
  return [...targets.values()]
    .map((target) => ({ ...target, grantees: sortGrantees(target.grantees) }))
    .sort(compareByPlace((target) => (target.resource.kind === 'image' ? 0 : 1)));
}

/**
 * Per setting, the first record of a fix that found it off: the state before any fix touched it.
 * Records that found it already on changed nothing.
 */
function settingsToRestore(records: readonly JournalRecord[]): BlockPublicAccessBeforeRecord[] {
  const first = new Map<string, BlockPublicAccessBeforeRecord>();
  for (const before of records) {
    if (before.type !== 'before' || before.kind !== 'enable-block-public-access') continue;
    if (isBlocking(before.prior.state) || before.prior.managedBy === 'declarative-policy') continue;
    const key = blockPublicAccessStepKey(before.account, before.region, before.target);
    if (!first.has(key)) first.set(key, before);
  }
  return [...first.entries()]
    .map(([key, before]) => ({ key, account: before.account, region: before.region, before }))
    .sort(compareByPlace(({ before }) => (before.target === 'images' ? 0 : 1)))
    .map(({ before }) => before);
}

function record(run: Run, fields: UnstampedRecord): void {
  run.journal?.append(stampRecord(run.id, fields));
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
