/**
 * Carries out a plan, one step at a time: read the resource, write its prior state to the
 * journal and flush it, remove only what is planned and still there, read back, record the
 * outcome. A step that fails is recorded and the run goes on. A run stopped anywhere can be
 * re-run from a fresh plan with the same journal: it converges, and undo still knows everything.
 */
import { randomUUID } from 'node:crypto';
import { AmiguardError, type Grantee } from '../core/index.js';
import type { AwsSession } from '../aws/session.js';
import { Checkpoints, type InterruptOptions } from './interrupt.js';
import {
  checkJournalWritable,
  JournalWriter,
  type AfterRecord,
  openSteps,
  type BeforeRecord,
  type JournalOptions,
  type UnstampedRecord,
} from './journal.js';
import type { EnableBlockPublicAccessStep, Plan, PlanStep, RemoveGrantsStep } from './plan.js';
import { difference, intersection } from '../core/index.js';
import { AwsCalls, BLOCKING_STATE, isBlocking, isStepFailure, recordedError } from './resources.js';

export interface ApplyOptions extends InterruptOptions, JournalOptions {
  /** The session to use for an account (its own credentials, or an assumed role). */
  readonly sessionFor: (account: string) => Promise<AwsSession>;
  readonly journalPath: string;
  /** Read everything and send every change with DryRun: nothing changes and the journal is not written. */
  readonly dryRun?: boolean;
  readonly onStep?: (event: ApplyEvent) => void;
}

export type ApplyEvent =
  | { readonly type: 'step-start'; readonly index: number; readonly total: number; readonly step: PlanStep }
  | { readonly type: 'step-done'; readonly index: number; readonly total: number; readonly result: StepResult };

/** `would-change`: under dryRun, AWS said the change would succeed. */
export type StepStatus = 'changed' | 'unchanged' | 'would-change' | 'failed';

export interface StepResult {
  readonly step: PlanStep;
  readonly status: StepStatus;
  /** Grants removed (or, under dryRun, that would be). */
  readonly removed: readonly Grantee[];
  /** Planned removals that were already gone: nothing to do for them. */
  readonly alreadyGone: readonly Grantee[];
  /** Block public access steps: the state read before, and after the change. */
  readonly blockPublicAccess?: {
    readonly before: string;
    readonly after?: string;
    /**
     * Read back not yet blocking: AWS can take up to 10 minutes to apply the AMI setting and reads
     * `unblocked` meanwhile (API reference, EnableImageBlockPublicAccess).
     */
    readonly pending: boolean;
  };
  readonly error?: AmiguardError;
}

export interface ApplyResult {
  readonly runId: string;
  readonly journalPath: string;
  readonly dryRun: boolean;
  readonly steps: readonly StepResult[];
  readonly failed: readonly StepResult[];
  /** The line number of a torn last line (left by an interrupted run) cut off before appending. */
  readonly repairedJournalLine?: number;
  /** Steps an interrupted earlier run left open, whose outcome this run read back and recorded. */
  readonly recovered: readonly RecoveredStep[];
  /** Open steps of earlier runs whose state could not be read: undo leaves them alone until a run records them. */
  readonly unrecovered: readonly { readonly key: string; readonly error: AmiguardError }[];
}

export interface RecoveredStep {
  readonly key: string;
  /** The run that left it open. */
  readonly run: string;
  /** Grants found gone (remove-grants steps), which undo may now restore. */
  readonly removed: readonly Grantee[];
}

interface Run {
  readonly id: string;
  readonly aws: AwsCalls;
  readonly journal: JournalWriter | undefined;
}

export async function applyPlan(plan: Plan, options: ApplyOptions): Promise<ApplyResult> {
  const dryRun = options.dryRun === true;
  const checkpoints = new Checkpoints(options);
  const journalOptions = options.stateDir === undefined ? {} : { stateDir: options.stateDir };
  const id = randomUUID();
  // Before any change: a journal that cannot be written stops the run here.
  if (dryRun) checkJournalWritable(options.journalPath, journalOptions);
  const journal = dryRun ? undefined : JournalWriter.open(options.journalPath, id, checkpoints, journalOptions);
  const run: Run = { id, aws: new AwsCalls(options.sessionFor, checkpoints, 'fix', dryRun), journal };
  const results: StepResult[] = [];
  const recovered: RecoveredStep[] = [];
  const unrecovered: { key: string; error: AmiguardError }[] = [];
  try {
    record(run, { type: 'run', command: 'apply', steps: plan.steps.length });
    // First, before this run changes anything: what an interrupted run's open steps left behind.
    for (const before of openSteps(journal?.existing ?? [])) {
      try {
        recovered.push(await recoverStep(run, before));
      } catch (error) {
        if (!isStepFailure(error)) throw error;
        unrecovered.push({ key: before.step, error });
      }
    }
    const total = plan.steps.length;
    for (const [index, step] of plan.steps.entries()) {
      options.onStep?.({ type: 'step-start', index, total, step });
      const result = await applyStep(run, step);
      results.push(result);
      options.onStep?.({ type: 'step-done', index, total, result });
    }
  } finally {
    journal?.close();
  }
  return {
    runId: run.id,
    journalPath: options.journalPath,
    dryRun,
    steps: results,
    failed: results.filter((result) => result.status === 'failed'),
    recovered,
    unrecovered,
    ...(journal?.repairedLine === undefined ? {} : { repairedJournalLine: journal.repairedLine }),
  };
}

function record(run: Run, fields: UnstampedRecord): void {
  run.journal?.write(fields);
}

/** Reads what an open step left and records it as that step's outcome, on behalf of its run. */
async function recoverStep(run: Run, before: BeforeRecord): Promise<RecoveredStep> {
  const { aws } = run;
  const ec2 = await aws.ec2(before.account, before.region);
  if (before.kind === 'remove-grants') {
    const current = await aws.readGrants(ec2, before.region, before.resource);
    const removed = difference(before.remove, current);
    record(run, { type: 'after', step: before.step, outcome: removed.length > 0 ? 'changed' : 'unchanged', removed, current, recovers: before.run });
    return { key: before.step, run: before.run, removed };
  }
  const current = await aws.readBlockPublicAccess(ec2, before.region, before.target);
  // Still unblocked: the change was not sent, or AWS has not applied it yet; either way undo leaves it.
  const changed = !isBlocking(before.prior.state) && isBlocking(current.state);
  record(run, { type: 'after', step: before.step, outcome: changed ? 'changed' : 'unchanged', state: current.state, recovers: before.run });
  return { key: before.step, run: before.run, removed: [] };
}

async function applyStep(run: Run, step: PlanStep): Promise<StepResult> {
  try {
    return step.kind === 'remove-grants' ? await removeGrants(run, step) : await enableBlockPublicAccess(run, step);
  } catch (error) {
    if (!isStepFailure(error)) throw error;
    record(run, { type: 'after', step: step.key, outcome: 'failed', error: recordedError(error) });
    return { step, status: 'failed', removed: [], alreadyGone: [], error };
  }
}

async function removeGrants(run: Run, step: RemoveGrantsStep): Promise<StepResult> {
  const { aws } = run;
  const ec2 = await aws.ec2(step.account, step.region);
  const prior = await aws.readGrants(ec2, step.region, step.resource);
  const remove = intersection(step.grantees, prior);
  const alreadyGone = difference(step.grantees, prior);
  record(run, {
    type: 'before', kind: 'remove-grants', step: step.key, account: step.account, region: step.region, resource: step.resource,
    prior, planned: step.grantees, remove, causes: step.causes,
  });
  if (remove.length === 0) {
    record(run, { type: 'after', step: step.key, outcome: 'unchanged', removed: [], current: prior });
    return { step, status: 'unchanged', removed: [], alreadyGone };
  }
  await aws.changeGrants(ec2, step.region, step.resource, { remove });
  if (aws.dryRun) return { step, status: 'would-change', removed: remove, alreadyGone };
  const current = await aws.readGrants(ec2, step.region, step.resource);
  const still = intersection(remove, current);
  if (still.length > 0) {
    const error = new AmiguardError('AWS', `${step.resource.id} in ${step.region} still has ${still.length} of the removed grants when read back`, {
      hint: 'run fix again: it re-reads the resource and removes what is still there',
    });
    record(run, { type: 'after', step: step.key, outcome: 'failed', removed: difference(remove, still), current, error: recordedError(error) });
    return { step, status: 'failed', removed: difference(remove, still), alreadyGone, error };
  }
  record(run, { type: 'after', step: step.key, outcome: 'changed', removed: remove, current });
  return { step, status: 'changed', removed: remove, alreadyGone };
}

async function enableBlockPublicAccess(run: Run, step: EnableBlockPublicAccessStep): Promise<StepResult> {
  const { aws } = run;
  const ec2 = await aws.ec2(step.account, step.region);
  const prior = await aws.readBlockPublicAccess(ec2, step.region, step.target);
  record(run, {
    type: 'before', kind: 'enable-block-public-access', step: step.key, account: step.account, region: step.region, target: step.target,
    prior, set: BLOCKING_STATE, causes: step.causes,
  });
  const finish = (after: Omit<AfterRecord, 'v' | 'run' | 'seq' | 'at' | 'type' | 'step'>, status: StepStatus, error?: AmiguardError): StepResult => {
    record(run, { type: 'after', step: step.key, ...after });
    return {
      step, status, removed: [], alreadyGone: [], blockPublicAccess: { before: prior.state, pending: false },
      ...(error === undefined ? {} : { error }),
    };
  };
  if (isBlocking(prior.state)) return finish({ outcome: 'unchanged', state: prior.state }, 'unchanged');
  if (prior.managedBy === 'declarative-policy') {
    // AWS-FACTS: a setting managed by a declarative policy cannot be changed from the account.
    const error = new AmiguardError('AWS', `block public access for ${step.target} in ${step.account} ${step.region} is managed by a declarative policy of the organization`, {
      hint: 'change it in the organization\'s declarative policy',
    });
    return finish({ outcome: 'failed', state: prior.state, error: recordedError(error) }, 'failed', error);
  }
  await aws.setBlockPublicAccess(ec2, step.region, step.target, true);
  if (aws.dryRun) return { step, status: 'would-change', removed: [], alreadyGone: [], blockPublicAccess: { before: prior.state, pending: false } };
  const after = await aws.readBlockPublicAccess(ec2, step.region, step.target);
  record(run, { type: 'after', step: step.key, outcome: 'changed', state: after.state });
  return {
    step, status: 'changed', removed: [], alreadyGone: [],
    blockPublicAccess: { before: prior.state, after: after.state, pending: !isBlocking(after.state) },
  };
}
