import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { modifyLaunchPermissions } from '../../src/aws/images.js';
import { setImageBlockPublicAccess, setSnapshotBlockPublicAccess } from '../../src/aws/block-public-access.js';
import { applyPlan, JournalError, planRemediation, readJournal, REMEDIATION_OPERATIONS, undoJournal } from '../../src/remediate/index.js';
import { auditFindings, IDS, mutatingCalls, PROTECTIONS, readState, REMOVALS, withWorkspace } from './helpers.js';

const { management, prod, dev, outsider } = IDS.accounts;

describe('undoJournal', () => {
  it('restores the exact original state, and says what it made public again', async () => {
    await withWorkspace({}, async ({ sandbox, sessions, journalPath }) => {
      const original = readState(sandbox);
      await applyPlan(planRemediation(auditFindings(sandbox), { blockPublicAccess: true }), { sessionFor: sessions.sessionFor, journalPath });
      assert.notDeepEqual(readState(sandbox), original);

      const result = await undoJournal(journalPath, { sessionFor: sessions.sessionFor, allowPublic: true });
      assert.deepEqual(result.failed, []);
      assert.deepEqual(readState(sandbox), original);
      assert.deepEqual(
        result.publicRestored.map((item) => item.resource.id).sort(),
        [IDS.images.publicDemo, IDS.images.prodPublicOld, IDS.snapshots.publicDemo, IDS.snapshots.privateWithPublicSnapshot].sort(),
      );
      assert.deepEqual(result.blockPublicAccessTurnedOff, [
        { account: management, region: 'us-east-1', target: 'images' },
        { account: management, region: 'us-east-1', target: 'snapshots' },
        { account: dev, region: 'us-east-1', target: 'images' },
      ]);
      // Undo only ever adds grants; fix and undo call only the operations they declare for iam-policy.
      assert.equal(sandbox.stats.byAction['ResetImageAttribute'] ?? 0, 0);
      const declared = new Set<string>([...REMEDIATION_OPERATIONS.fix, ...REMEDIATION_OPERATIONS.undo]);
      assert.deepEqual(Object.keys(sandbox.stats.byAction).filter((action) => !declared.has(action)), []);
      const undoRecords = readJournal(journalPath).records.filter((record) => record.run === result.runId);
      assert.deepEqual(undoRecords.map((record) => record.type), ['run', ...result.steps.map(() => 'undo')]);
      assert.ok(undoRecords.every((record) => record.type !== 'undo' || record.kind !== 'restore-grants' || record.outcome === 'changed'));
    });
  });

  it('changes nothing when run a second time', async () => {
    await withWorkspace({}, async ({ sandbox, sessions, journalPath }) => {
      const original = readState(sandbox);
      await applyPlan(planRemediation(auditFindings(sandbox), { blockPublicAccess: true }), { sessionFor: sessions.sessionFor, journalPath });
      await undoJournal(journalPath, { sessionFor: sessions.sessionFor, allowPublic: true });
      const calls = mutatingCalls(sandbox);

      const second = await undoJournal(journalPath, { sessionFor: sessions.sessionFor });
      assert.deepEqual(second.steps.map((step) => step.status), second.steps.map(() => 'unchanged'));
      assert.deepEqual(second.publicRestored, []);
      assert.deepEqual(second.blockPublicAccessTurnedOff, []);
      assert.equal(mutatingCalls(sandbox), calls);
      assert.deepEqual(readState(sandbox), original);
    });
  });

  it('restores what every run of the journal removed, and nothing it did not remove', async () => {
    await withWorkspace({}, async ({ sandbox, sessions, journalPath }) => {
      const original = readState(sandbox);
      const findings = auditFindings(sandbox);
      await applyPlan(planRemediation(findings, { only: ['public-ami', 'public-snapshot'] }), { sessionFor: sessions.sessionFor, journalPath });
      await applyPlan(planRemediation(auditFindings(sandbox), { blockPublicAccess: true }), { sessionFor: sessions.sessionFor, journalPath });
      assert.equal(new Set(readJournal(journalPath).records.map((record) => record.run)).size, 2);

      // After the fix, someone shares an AMI with a new account on purpose: undo must keep it.
      const session = await sessions.sessionFor(prod);
      await modifyLaunchPermissions(session.ec2('us-east-1'), IDS.images.sharedWithOutsider, { add: [{ kind: 'account', id: dev }] }, false);

      const result = await undoJournal(journalPath, { sessionFor: sessions.sessionFor, allowPublic: true });
      assert.deepEqual(result.failed, []);
      const grants = { ...original.grants, [IDS.images.sharedWithOutsider]: [`account:${dev}`, `account:${outsider}`] };
      assert.deepEqual(readState(sandbox), { ...original, grants });
    });
  });

  it('cannot make an AMI public again while block public access is on, says so, and restores the rest', async () => {
    await withWorkspace({}, async ({ sandbox, sessions, journalPath }) => {
      const original = readState(sandbox);
      await applyPlan(planRemediation(auditFindings(sandbox, REMOVALS, [])), { sessionFor: sessions.sessionFor, journalPath });
      // Turned on by someone after the fix, not by amiguard: undo leaves it on.
      const session = await sessions.sessionFor(management);
      await setImageBlockPublicAccess(session.ec2('us-east-1'), true, false);

      const result = await undoJournal(journalPath, { sessionFor: sessions.sessionFor, allowPublic: true });
      assert.deepEqual(result.failed.map((step) => step.key), [`image:${management}/us-east-1/${IDS.images.publicDemo}`]);
      assert.match(result.failed[0]?.error?.message ?? '', /block public access for AMIs is enabled .*OperationNotPermitted/);
      assert.equal(sandbox.state.imageBlockPublicAccess(management, 'us-east-1').state, 'block-new-sharing');
      const state = readState(sandbox);
      assert.deepEqual(state.grants[IDS.images.publicDemo], []);
      assert.deepEqual({ ...state.grants, [IDS.images.publicDemo]: original.grants[IDS.images.publicDemo] }, original.grants);
      assert.ok(!result.publicRestored.some((item) => item.resource.id === IDS.images.publicDemo));
    });
  });

  it('leaves a block public access setting alone when someone changed it since the fix', async () => {
    await withWorkspace({}, async ({ sandbox, sessions, journalPath }) => {
      const protections = PROTECTIONS.filter((protection) => protection.account === management);
      await applyPlan(planRemediation(auditFindings(sandbox, [], protections), { blockPublicAccess: true }), { sessionFor: sessions.sessionFor, journalPath });
      const session = await sessions.sessionFor(management);
      await setSnapshotBlockPublicAccess(session.ec2('us-east-1'), 'block-all-sharing', false);

      const result = await undoJournal(journalPath, { sessionFor: sessions.sessionFor });
      assert.deepEqual(result.steps.map((step) => [step.key, step.status]), [
        [`block-public-access:${management}/us-east-1/images`, 'changed'],
        [`block-public-access:${management}/us-east-1/snapshots`, 'skipped'],
      ]);
      assert.equal(sandbox.state.imageBlockPublicAccess(management, 'us-east-1').state, 'unblocked');
      assert.equal(sandbox.state.snapshotBlockPublicAccess(management, 'us-east-1').state, 'block-all-sharing');
    });
  });

  it('under dryRun says what it would restore, and changes nothing', async () => {
    await withWorkspace({}, async ({ sandbox, sessions, journalPath }) => {
      await applyPlan(planRemediation(auditFindings(sandbox), { blockPublicAccess: true }), { sessionFor: sessions.sessionFor, journalPath });
      const fixed = readState(sandbox);
      const journal = readFileSync(journalPath, 'utf8');
      const result = await undoJournal(journalPath, { sessionFor: sessions.sessionFor, dryRun: true });
      assert.deepEqual(result.failed, []);
      assert.ok(result.steps.every((step) => step.status === 'would-change'));
      assert.equal(result.publicRestored.length, 4);
      assert.deepEqual(readState(sandbox), fixed);
      assert.equal(readFileSync(journalPath, 'utf8'), journal);
    });
  });

  it('refuses a journal that does not exist', async () => {
    await withWorkspace({}, async ({ sandbox, sessions, dir }) => {
      await assert.rejects(undoJournal(join(dir, 'none.jsonl'), { sessionFor: sessions.sessionFor }), (error: unknown) => {
        assert.ok(error instanceof JournalError);
        assert.match(error.message, /cannot read the journal .*none\.jsonl: no such file or folder/);
        return true;
      });
      assert.equal(sandbox.stats.requests, 0);
    });
  });
});
