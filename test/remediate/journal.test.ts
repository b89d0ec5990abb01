import assert from 'node:assert/strict';
import { appendFileSync, chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

function rejectsAtLine(path: string, line: number, message: RegExp, stateDir?: string): void {
  assert.throws(
    () => readJournal(path, stateDir === undefined ? {} : { stateDir }),
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
      write(3, (lines[2] ?? '').replace('"v":2', '"v":3'));
      rejectsAtLine(journalPath, 3, /unsupported journal version 3 \(this amiguard reads version 2\)/);
      write(5, '[1,2]');
      rejectsAtLine(journalPath, 5, /the record has no signature/);
    });
  });

  it('rejects any edit of a signed record, and records removed or moved, naming the line', async () => {
    await withWorkspace({}, async (workspace) => {
      const lines = await fixPublicDemo(workspace);
      const { journalPath } = workspace;
      const write = (replace: number, text: string) =>
        writeFileSync(journalPath, `${lines.map((line, index) => (index === replace - 1 ? text : line)).join('\n')}\n`);
      const edits: [number, string, string][] = [
        [1, '"command":"apply"', '"command":"undo"'],
        [2, '"prior":[{"kind":"public"}]', '"prior":[]'],
        [2, '"kind":"public"', '"kind":"everyone"'],
        [3, '"outcome":"changed"', '"outcome":"failed"'],
        [4, IDS.snapshots.publicDemo, IDS.snapshots.sharedWithOutsider],
        [5, /"mac":"[0-9a-f]{64}"/.source, ''],
      ];
      for (const [line, from, to] of edits) {
        const original = lines[line - 1] ?? '';
        const edited = line === 5 ? original.replace(new RegExp(from), `"mac":"${'0'.repeat(64)}"`) : original.replace(from, to);
        assert.notEqual(edited, original, `${from} is on line ${line}`);
        write(line, edited);
        rejectsAtLine(journalPath, line, /the record fails its integrity check \(edited, or written with another key\)/);
      }
      writeFileSync(journalPath, `${[lines[0], lines[1], lines[3], lines[4]].join('\n')}\n`);
      rejectsAtLine(journalPath, 3, /record 3 of run [-0-9a-f]+ where record 2 was expected: records were removed or moved/);
      writeFileSync(journalPath, `${lines.slice(1).join('\n')}\n`);
      rejectsAtLine(journalPath, 1, /record 1 of run .* where record 0 was expected/);
    });
  });

  it('rejects a journal signed with another key, and one that cannot be verified at all', async () => {
    await withWorkspace({}, async (workspace) => {
      await fixPublicDemo(workspace);
      const other = mkdtempSync(join(tmpdir(), 'amiguard-other-key-'));
      try {
        assert.throws(() => readJournal(workspace.journalPath, { stateDir: other }), /cannot verify the journal .*: there is no journal key in /);
        writeFileSync(join(other, 'journal.key'), Buffer.alloc(32, 7), { mode: 0o600 });
        rejectsAtLine(workspace.journalPath, 1, /fails its integrity check/, other);
        chmodSync(join(other, 'journal.key'), 0o644);
        assert.throws(() => readJournal(workspace.journalPath, { stateDir: other }), /journal key .* cannot be used: others can read or change it \(mode 644\)/);
      } finally {
        rmSync(other, { recursive: true, force: true });
      }
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
