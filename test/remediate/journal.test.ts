import assert from 'node:assert/strict';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { applyPlan, JournalError, planRemediation, readJournal, undoJournal } from '../../src/remediate/index.js';
import { auditFindings, IDS, readState, REMOVALS, withWorkspace, type Workspace } from './helpers.js';

/** A journal of one fix of the public-demo AMI and snapshot: 5 lines. */
async function fixPublicDemo({ sandbox, sessions, journalPath }: Workspace): Promise<string[]> {
  const removals = REMOVALS.filter((removal) => removal.resource.id.endsWith('1004'));
  await applyPlan(planRemediation(auditFindings(sandbox, removals, [])), { sessionFor: sessions.sessionFor, journalPath });
  const lines = readFileSync(journalPath, 'utf8').split('\n');
  assert.equal(lines.pop(), '');
  assert.equal(lines.length, 5);
  return lines;
}

function rejectsAtLine(path: string, line: number, message: RegExp): void {
  assert.throws(
    () => readJournal(path),
    (error: unknown) => {
      assert.ok(error instanceof JournalError);
      assert.ok(error.message.startsWith(`${path}:${line}: `), error.message);
      assert.match(error.message, message);
      return true;
    },
  );
}

describe('readJournal', () => {
  it('reads every record of every run', async () => {
    await withWorkspace({}, async (workspace) => {
      await fixPublicDemo(workspace);
      const journal = readJournal(workspace.journalPath);
      assert.deepEqual(journal.records.map((record) => record.type), ['run', 'before', 'after', 'before', 'after']);
      assert.equal(journal.truncatedLastLine, undefined);
    });
  });

  it('ignores and reports a torn last line; undo still works from the rest', async () => {
    await withWorkspace({}, async (workspace) => {
      const original = readState(workspace.sandbox);
      const lines = await fixPublicDemo(workspace);
      appendFileSync(workspace.journalPath, (lines[1] ?? '').slice(0, 40));
      const journal = readJournal(workspace.journalPath);
      assert.equal(journal.records.length, 5);
      assert.equal(journal.truncatedLastLine?.line, 6);

      const result = await undoJournal(workspace.journalPath, { sessionFor: workspace.sessions.sessionFor, allowPublic: true });
      assert.equal(result.truncatedJournalLine, 6);
      assert.deepEqual(readState(workspace.sandbox), original);
      // The writer cut the torn line off before appending: the journal is whole again.
      const after = readJournal(workspace.journalPath);
      assert.equal(after.truncatedLastLine, undefined);
      assert.ok(readFileSync(workspace.journalPath, 'utf8').startsWith(`${lines.join('\n')}\n`));
    });
  });

  it('accepts a complete last record whose newline was not written, and ends its line before appending', async () => {
    await withWorkspace({}, async (workspace) => {
      const lines = await fixPublicDemo(workspace);
      writeFileSync(workspace.journalPath, lines.join('\n'));
      assert.equal(readJournal(workspace.journalPath).records.length, 5);
      await undoJournal(workspace.journalPath, { sessionFor: workspace.sessions.sessionFor, allowPublic: true });
      const journal = readJournal(workspace.journalPath);
      assert.deepEqual(journal.records.map((record) => record.type), ['run', 'before', 'after', 'before', 'after', 'run', 'undo', 'undo']);
    });
  });

  it('rejects a damaged line anywhere but last, naming it', async () => {
    await withWorkspace({}, async (workspace) => {
      const lines = await fixPublicDemo(workspace);
      const { journalPath } = workspace;
      const write = (replace: number, text: string) =>
        writeFileSync(journalPath, `${lines.map((line, index) => (index === replace - 1 ? text : line)).join('\n')}\n`);

      write(2, (lines[1] ?? '').slice(0, 30));
      rejectsAtLine(journalPath, 2, /not a journal record \(not valid JSON\)/);
      write(3, '');
      rejectsAtLine(journalPath, 3, /not valid JSON/);
      write(3, (lines[2] ?? '').replace('"v":1', '"v":2'));
      rejectsAtLine(journalPath, 3, /unsupported journal version 2 \(this amiguard reads version 1\)/);
      write(1, (lines[0] ?? '').replace(/"run":"[^"]+",/, ''));
      rejectsAtLine(journalPath, 1, /"run" must be a non-empty string/);
      write(4, (lines[3] ?? '').replace('"type":"before"', '"type":"later"'));
      rejectsAtLine(journalPath, 4, /"type" must be one of run, before, after, undo/);
      write(2, (lines[1] ?? '').replace('"prior":[{"kind":"public"}]', '"prior":[]'));
      rejectsAtLine(journalPath, 2, /"remove" lists a grant that is not both in "prior" and in "planned"/);
      write(2, (lines[1] ?? '').replace('"kind":"public"', '"kind":"everyone"'));
      rejectsAtLine(journalPath, 2, /"prior"\[0\] has an unknown grantee kind/);
      write(5, '[1,2]');
      rejectsAtLine(journalPath, 5, /a record must be a JSON object/);
    });
  });

  it('keeps undo from running on a damaged journal', async () => {
    await withWorkspace({}, async (workspace) => {
      const lines = await fixPublicDemo(workspace);
      writeFileSync(workspace.journalPath, `${['garbage', ...lines].join('\n')}\n`);
      const requests = workspace.sandbox.stats.requests;
      await assert.rejects(undoJournal(workspace.journalPath, { sessionFor: workspace.sessions.sessionFor }), /:1: not a journal record/);
      assert.equal(workspace.sandbox.stats.requests, requests);
      assert.deepEqual(workspace.sandbox.state.image(IDS.images.publicDemo)?.launchPermissions, []);
    });
  });
});
