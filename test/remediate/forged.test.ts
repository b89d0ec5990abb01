/**
 * Undo is not a way around the guard rails (issue 7): an edited or hand-written journal, or a
 * genuine one whose removal failed, must not let undo share or expose anything; restoring a
 * public grant needs the same consent as make-public; one run at a time per journal; and a file
 * that is not a journal is never changed.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { modifyLaunchPermissions, modifyVolumePermissions } from '../../src/aws/images.js';
import {
  ApplyInterrupted,
  applyPlan,
  JournalError,
  planRemediation,
  PublicRestoreRefused,
  undoJournal,
} from '../../src/remediate/index.js';
import { auditFindings, IDS, mutatingCalls, readState, REMOVALS, withWorkspace, type Workspace } from './helpers.js';

const { management, prod } = IDS.accounts;

/** Fixes the AMI and snapshot shared with the outsider (prod, us-east-1): a journal of 5 lines. */
async function fixOutsider({ sandbox, sessions, journalPath }: Workspace): Promise<string[]> {
  const removals = REMOVALS.filter((removal) => removal.account === prod && removal.region === 'us-east-1');
  await applyPlan(planRemediation(auditFindings(sandbox, removals, [])), { sessionFor: sessions.sessionFor, journalPath });
  const lines = readFileSync(journalPath, 'utf8').trimEnd().split('\n');
  assert.equal(lines.length, 5);
  return lines;
}

/** Undo must refuse the journal, naming the line, before any AWS call changes anything. */
async function refusesUntouched({ sandbox, sessions, journalPath }: Workspace, line: number, message: RegExp): Promise<void> {
  const state = readState(sandbox);
  const calls = mutatingCalls(sandbox);
  const journal = readFileSync(journalPath, 'utf8');
  for (const allowPublic of [false, true]) {
    await assert.rejects(undoJournal(journalPath, { sessionFor: sessions.sessionFor, allowPublic }), (error: unknown) => {
      assert.ok(error instanceof JournalError, String(error));
      assert.ok(error.message.startsWith(`${journalPath}:${line}: `), error.message);
      assert.match(error.message, message);
      return true;
    });
  }
  assert.deepEqual(readState(sandbox), state);
  assert.equal(mutatingCalls(sandbox), calls);
  assert.equal(readFileSync(journalPath, 'utf8'), journal);
}

describe('undo and a forged journal', () => {
  it('refuses an edited resource id: it would share another AMI with the outsider', async () => {
    await withWorkspace({}, async (workspace) => {
      const lines = await fixOutsider(workspace);
      const edited = lines.map((line) => line.replaceAll(IDS.images.sharedWithOutsider, IDS.images.prodOuShared));
      writeFileSync(workspace.journalPath, `${edited.join('\n')}\n`);
      await refusesUntouched(workspace, 2, /fails its integrity check/);
      assert.deepEqual(workspace.sandbox.state.image(IDS.images.prodOuShared)?.launchPermissions, [{ organizationalUnitArn: IDS.organization.prodOuArn }]);
    });
  });

  it('refuses an edited grant: it would make the AMI public instead of restoring the account', async () => {
    await withWorkspace({}, async (workspace) => {
      const lines = await fixOutsider(workspace);
      const account = `{"kind":"account","id":"${IDS.accounts.outsider}"}`;
      const edited = lines.map((line) => line.replaceAll(account, '{"kind":"public"}'));
      assert.notDeepEqual(edited, lines);
      writeFileSync(workspace.journalPath, `${edited.join('\n')}\n`);
      await refusesUntouched(workspace, 2, /fails its integrity check/);
    });
  });

  it('refuses hand-written records, appended to a genuine journal or on their own', async () => {
    await withWorkspace({}, async (workspace) => {
      const lines = await fixOutsider(workspace);
      const run = '00000000-0000-4000-8000-000000000000';
      const resource = { kind: 'image', id: IDS.images.goldenOrgShared };
      const place = { step: `image:${management}/us-east-1/${IDS.images.goldenOrgShared}`, account: management, region: 'us-east-1' };
      const forged = [
        { v: 2, run, seq: 0, at: '2026-11-30T00:00:00.000Z', type: 'run', command: 'apply', steps: 1 },
        { v: 2, run, seq: 1, at: '2026-11-30T00:00:00.000Z', type: 'before', kind: 'remove-grants', ...place, resource, prior: [{ kind: 'public' }], planned: [{ kind: 'public' }], remove: [{ kind: 'public' }], causes: [] },
        { v: 2, run, seq: 2, at: '2026-11-30T00:00:00.000Z', type: 'after', step: place.step, outcome: 'changed', removed: [{ kind: 'public' }], current: [] },
      ].map((record) => JSON.stringify(record));
      writeFileSync(workspace.journalPath, `${[...lines, ...forged].join('\n')}\n`);
      await refusesUntouched(workspace, 6, /the record has no signature/);
      const signed = forged.map((line) => `${line.slice(0, -1)},"mac":"${'a'.repeat(64)}"}`);
      writeFileSync(workspace.journalPath, `${signed.join('\n')}\n`);
      await refusesUntouched(workspace, 1, /fails its integrity check/);
      assert.deepEqual(workspace.sandbox.state.image(IDS.images.goldenOrgShared)?.launchPermissions, [{ organizationArn: IDS.organization.arn }]);
    });
  });

  it('restores nothing of a step whose removal failed, even when the grant is gone since', async () => {
    const faults = { internalError: 1, actions: ['ModifyImageAttribute'] };
    const removals = REMOVALS.filter((removal) => removal.resource.id === IDS.images.publicDemo || removal.resource.id === IDS.snapshots.publicDemo);
    await withWorkspace({ faults, maxAttempts: 2 }, async ({ sandbox: faulty, sessions: faultySessions, journalPath }) => {
      const result = await applyPlan(planRemediation(auditFindings(faulty, removals, [])), { sessionFor: faultySessions.sessionFor, journalPath });
      assert.deepEqual(result.failed.map((step) => step.step.key), [`image:${management}/us-east-1/${IDS.images.publicDemo}`]);
      // The same estate, where the AMI was then made private by hand: the user's own decision,
      // which undo must not reverse on the word of a step that failed.
      await withWorkspace({}, async ({ sandbox, sessions }) => {
        const session = await sessions.sessionFor(management);
        await modifyLaunchPermissions(session.ec2('us-east-1'), IDS.images.publicDemo, { remove: [{ kind: 'public' }] }, false);
        await modifyVolumePermissions(session.ec2('us-east-1'), IDS.snapshots.publicDemo, { remove: [{ kind: 'public' }] }, false);

        const undone = await undoJournal(journalPath, { sessionFor: sessions.sessionFor, allowPublic: true });
        assert.deepEqual(undone.steps.map((step) => step.key), [`snapshot:${management}/us-east-1/${IDS.snapshots.publicDemo}`]);
        assert.deepEqual(sandbox.state.image(IDS.images.publicDemo)?.launchPermissions, []);
        assert.deepEqual(sandbox.state.snapshot(IDS.snapshots.publicDemo)?.createVolumePermissions, [{ group: 'all' }]);
      });
    });
  });
});

describe('undo and public grants', () => {
  it('refuses to make anything public again without consent, naming what, and changes nothing', async () => {
    await withWorkspace({}, async ({ sandbox, sessions, journalPath }) => {
      const original = readState(sandbox);
      await applyPlan(planRemediation(auditFindings(sandbox), { blockPublicAccess: true }), { sessionFor: sessions.sessionFor, journalPath });
      const fixed = readState(sandbox);
      const calls = mutatingCalls(sandbox);
      const journal = readFileSync(journalPath, 'utf8');
      await assert.rejects(undoJournal(journalPath, { sessionFor: sessions.sessionFor }), (error: unknown) => {
        assert.ok(error instanceof PublicRestoreRefused);
        assert.match(error.message, /refusing to make 4 AMIs or snapshots public again without --i-understand-this-is-public/);
        assert.deepEqual(
          error.resources.map((item) => item.resource.id).sort(),
          [IDS.images.publicDemo, IDS.images.prodPublicOld, IDS.snapshots.publicDemo, IDS.snapshots.privateWithPublicSnapshot].sort(),
        );
        return true;
      });
      assert.deepEqual(readState(sandbox), fixed);
      assert.equal(mutatingCalls(sandbox), calls);
      assert.equal(readFileSync(journalPath, 'utf8'), journal);

      const dryRun = await undoJournal(journalPath, { sessionFor: sessions.sessionFor, dryRun: true });
      assert.equal(dryRun.publicRestored.length, 4);
      assert.deepEqual(readState(sandbox), fixed);

      const undone = await undoJournal(journalPath, { sessionFor: sessions.sessionFor, allowPublic: true });
      assert.deepEqual(undone.failed, []);
      assert.deepEqual(readState(sandbox), original);
    });
  });

  it('needs no consent when what was public is public again already', async () => {
    await withWorkspace({}, async ({ sandbox, sessions, journalPath }) => {
      const removals = REMOVALS.filter((removal) => removal.resource.id === IDS.images.publicDemo);
      await applyPlan(planRemediation(auditFindings(sandbox, removals, [])), { sessionFor: sessions.sessionFor, journalPath });
      const session = await sessions.sessionFor(management);
      await modifyLaunchPermissions(session.ec2('us-east-1'), IDS.images.publicDemo, { add: [{ kind: 'public' }] }, false);
      const undone = await undoJournal(journalPath, { sessionFor: sessions.sessionFor });
      assert.deepEqual(undone.steps.map((step) => step.status), ['unchanged']);
    });
  });
});

describe('a step an interrupted fix left open', () => {
  it('is left alone by undo, and recorded by the next fix, after which undo restores it', async () => {
    await withWorkspace({}, async ({ sandbox, sessions, journalPath }) => {
      const original = readState(sandbox);
      const removals = REMOVALS.filter((removal) => removal.resource.id === IDS.images.sharedWithOutsider);
      // Checkpoints: run record, read, before record, the change; stopped before the read-back.
      await assert.rejects(
        applyPlan(planRemediation(auditFindings(sandbox, removals, [])), { sessionFor: sessions.sessionFor, journalPath, interruptAfter: 4 }),
        ApplyInterrupted,
      );
      assert.deepEqual(sandbox.state.image(IDS.images.sharedWithOutsider)?.launchPermissions, []);
      const key = `image:${prod}/us-east-1/${IDS.images.sharedWithOutsider}`;

      const early = await undoJournal(journalPath, { sessionFor: sessions.sessionFor });
      assert.deepEqual(early.steps, []);
      assert.deepEqual(early.openSteps, [key]);
      assert.deepEqual(sandbox.state.image(IDS.images.sharedWithOutsider)?.launchPermissions, []);

      const again = await applyPlan(planRemediation(auditFindings(sandbox, removals, [])), { sessionFor: sessions.sessionFor, journalPath });
      assert.deepEqual(again.steps, []);
      assert.deepEqual(again.recovered.map((step) => [step.key, step.removed]), [[key, [{ kind: 'account', id: IDS.accounts.outsider }]]]);
      const undone = await undoJournal(journalPath, { sessionFor: sessions.sessionFor });
      assert.deepEqual(undone.openSteps, []);
      assert.deepEqual(readState(sandbox), original);
    });
  });
});

describe('the journal file', () => {
  it('allows one run at a time, and takes over the lock of a killed run', async () => {
    await withWorkspace({}, async ({ sandbox, sessions, journalPath }) => {
      const plan = planRemediation(auditFindings(sandbox));
      const first = applyPlan(plan, { sessionFor: sessions.sessionFor, journalPath });
      for (const second of [applyPlan(plan, { sessionFor: sessions.sessionFor, journalPath }), undoJournal(journalPath, { sessionFor: sessions.sessionFor })]) {
        await assert.rejects(second, (error: unknown) => {
          assert.ok(error instanceof JournalError);
          assert.match(error.message, new RegExp(`the journal .*fix\\.jsonl is in use by another amiguard run \\(pid ${process.pid} on .*\\): two runs on one journal are not allowed`));
          assert.match(error.hint ?? '', /if no amiguard is running on it, remove .*fix\.jsonl\.lock/);
          return true;
        });
      }
      assert.deepEqual((await first).failed, []);

      const gone = spawnSync(process.execPath, ['-e', '']).pid;
      writeFileSync(`${journalPath}.lock`, `${gone} ${hostname()} 2026-11-30T00:00:00.000Z\n`);
      const undone = await undoJournal(journalPath, { sessionFor: sessions.sessionFor, allowPublic: true });
      assert.deepEqual(undone.failed, []);
    });
  });

  it('never changes a file that is not a journal, even one that looks like a torn line', async () => {
    await withWorkspace({}, async ({ sandbox, sessions, dir }) => {
      const plan = planRemediation(auditFindings(sandbox));
      for (const [name, content] of [['notes.txt', 'my notes'], ['data.json', '{"v":1,"name":"x"'], ['empty-line.txt', '\n']] as const) {
        const path = `${dir}/${name}`;
        writeFileSync(path, content);
        for (const attempt of [
          () => applyPlan(plan, { sessionFor: sessions.sessionFor, journalPath: path }),
          () => undoJournal(path, { sessionFor: sessions.sessionFor, allowPublic: true }),
        ]) {
          await assert.rejects(attempt(), (error: unknown) => error instanceof JournalError && error.message.startsWith(`${path}:1: `));
          assert.equal(readFileSync(path, 'utf8'), content, name);
        }
      }
      assert.equal(sandbox.stats.requests, 0);
    });
  });
});
