import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { applyPlan, planRemediation, readJournal, undoJournal } from '../../src/remediate/index.js';
import { Random } from '../../src/sandbox/random.js';
import { IDS, auditAndPlan, auditFindings, expectedAfterFix, MISMATCH_ESTATE, readState, withWorkspace, type EstateState } from './helpers.js';

const CHILD = fileURLToPath(new URL('../fixtures/remediate/apply-child.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Runs the child until it starts step `atStep`, then kills it with SIGKILL `delayMs` later,
 * wherever it is by then. Resolves with what it printed.
 */
function applyAndKill(args: readonly string[], atStep: number, delayMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let errors = '';
    let armed = false;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
      if (!armed && output.includes(`step ${atStep}\n`)) {
        armed = true;
        setTimeout(() => child.kill('SIGKILL'), delayMs);
      }
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      errors += chunk;
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL' || code === 0) resolve(output);
      else reject(new Error(`the child failed (${code ?? signal ?? ''}): ${errors}`));
    });
  });
}

describe('a fix killed with SIGKILL in another process', () => {
  for (const seed of [3, 11]) {
    it(`converges when re-run, and undo restores everything (seed ${seed})`, async (t) => {
      const random = new Random(seed);
      // Latency spreads the run out so that the kill lands between, or in the middle of, calls and writes.
      await withWorkspace({ seed, faults: { latencyMs: [1, 6] } }, async ({ sandbox, sessions, dir, journalPath }) => {
        const original = readState(sandbox);
        const plan = planRemediation(auditFindings(sandbox), { blockPublicAccess: true });
        const planPath = join(dir, 'plan.json');
        writeFileSync(planPath, JSON.stringify(plan));
        const atStep = random.int(0, plan.steps.length - 1);
        const delayMs = random.int(0, 20);
        const output = await applyAndKill([sandbox.url, planPath, journalPath], atStep, delayMs);
        t.diagnostic(`killed ${delayMs} ms into step ${atStep}; it had started ${output.split('\n').filter((line) => line.startsWith('step')).length} of ${plan.steps.length} steps${output.includes('done') ? ' and finished' : ''}`);

        const applied = await applyPlan(planRemediation(auditFindings(sandbox), { blockPublicAccess: true }), {
          sessionFor: sessions.sessionFor,
          journalPath,
        });
        assert.deepEqual(applied.failed, []);
        assert.deepEqual(readState(sandbox), expectedAfterFix(original));

        const undone = await undoJournal(journalPath, { sessionFor: sessions.sessionFor, allowPublic: true });
        assert.deepEqual(undone.failed, []);
        assert.deepEqual(readState(sandbox), original);
        assert.equal(readJournal(journalPath).truncatedLastLine, undefined);
      });
    });
  }
});

describe('a fix whose removals make a new finding, killed with SIGKILL', () => {
  it('plans the snapshot side in the same pass: one run, or a killed run and one re-run, leave nothing to fix', async (t) => {
    let uninterrupted: EstateState | undefined;
    await withWorkspace({ estate: MISMATCH_ESTATE }, async ({ sandbox, sessions, journalPath }) => {
      const applied = await applyPlan(await auditAndPlan(sandbox), { sessionFor: sessions.sessionFor, journalPath });
      assert.deepEqual(applied.failed, []);
      uninterrupted = readState(sandbox);
      assert.deepEqual(uninterrupted.grants[IDS.snapshots.publicDemo], [], 'the prod share of the now private AMI\'s snapshot is gone too');
      assert.deepEqual((await auditAndPlan(sandbox)).steps, [], 'one run leaves nothing for a second');
    });
    for (const seed of [5, 9]) {
      const random = new Random(seed);
      await withWorkspace({ estate: MISMATCH_ESTATE, seed, faults: { latencyMs: [1, 6] } }, async ({ sandbox, sessions, dir, journalPath }) => {
        const plan = await auditAndPlan(sandbox);
        const planPath = join(dir, 'plan.json');
        writeFileSync(planPath, JSON.stringify(plan));
        const atStep = random.int(0, plan.steps.length - 1);
        const delayMs = random.int(0, 20);
        await applyAndKill([sandbox.url, planPath, journalPath], atStep, delayMs);
        t.diagnostic(`seed ${seed}: killed ${delayMs} ms into step ${atStep} of ${plan.steps.length}`);

        const applied = await applyPlan(await auditAndPlan(sandbox), { sessionFor: sessions.sessionFor, journalPath });
        assert.deepEqual(applied.failed, []);
        assert.deepEqual(readState(sandbox), uninterrupted);
        assert.deepEqual((await auditAndPlan(sandbox)).steps, []);
      });
    }
  });
});
