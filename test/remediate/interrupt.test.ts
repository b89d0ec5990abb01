import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { ApplyInterrupted, applyPlan, planRemediation, readJournal, undoJournal } from '../../src/remediate/index.js';
import { Random } from '../../src/sandbox/random.js';
import { auditFindings, expectedAfterFix, readState, withWorkspace } from './helpers.js';

/** Journal writes and AWS calls of a whole fix of the sample estate, measured once. */
let fullRun = 0;

describe('a fix stopped at any point', () => {
  before(async () => {
    await withWorkspace({}, async ({ sandbox, sessions, journalPath }) => {
      await applyPlan(planRemediation(auditFindings(sandbox), { blockPublicAccess: true }), { sessionFor: sessions.sessionFor, journalPath });
      // One checkpoint per journal record and per AWS call; reading block public access is two requests in one call.
      const { requests, byAction } = sandbox.stats;
      fullRun = readJournal(journalPath).records.length + requests - (byAction['GetSnapshotBlockPublicAccessState'] ?? 0);
      assert.ok(fullRun > 50, `a full fix passes ${fullRun} checkpoints`);
    });
  });

  for (let seed = 1; seed <= 20; seed += 1) {
    it(`converges when re-run, and undo restores everything (seed ${seed})`, async () => {
      const random = new Random(seed);
      const stopAt = random.int(0, fullRun - 1);
      const tear = seed % 3 === 0;
      await withWorkspace({ seed }, async ({ sandbox, sessions, journalPath }) => {
        const original = readState(sandbox);
        const plan = planRemediation(auditFindings(sandbox), { blockPublicAccess: true });
        await assert.rejects(
          applyPlan(plan, { sessionFor: sessions.sessionFor, journalPath, interruptAfter: stopAt, tearInterruptedWrite: tear }),
          ApplyInterrupted,
        );

        // What a user does next: audit again, plan again, apply with the same journal.
        const again = planRemediation(auditFindings(sandbox), { blockPublicAccess: true });
        const applied = await applyPlan(again, { sessionFor: sessions.sessionFor, journalPath });
        assert.deepEqual(applied.failed, []);
        assert.deepEqual(readState(sandbox), expectedAfterFix(original));
        assert.deepEqual(planRemediation(auditFindings(sandbox), { blockPublicAccess: true }).steps, []);

        if (seed % 2 === 0) {
          // Undo stopped part way, then run again.
          await assert.rejects(
            undoJournal(journalPath, { sessionFor: sessions.sessionFor, allowPublic: true, interruptAfter: random.int(0, 40), tearInterruptedWrite: tear }),
            ApplyInterrupted,
          );
        }
        const undone = await undoJournal(journalPath, { sessionFor: sessions.sessionFor, allowPublic: true });
        assert.deepEqual(undone.failed, []);
        assert.deepEqual(readState(sandbox), original);
        assert.equal(readJournal(journalPath).truncatedLastLine, undefined);
      });
    });
  }
});
