import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WorkQueue, concurrencyLimit } from '../../src/audit/work-queue.js';

/** Resolves after the current macrotask, so that other workers get to run in between. */
const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('WorkQueue', () => {
  it('handles every item with at most N at once, including items pushed while it runs', async () => {
    let active = 0;
    let peak = 0;
    const handled: number[] = [];
    const queue: WorkQueue<number> = new WorkQueue(3, async (item) => {
      active += 1;
      peak = Math.max(peak, active);
      await tick();
      handled.push(item);
      // A handler may put an item back (another turn), even after the producer is done.
      if (item % 500 === 7) queue.push(item + 0.5);
      active -= 1;
    });
    for (let i = 0; i < 3000; i += 1) {
      queue.push(i);
      if (i % 100 === 0) await tick();
    }
    await queue.close();
    assert.equal(peak, 3);
    assert.equal(handled.length, 3006);
    assert.deepEqual(
      handled.filter((item) => !Number.isInteger(item)),
      [7.5, 507.5, 1007.5, 1507.5, 2007.5, 2507.5],
    );
    assert.deepEqual(
      handled.filter(Number.isInteger).sort((a, b) => a - b),
      Array.from({ length: 3000 }, (_, i) => i),
    );
  });

  it('finishes at once when nothing was pushed', async () => {
    const queue = new WorkQueue<number>(4, () => Promise.reject(new Error('not called')));
    await queue.close();
  });
});

describe('concurrencyLimit', () => {
  it('runs at most N tasks at once, in call order, and passes results and errors through', async () => {
    const limit = concurrencyLimit(2);
    let active = 0;
    let peak = 0;
    const started: number[] = [];
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) =>
        limit(async () => {
          started.push(i);
          active += 1;
          peak = Math.max(peak, active);
          await tick();
          active -= 1;
          if (i === 5) throw new Error('five');
          return i * 10;
        }),
      ),
    );
    assert.equal(peak, 2);
    assert.deepEqual(started, [0, 1, 2, 3, 4, 5, 6, 7]);
    assert.deepEqual(
      results.map((result) => (result.status === 'fulfilled' ? result.value : (result.reason as Error).message)),
      [0, 10, 20, 30, 40, 'five', 60, 70],
    );
  });
});
