import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { EC2Client } from '@aws-sdk/client-ec2';
import type { AwsSession } from '../../src/aws/session.js';
import { granteeKey } from '../../src/core/index.js';
import { SAMPLE_ESTATE, type Estate } from '../../src/sandbox/index.js';
import {
  applyPlan,
  JournalError,
  planRemediation,
  readJournal,
  REMEDIATION_OPERATIONS,
  type ApplyEvent,
  type BeforeRecord,
  type Plan,
  type RemoveGrantsStep,
} from '../../src/remediate/index.js';
import {
  auditFindings,
  expectedAfterFix,
  finding,
  IDS,
  mutatingCalls,
  PROTECTIONS,
  protectionFinding,
  readState,
  withWorkspace,
} from './helpers.js';

const { dev, prod } = IDS.accounts;

/**
 * Wraps every EC2 client of a session so that, when a permission change is sent, the journal on
 * disk is read: it must already hold this run's `before` record for the resource, with exactly
 * the removals being sent, and no `after` record yet.
 */
function checkWriteAhead(journalPath: string, checked: string[]): (session: AwsSession) => void {
  return (session) => {
    const make = session.ec2.bind(session);
    const patched = new Set<EC2Client>();
    session.ec2 = (region: string) => {
      const client = make(region);
      if (!patched.has(client)) {
        patched.add(client);
        client.middlewareStack.add(
          (next, context) => async (args) => {
            const input = args.input as { ImageId?: string; SnapshotId?: string; LaunchPermission?: { Remove?: unknown[] }; CreateVolumePermission?: { Remove?: unknown[] } };
            const resourceId = context.commandName === 'ModifyImageAttributeCommand' ? input.ImageId : context.commandName === 'ModifySnapshotAttributeCommand' ? input.SnapshotId : undefined;
            if (resourceId !== undefined) {
              const records = readJournal(journalPath).records;
              const run = records.filter((record) => record.type === 'run').at(-1)?.run;
              const mine = records.filter((record) => record.run === run);
              const before = mine.find((record): record is BeforeRecord => record.type === 'before' && record.kind === 'remove-grants' && record.resource.id === resourceId);
              assert.ok(before !== undefined && before.kind === 'remove-grants', `a before record for ${resourceId} is on disk before the change is sent`);
              const sent = (input.LaunchPermission?.Remove ?? input.CreateVolumePermission?.Remove ?? []).length;
              assert.equal(before.remove.length, sent);
              assert.ok(!mine.some((record) => record.type === 'after' && record.step === before.step));
              checked.push(resourceId);
            }
            return next(args);
          },
          { step: 'initialize', name: 'checkWriteAhead' },
        );
      }
      return client;
    };
  };
}

describe('applyPlan', () => {
  it('removes exactly the planned grants and nothing else, writing each prior state ahead of its change', async () => {
    const checked: string[] = [];
    let journalPath = '';
    await withWorkspace({ prepare: (session) => checkWriteAhead(journalPath, checked)(session) }, async ({ sandbox, sessions, journalPath: path }) => {
      journalPath = path;
      const original = readState(sandbox);
      const plan = planRemediation(auditFindings(sandbox), { blockPublicAccess: true });
      assert.equal(plan.steps.length, 11);
      const events: ApplyEvent[] = [];
      const result = await applyPlan(plan, { sessionFor: sessions.sessionFor, journalPath, onStep: (event) => events.push(event) });

      assert.deepEqual(result.failed, []);
      assert.deepEqual(readState(sandbox), expectedAfterFix(original));
      assert.deepEqual(result.steps.map((step) => step.status), plan.steps.map(() => 'changed'));
      const devTools = result.steps.find((step) => step.step.kind === 'remove-grants' && step.step.resource.id === IDS.images.devToolsShared);
      assert.equal(devTools?.removed.length, 2);
      assert.deepEqual(Object.keys(sandbox.stats.byAction).sort(), [...REMEDIATION_OPERATIONS.fix].sort());
      // One call per resource: several grants of an AMI go in one ModifyImageAttribute.
      assert.equal(sandbox.stats.byAction['ModifyImageAttribute'], 5);
      assert.equal(sandbox.stats.byAction['ModifySnapshotAttribute'], 3);
      assert.deepEqual(checked.sort(), plan.steps.flatMap((step) => (step.kind === 'remove-grants' ? [step.resource.id] : [])).sort());
      assert.deepEqual(events.map((event) => `${event.type}:${event.index}`), plan.steps.flatMap((_, index) => [`step-start:${index}`, `step-done:${index}`]));

      const journal = readJournal(journalPath);
      assert.equal(journal.records.length, 1 + 2 * plan.steps.length);
      assert.ok(journal.records.every((record) => record.v === 2 && record.run === result.runId));
      const publicDemo = journal.records.find((record) => record.type === 'before' && record.kind === 'remove-grants' && record.resource.id === IDS.images.publicDemo);
      assert.deepEqual(publicDemo?.type === 'before' && publicDemo.kind === 'remove-grants' ? [publicDemo.prior, publicDemo.remove] : undefined, [[{ kind: 'public' }], [{ kind: 'public' }]]);
      const setting = journal.records.find((record) => record.type === 'before' && record.kind === 'enable-block-public-access');
      assert.deepEqual(setting?.type === 'before' && setting.kind === 'enable-block-public-access' ? setting.prior : undefined, { state: 'unblocked', managedBy: 'account' });
    });
  });

  it('changes nothing when run again, from a fresh plan or from the old one', async () => {
    await withWorkspace({}, async ({ sandbox, sessions, journalPath }) => {
      const plan = planRemediation(auditFindings(sandbox), { blockPublicAccess: true });
      await applyPlan(plan, { sessionFor: sessions.sessionFor, journalPath });
      const fixed = readState(sandbox);
      const calls = mutatingCalls(sandbox);

      assert.deepEqual(planRemediation(auditFindings(sandbox), { blockPublicAccess: true }).steps, []);
      const again = await applyPlan(plan, { sessionFor: sessions.sessionFor, journalPath });
      assert.deepEqual(again.steps.map((step) => step.status), plan.steps.map(() => 'unchanged'));
      assert.deepEqual(readState(sandbox), fixed);
      assert.equal(mutatingCalls(sandbox), calls);
      // Both runs are in the one journal, told apart by run id.
      assert.equal(new Set(readJournal(journalPath).records.map((record) => record.run)).size, 2);
    });
  });

  it('removes only what is still there when someone removed part of it already', async () => {
    await withWorkspace({}, async ({ sandbox, sessions, journalPath }) => {
      const plan = planRemediation(auditFindings(sandbox));
      const session = await sessions.sessionFor(dev);
      const { modifyLaunchPermissions } = await import('../../src/aws/images.js');
      await modifyLaunchPermissions(session.ec2('us-east-1'), IDS.images.devToolsShared, { remove: [{ kind: 'account', id: prod }] }, false);

      const result = await applyPlan(plan, { sessionFor: sessions.sessionFor, journalPath });
      const step = result.steps.find((item) => item.step.kind === 'remove-grants' && item.step.resource.id === IDS.images.devToolsShared);
      assert.equal(step?.status, 'changed');
      assert.deepEqual(step?.removed, [{ kind: 'ou', arn: IDS.organization.devOuArn }]);
      assert.deepEqual(step?.alreadyGone, [{ kind: 'account', id: prod }]);
      assert.deepEqual(sandbox.state.image(IDS.images.devToolsShared)?.launchPermissions, []);
      const before = readJournal(journalPath).records.find((record) => record.type === 'before' && record.step === step?.step.key);
      assert.deepEqual(before?.type === 'before' && before.kind === 'remove-grants' ? before.remove : undefined, [{ kind: 'ou', arn: IDS.organization.devOuArn }]);
    });
  });

  it('keeps the before record of a change AWS refused, records the failure and goes on', async () => {
    const faults = { internalError: 1, actions: ['ModifyImageAttribute'] };
    await withWorkspace({ faults, maxAttempts: 2 }, async ({ sandbox, sessions, journalPath }) => {
      const original = readState(sandbox);
      const plan = planRemediation(auditFindings(sandbox));
      const result = await applyPlan(plan, { sessionFor: sessions.sessionFor, journalPath });

      const images = plan.steps.filter((step): step is RemoveGrantsStep => step.kind === 'remove-grants' && step.resource.kind === 'image');
      assert.deepEqual(result.failed.map((step) => step.step), images);
      for (const failed of result.failed) assert.match(failed.error?.message ?? '', /ModifyImageAttribute .* failed: InternalError/);
      // The snapshots were fixed; the AMIs are as they were.
      const expected = expectedAfterFix(original);
      for (const step of plan.steps) {
        if (step.kind !== 'remove-grants') continue;
        const id = step.resource.id;
        assert.deepEqual(readState(sandbox).grants[id], step.resource.kind === 'image' ? original.grants[id] : expected.grants[id], id);
      }
      const records = readJournal(journalPath).records;
      for (const step of images) {
        const before = records.find((record) => record.type === 'before' && record.step === step.key);
        const after = records.find((record) => record.type === 'after' && record.step === step.key);
        assert.deepEqual(before?.type === 'before' && before.kind === 'remove-grants' ? before.remove.map(granteeKey) : undefined, step.grantees.map(granteeKey));
        assert.equal(after?.type === 'after' ? after.outcome : undefined, 'failed');
        assert.match(after?.type === 'after' ? (after.error?.message ?? '') : '', /InternalError/);
      }
    });
  });

  it('fails a step on a resource AWS does not know, and fixes the rest', async () => {
    await withWorkspace({}, async ({ sandbox, sessions, journalPath }) => {
      const missing = 'ami-0fffffffffffffff0';
      const plan = planRemediation([
        ...auditFindings(sandbox),
        finding('public-ami', prod, 'us-east-1', missing, {
          kind: 'remove-grant', account: prod, region: 'us-east-1', resource: { kind: 'image', id: missing }, grantee: { kind: 'public' },
        }),
      ]);
      const original = readState(sandbox);
      const result = await applyPlan(plan, { sessionFor: sessions.sessionFor, journalPath });
      assert.equal(result.failed.length, 1);
      assert.match(result.failed[0]?.error?.message ?? '', new RegExp(`AMI ${missing} not found in us-east-1`));
      assert.deepEqual(readState(sandbox), expectedAfterFix(original, undefined, []));
    });
  });

  it('turns block public access on, and leaves alone what is on already or managed by a declarative policy', async () => {
    // Dev's eu-west-1 AMI setting: off, and managed by the organization's declarative policy.
    const estate: Estate = {
      ...SAMPLE_ESTATE,
      accounts: SAMPLE_ESTATE.accounts.map((account) =>
        account.id === dev
          ? { ...account, blockPublicAccess: [...(account.blockPublicAccess ?? []), { region: 'eu-west-1', images: 'unblocked', imagesManagedBy: 'declarative-policy' }] }
          : account,
      ),
    };
    await withWorkspace({ estate }, async ({ sandbox, sessions, journalPath }) => {
      const declarative = protectionFinding({ account: dev, region: 'eu-west-1', target: 'images' });
      const plan = planRemediation([...PROTECTIONS.map(protectionFinding), declarative], { blockPublicAccess: true });
      const result = await applyPlan(plan, { sessionFor: sessions.sessionFor, journalPath });
      const status = Object.fromEntries(result.steps.map((step) => [step.step.key, step.status]));
      assert.deepEqual(status, {
        'block-public-access:111111111111/us-east-1/images': 'changed',
        'block-public-access:111111111111/us-east-1/snapshots': 'changed',
        'block-public-access:222222222222/eu-west-1/images': 'unchanged',
        'block-public-access:333333333333/eu-west-1/images': 'failed',
        'block-public-access:333333333333/us-east-1/images': 'changed',
      });
      assert.match(result.failed[0]?.error?.message ?? '', /managed by a declarative policy/);
      assert.equal(sandbox.state.snapshotBlockPublicAccess(IDS.accounts.management, 'us-east-1').state, 'block-new-sharing');
      assert.equal(sandbox.state.imageBlockPublicAccess(dev, 'us-east-1').state, 'block-new-sharing');
      assert.equal(sandbox.state.imageBlockPublicAccess(dev, 'eu-west-1').state, 'unblocked');
      assert.equal(sandbox.stats.byAction['EnableImageBlockPublicAccess'], 2);
    });
  });

  it('under dryRun asks AWS with DryRun, changes nothing and writes no journal', async () => {
    await withWorkspace({}, async ({ sandbox, sessions, journalPath }) => {
      const original = readState(sandbox);
      const plan = planRemediation(auditFindings(sandbox), { blockPublicAccess: true });
      const result = await applyPlan(plan, { sessionFor: sessions.sessionFor, journalPath, dryRun: true });
      assert.deepEqual(result.steps.map((step) => step.status), plan.steps.map(() => 'would-change'));
      assert.ok((sandbox.stats.byAction['ModifyImageAttribute'] ?? 0) > 0);
      assert.deepEqual(readState(sandbox), original);
      assert.equal(existsSync(journalPath), false);
    });
  });

  it('stops before any AWS call when the journal cannot be written', async () => {
    await withWorkspace({}, async ({ sandbox, sessions, dir }) => {
      const plan: Plan = planRemediation(auditFindings(sandbox));
      const notAJournal = join(dir, 'notes.txt');
      writeFileSync(notAJournal, 'my notes\n');
      mkdirSync(join(dir, 'folder'));
      const cases: [string, boolean, RegExp][] = [
        [join(dir, 'missing', 'fix.jsonl'), false, /cannot write the journal .*fix\.jsonl: no such file or folder/],
        [join(dir, 'missing', 'fix.jsonl'), true, /cannot write the journal .*fix\.jsonl: no such file or folder/],
        [join(dir, 'folder'), false, /cannot write the journal .*folder: it is a folder/],
        [join(dir, 'folder'), true, /cannot write the journal .*folder: it is a folder/],
        [join(notAJournal, 'fix.jsonl'), false, /cannot write the journal .*fix\.jsonl: a part of the path is not a folder/],
        [join(notAJournal, 'fix.jsonl'), true, /cannot write the journal .*fix\.jsonl: a part of the path is not a folder/],
        [notAJournal, false, /notes\.txt:1: not a journal record/],
        [notAJournal, true, /notes\.txt:1: not a journal record/],
      ];
      for (const [journalPath, dryRun, message] of cases) {
        await assert.rejects(applyPlan(plan, { sessionFor: sessions.sessionFor, journalPath, dryRun }), (error: unknown) => {
          assert.ok(error instanceof JournalError);
          assert.match(error.message, message);
          return true;
        });
      }
      assert.equal(sandbox.stats.requests, 0);
      assert.equal(readFileSync(notAJournal, 'utf8'), 'my notes\n');
    });
  });

  it('stops before any AWS call when the journal folder is read-only', { skip: process.getuid?.() === 0 ? 'root can write anywhere' : false }, async () => {
    await withWorkspace({}, async ({ sandbox, sessions, dir }) => {
      const folder = join(dir, 'read-only');
      mkdirSync(folder, { mode: 0o555 });
      const plan = planRemediation(auditFindings(sandbox));
      for (const dryRun of [false, true]) {
        await assert.rejects(
          applyPlan(plan, { sessionFor: sessions.sessionFor, journalPath: join(folder, 'fix.jsonl'), dryRun }),
          /cannot write the journal .*fix\.jsonl: permission denied/,
        );
      }
      assert.equal(sandbox.stats.requests, 0);
    });
  });
});
