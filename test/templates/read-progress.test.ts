/** readTemplates tells how far it has read: once found, while reading (throttled), and once done. */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { discoverTemplates, FORMATS, progressGate, readTemplates, type ReadProgress } from '../../src/templates/index.js';
import { ROOT } from '../cli/run-cli.js';

const EXAMPLES = join(ROOT, 'examples');

describe('read progress', () => {
  it('counts the template files read, never backwards, from 0 to every file found', async () => {
    const calls: ReadProgress[] = [];
    const read = await readTemplates({ paths: [EXAMPLES], cwd: ROOT, variables: [], useEnv: false, env: {}, onProgress: (progress) => calls.push(progress) });
    const found = (await discoverTemplates([EXAMPLES], ROOT, FORMATS)).units.reduce((sum, unit) => sum + unit.files.length, 0);
    assert.ok(found > 5, `the examples hold ${found} templates`);
    assert.deepEqual(calls[0], { read: 0, total: found });
    assert.deepEqual(calls.at(-1), { read: found, total: found });
    for (const [index, call] of calls.entries()) {
      assert.equal(call.total, found);
      if (index > 0) assert.ok(call.read > (calls[index - 1]?.read ?? 0), `call ${index} moves on: ${JSON.stringify(calls)}`);
    }
    assert.ok(read.artifacts.length >= found);
  });

  it('is due at most once per interval, the first time included', () => {
    let now = 1000;
    const due = progressGate(100, () => now);
    const seen: boolean[] = [];
    for (const step of [0, 30, 60, 10, 50, 100, 99, 1]) {
      now += step;
      seen.push(due());
    }
    // 1000 yes; 1030, 1090 no; 1100 yes; 1150 no; 1250 yes; 1349 no; 1350 yes.
    assert.deepEqual(seen, [true, false, false, true, false, true, false, true]);
  });
});
