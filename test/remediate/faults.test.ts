import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyPlan, planRemediation, readJournal, undoJournal } from '../../src/remediate/index.js';
import { auditFindings, expectedAfterFix, readState, withWorkspace } from './helpers.js';

const FAULTS = { throttle: 0.03, internalError: 0.05, unavailable: 0.05, drop: 0.05 };

describe('fix and undo under throttling, 5xx and dropped connections', () => {
  // One seeded run: the SDK's backoff between retries makes it take seconds.
  it('reach the planned state, then the original state again', async () => {
    await withWorkspace({ faults: FAULTS, seed: 7 }, async ({ sandbox, sessions, journalPath }) => {
      const original = readState(sandbox);
      const plan = planRemediation(auditFindings(sandbox), { blockPublicAccess: true });
      const applied = await applyPlan(plan, { sessionFor: sessions.sessionFor, journalPath });
      assert.deepEqual(applied.failed, []);
      assert.deepEqual(readState(sandbox), expectedAfterFix(original));

      const undone = await undoJournal(journalPath, { sessionFor: sessions.sessionFor, allowPublic: true });
      assert.deepEqual(undone.failed, []);
      assert.deepEqual(readState(sandbox), original);
      // The faults did happen, of every kind: the SDK's retries carried the calls through them.
      for (const [fault, count] of Object.entries(sandbox.stats.faults)) assert.ok(count > 0, `${fault} injected`);
      assert.equal(readJournal(journalPath).truncatedLastLine, undefined);
    });
  });
});
