import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { describeGrantee, UsageError, type AmiguardError, type Grantee } from '../../core/index.js';
import { AccountSessions, type AwsSession } from '../../aws/index.js';
import {
  applyPlan,
  describePlan,
  planFix,
  PUBLIC_CONSENT_FLAG,
  PublicRestoreRefused,
  stateDirFrom,
  undoJournal,
  REMEDIATION_OPERATIONS,
  type ApplyResult,
  type FixPlan,
  type IrreversibleRemoval,
  type Plan,
  type StepResult,
  type UndoResult,
  type UndoStepResult,
} from '../../remediate/index.js';
import { findAndLoadPolicy } from '../../policy/index.js';
import { RULE_IDS } from '../../rules/index.js';
import { parseCommandArgs, type ParsedArgs } from '../args.js';
import { errorMessage } from '../errors.js';
import { escapingIo, type Io } from '../io.js';
import { OUTPUT_OPTIONS, outputFrom, outputHelp, withReport, type OutputChoice } from '../output.js';
import { AUDIT_OPERATIONS, reportFailures, runAudit } from './audit.js';
import { AWS_OPTIONS, AWS_OPTIONS_HELP, openSession, sessionFrom } from './aws-common.js';
import type { Command } from './command.js';
import { ESTATE_HELP, ESTATE_OPTIONS } from './estate-options.js';

/** Sessions per account as fix and undo reach them: --role and --external-id. */
function accountSessions(base: AwsSession, parsed: ParsedArgs, sessionName: string): AccountSessions {
  const role = parsed.values['role'];
  const externalId = parsed.values['external-id'];
  return new AccountSessions(base, { sessionName, ...(typeof role === 'string' ? { role } : {}), ...(typeof externalId === 'string' ? { externalId } : {}) });
}

function grants(grantees: readonly Grantee[]): string {
  return grantees.map(describeGrantee).join(', ');
}

function stepLine(result: StepResult): string {
  const step = result.step;
  const what = step.kind === 'remove-grants' ? `${step.account}/${step.region}/${step.resource.id}` : `${step.account}/${step.region} block public access for ${step.target}`;
  switch (result.status) {
    case 'changed':
      return step.kind === 'remove-grants' ? `${what}: removed ${grants(result.removed)}` : `${what}: enabled${result.blockPublicAccess?.pending === true ? ' (AWS applies it within 10 minutes)' : ''}`;
    case 'unchanged':
      return `${what}: nothing to do (already gone: ${grants(result.alreadyGone)})`;
    case 'would-change':
      return `${what}: would remove ${grants(result.removed)} (dry run)`;
    case 'failed':
      return `${what}: FAILED: ${result.error === undefined ? 'unknown error' : errorMessage(result.error)}`;
  }
}

function irreversibleNote(removal: IrreversibleRemoval): string {
  return `note: ${removal.account}/${removal.region}/${removal.resource.id} was public before block public access was turned on in ${removal.region}; once removed, undo cannot make it public again while that setting is on`;
}

/** The options that reach the same accounts, for a command line to copy: undo must use what fix used. */
function carriedOptions(parsed: ParsedArgs): string {
  const names = ['role', 'external-id', 'profile', 'region', 'endpoint-url'];
  return names.flatMap((name) => {
    const value = parsed.values[name];
    return typeof value === 'string' ? [`--${name} ${shellWord(value)}`] : [];
  }).map((option) => ` ${option}`).join('');
}

function shellWord(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replaceAll("'", "'\\''")}'`;
}

/** changed / failed / not attempted, for the end of a run, also when it stopped part way. */
class Tally {
  changed = 0;
  unchanged = 0;
  failed = 0;
  done = 0;

  constructor(private readonly total: number, private readonly dryRun: boolean) {}

  count(status: string): void {
    this.done += 1;
    if (status === 'changed' || status === 'would-change') this.changed += 1;
    else if (status === 'failed') this.failed += 1;
    else this.unchanged += 1;
  }

  line(): string {
    return `${this.dryRun ? 'would change' : 'changed'} ${this.changed}, unchanged ${this.unchanged}, failed ${this.failed}, not attempted ${this.total - this.done}`;
  }
}

export const fixCommand: Command = {
  name: 'fix',
  summary: 'Plan, and with --apply carry out, the removal of what the policy forbids (journaled, undoable)',
  operations: [...new Set([...AUDIT_OPERATIONS, ...REMEDIATION_OPERATIONS.fix])],
  help: `Usage: amiguard fix [--apply --journal FILE] [options]

Audits the estate (same scope options as audit), then plans which grants to remove from which
AMI or snapshot so that the policy's findings go away, and prints the plan. Nothing changes
without --apply. It never adds a grant, never makes anything public, and touches only AMIs and
snapshots a finding names.

With --apply, each change is journaled first: the journal (JSON lines, flushed to disk) records
the exact prior state before the change, then the outcome. Only what is still there is removed.
If the run is interrupted, run the same command again with the same journal: it converges.
amiguard undo JOURNAL puts back everything the journal records as removed. A finding whose
verdict could not be decided (an account that may belong to an approved organization, when
Organizations cannot be read) is listed as needing review and left out of the plan.

Options:
  --apply                  carry out the plan
  --journal FILE           where to write the journal (required with --apply; appended to)
  --only RULE[,RULE]       fix only these rules' findings (e.g. public-ami,public-snapshot)
  --block-public-access    also turn on block public access where it is off
  --remove-unapproved-shares
                           without a policy that approves anyone, every share is unapproved:
                           plan removing them all only with this flag
  --dry-run                with --apply: ask AWS whether each change would succeed, change nothing
${outputHelp('text (default) or json (the plan, and with --apply each step\'s outcome)', 'no report on standard output in text format; failed steps and\n                       errors still go to standard error')}
${ESTATE_HELP}
${AWS_OPTIONS_HELP}

Exit codes: 0 planned (or applied) without failure, 2 a step failed or the estate could not be
read (the journal and output name what).

Examples:
  amiguard fix --config amiguard.yaml
  amiguard fix --only public-ami,public-snapshot --apply --journal fix-2026-11-26.jsonl
  amiguard fix --organization --role AmiguardFixRole --apply --journal fix.jsonl --block-public-access
`,
  async run(args: readonly string[], rawIo: Io): Promise<number> {
    const parsed = parseCommandArgs('fix', args, {
      ...AWS_OPTIONS,
      ...ESTATE_OPTIONS,
      ...OUTPUT_OPTIONS,
      apply: { type: 'boolean' },
      journal: { type: 'string' },
      only: { type: 'string' },
      'block-public-access': { type: 'boolean' },
      'remove-unapproved-shares': { type: 'boolean' },
      'dry-run': { type: 'boolean' },
    });
    const out = outputFrom(parsed, ['text', 'json'] as const, 'text');
    return withReport(escapingIo(rawIo, out.format), out, (io) => runFix(parsed, out, io));
  },
};

async function runFix(parsed: ParsedArgs, out: OutputChoice<'text' | 'json'>, io: Io): Promise<number> {
  const json = out.format === 'json';
  // In text, each line as it happens; json is one document at the end.
  const say = (line: string): void => {
    if (!json) io.stdout.write(line);
  };
  const apply = parsed.values['apply'] === true;
  const journal = parsed.values['journal'];
  if (apply && typeof journal !== 'string') throw new UsageError('--apply needs --journal FILE: the record of what was removed, for undo');
  const onlyArg = parsed.values['only'];
  const only = typeof onlyArg === 'string' ? onlyArg.split(',').map((rule) => rule.trim()).filter((rule) => rule !== '') : undefined;
  const unknownRules = (only ?? []).filter((rule) => !RULE_IDS.includes(rule));
  if (unknownRules.length > 0) throw new UsageError(`--only: unknown rule ${unknownRules.join(', ')}`, `the rules are: ${RULE_IDS.join(', ')}`);

  const configPath = parsed.values['config'];
  const policy = findAndLoadPolicy(typeof configPath === 'string' ? configPath : undefined, io.cwd, RULE_IDS);
  const result = await runAudit(parsed, io);
  reportFailures(result, io, 'fix');
  const own = sessionFrom(parsed, io);
  let planned: FixPlan;
  try {
    planned = await planFix({
      audit: result,
      policy,
      session: own,
      ...(only === undefined ? {} : { only }),
      blockPublicAccess: parsed.values['block-public-access'] === true,
      removeUnapprovedShares: parsed.values['remove-unapproved-shares'] === true,
    });
  } finally {
    own.destroy();
  }
  const { plan } = planned;
  const notes = planned.irreversible.map(irreversibleNote);
  say(describePlan(plan, { removeUnapprovedShares: 'pass --remove-unapproved-shares' }));
  for (const warning of notes) say(`${warning}\n`);
  const partial = result.inventory.failures.length > 0 && parsed.values['allow-partial'] !== true;
  if (!apply) {
    if (plan.steps.length > 0) say('\nNothing was changed. Run again with --apply --journal FILE to carry out the plan.\n');
    if (json) io.stdout.write(fixJson(plan, notes, undefined));
    return partial ? 2 : 0;
  }
  if (typeof journal !== 'string') return 2;
  const dryRun = parsed.values['dry-run'] === true;
  const tally = new Tally(plan.steps.length, dryRun);
  const sessions = accountSessions(sessionFrom(parsed, io), parsed, 'amiguard-fix');
  try {
    const applied = await applyPlan(plan, {
      sessionFor: (account) => sessions.sessionFor(account),
      journalPath: resolve(io.cwd, journal),
      stateDir: stateDirFrom(io.env),
      dryRun,
      onStep: (event) => {
        if (event.type !== 'step-done') return;
        tally.count(event.result.status);
        say(`[${event.index + 1}/${event.total}] ${stepLine(event.result)}\n`);
        // --quiet keeps the failures: they are the errors.
        if (out.quiet && out.format === 'text' && event.result.status === 'failed') io.stderr.write(`amiguard fix: ${stepLine(event.result)}\n`);
      },
    });
    if (applied.repairedJournalLine !== undefined) {
      io.stderr.write(`amiguard fix: the journal's line ${applied.repairedJournalLine} was half-written by an interrupted run; it was cut off (no change had been made on its account)\n`);
    }
    for (const step of applied.recovered) {
      say(`recorded what an interrupted run left at ${step.key}: ${step.removed.length === 0 ? 'nothing removed' : `removed ${grants(step.removed)}`}\n`);
    }
    for (const step of applied.unrecovered) {
      io.stderr.write(`amiguard fix: could not read ${step.key}, left open by an interrupted run: ${errorMessage(step.error)}; undo leaves it alone until a fix records it\n`);
    }
    say(`\n${tally.line()}\n`);
    if (!applied.dryRun && (plan.steps.length > 0 || applied.recovered.length > 0)) {
      say(`Journal: ${journal}. To put everything back: amiguard undo ${shellWord(journal)}${carriedOptions(parsed)}\n`);
    }
    if (json) io.stdout.write(fixJson(plan, notes, applied));
    return applied.failed.length > 0 || applied.unrecovered.length > 0 || partial ? 2 : 0;
  } catch (error) {
    say(`\nstopped: ${tally.line()}\n`);
    throw error;
  } finally {
    sessions.destroy();
  }
}

function errorJson(error: AmiguardError | undefined): { code: string; message: string } | undefined {
  return error === undefined ? undefined : { code: error.code, message: errorMessage(error) };
}

/** Version 1 of fix's JSON: the plan, the notes said before applying, and (with --apply) each step's outcome. */
function fixJson(plan: Plan, notes: readonly string[], applied: ApplyResult | undefined): string {
  return `${JSON.stringify(
    {
      version: 1,
      plan,
      notes,
      ...(applied === undefined
        ? {}
        : {
            applied: {
              runId: applied.runId,
              dryRun: applied.dryRun,
              steps: applied.steps.map((step) => ({ key: step.step.key, status: step.status, removed: step.removed, alreadyGone: step.alreadyGone, ...(step.blockPublicAccess === undefined ? {} : { blockPublicAccess: step.blockPublicAccess }), error: errorJson(step.error) })),
              recovered: applied.recovered,
              unrecovered: applied.unrecovered.map((step) => ({ key: step.key, error: errorJson(step.error) })),
            },
          }),
    },
    null,
    2,
  )}\n`;
}

function undoLine(result: UndoStepResult): string {
  return `${undoAction(result)}${result.status === 'would-change' ? ' (dry run)' : ''}`;
}

function undoAction(result: UndoStepResult): string {
  const what = result.kind === 'restore-grants' ? `${result.account}/${result.region}/${result.resource.id}` : `${result.account}/${result.region} block public access for ${result.target}`;
  if (result.status === 'failed') return `${what}: FAILED: ${result.error === undefined ? 'unknown error' : errorMessage(result.error)}`;
  if (result.kind === 'restore-block-public-access') {
    if (result.status === 'skipped') return `${what}: left alone: ${result.reason ?? ''}`;
    return `${what}: ${result.status === 'unchanged' ? 'already' : result.status === 'would-change' ? 'would be set back to' : 'set back to'} ${result.to}`;
  }
  const restored = result.status === 'would-change' ? 'would add back' : 'added back';
  return result.status === 'unchanged' ? `${what}: nothing to do (already there: ${grants(result.alreadyThere)})` : `${what}: ${restored} ${grants(result.restored)}`;
}

export const undoCommand: Command = {
  name: 'undo',
  summary: 'Put back what a fix journal records as removed (verified, idempotent; public only with consent)',
  operations: [...REMEDIATION_OPERATIONS.undo, 'GetCallerIdentity', 'AssumeRole', 'DescribeRegions'],
  help: `Usage: amiguard undo JOURNAL [--dry-run] [--${PUBLIC_CONSENT_FLAG}] [options]

Reads the journal written by fix --apply and adds back every grant a completed step of its runs
recorded as removed and that is still missing, and turns block public access back off where
fix turned it on. It never removes anything; running it twice changes nothing the second time.

Every journal record is signed with your journal key (AMIGUARD_STATE_DIR, else
XDG_STATE_HOME/amiguard or ~/.local/state/amiguard, file journal.key, mode 0600): a journal
that was edited, written by hand or by another user is refused, naming the line. A step a
killed fix left without an outcome is left alone (run the fix again with the journal).

If an AMI or snapshot was public before the fix, making it public again needs
--${PUBLIC_CONSENT_FLAG}, as make-public does: without it, undo lists what would become
public, changes nothing and exits 2.

Options:
  --${PUBLIC_CONSENT_FLAG}   make public again what was public before the fix
  --role NAME, --external-id ID   reach other accounts of the journal, as for fix
  --dry-run                       ask AWS whether each change would succeed, change nothing
${outputHelp('text (default) or json (each step\'s outcome)', 'no report on standard output in text format; failed steps and\n                       errors still go to standard error')}
${AWS_OPTIONS_HELP}

Exit codes: 0 restored, 2 a step failed, consent is missing, or the journal cannot be read or
verified (named by line).

Examples:
  amiguard undo fix-2026-11-26.jsonl
  amiguard undo fix.jsonl --role AmiguardFixRole --dry-run
`,
  async run(args: readonly string[], rawIo: Io): Promise<number> {
    const parsed = parseCommandArgs('undo', args, {
      ...AWS_OPTIONS,
      ...OUTPUT_OPTIONS,
      role: { type: 'string' },
      'external-id': { type: 'string' },
      'dry-run': { type: 'boolean' },
      [PUBLIC_CONSENT_FLAG]: { type: 'boolean' },
    });
    const out = outputFrom(parsed, ['text', 'json'] as const, 'text');
    return withReport(escapingIo(rawIo, out.format), out, (io) => runUndo(parsed, out, io));
  },
};

async function runUndo(parsed: ParsedArgs, out: OutputChoice<'text' | 'json'>, io: Io): Promise<number> {
  const json = out.format === 'json';
  const say = (line: string): void => {
    if (!json) io.stdout.write(line);
  };
  const [journal, ...rest] = parsed.positionals;
  if (journal === undefined) throw new UsageError('name the journal written by fix --apply', 'amiguard undo fix.jsonl');
  if (rest.length > 0) throw new UsageError(`undo takes one journal; got also ${rest.join(' ')}`);
  const path = resolve(io.cwd, journal);
  if (!existsSync(path)) throw new UsageError(`no journal at ${journal}`);
  const dryRun = parsed.values['dry-run'] === true;
  let tally: Tally | undefined;
  const sessions = accountSessions(await openSession(parsed, io), parsed, 'amiguard-fix');
  try {
    const result = await undoJournal(path, {
      sessionFor: (account) => sessions.sessionFor(account),
      stateDir: stateDirFrom(io.env),
      dryRun,
      allowPublic: parsed.values[PUBLIC_CONSENT_FLAG] === true,
      onStep: (event) => {
        if (event.type === 'step-start') {
          tally ??= new Tally(event.total, dryRun);
          return;
        }
        tally?.count(event.result.status);
        say(`[${event.index + 1}/${event.total}] ${undoLine(event.result)}\n`);
        if (out.quiet && out.format === 'text' && event.result.status === 'failed') io.stderr.write(`amiguard undo: ${undoLine(event.result)}\n`);
      },
    });
    say(`\n${(tally ?? new Tally(0, dryRun)).line()}\n`);
    if (json) io.stdout.write(undoJson(result));
    for (const place of result.publicRestored) {
      const where = `${place.account}/${place.region}/${place.resource.id}`;
      io.stderr.write(`amiguard undo: ${where} ${result.dryRun ? 'would be public again' : 'is public again'}, as it was before the fix\n`);
    }
    for (const key of result.openSteps) {
      io.stderr.write(`amiguard undo: ${key} was left open by an interrupted fix (its outcome is not recorded): left alone; run the fix again with this journal to record it\n`);
    }
    if (result.truncatedJournalLine !== undefined) {
      io.stderr.write(`amiguard undo: ignored the half-written line ${result.truncatedJournalLine} of ${journal} (an interrupted run)\n`);
    }
    return result.failed.length > 0 ? 2 : 0;
  } catch (error) {
    if (error instanceof PublicRestoreRefused) {
      for (const place of error.resources) {
        io.stderr.write(`amiguard undo: ${place.account}/${place.region}/${place.resource.id} would become public again: every AWS account could ${place.resource.kind === 'image' ? 'launch it' : 'create volumes from it'}\n`);
      }
    } else if (tally !== undefined) {
      say(`\nstopped: ${tally.line()}\n`);
    }
    throw error;
  } finally {
    sessions.destroy();
  }
}

/** Version 1 of undo's JSON: each journal step's outcome, and what became public again. */
function undoJson(result: UndoResult): string {
  const steps = result.steps.map((step) => ({ ...step, error: errorJson(step.error) }));
  return `${JSON.stringify({ version: 1, ...result, steps, failed: result.failed.map((step) => step.key) }, null, 2)}\n`;
}
