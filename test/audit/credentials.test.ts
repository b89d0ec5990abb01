/** Role sessions shared by an account's regions, renewed before they expire. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renewingCredentials } from '../../src/aws/roles.js';

const HOUR = 3_600_000;

function credentials(name: string, expiresAt: number) {
  return { accessKeyId: `ASIA${name}`, secretAccessKey: 'secret', sessionToken: 'token', expiration: new Date(expiresAt) };
}

describe('renewingCredentials', () => {
  it('keeps the first session until ten minutes before it expires, then assumes the role once more', async () => {
    let now = 0;
    let renewals = 0;
    const provider = renewingCredentials(
      credentials('FIRST', HOUR),
      async () => {
        renewals += 1;
        return credentials(`RENEWED${renewals}`, now + HOUR);
      },
      () => now,
    );
    assert.equal((await provider()).accessKeyId, 'ASIAFIRST');
    now = 49 * 60_000;
    assert.equal((await provider()).accessKeyId, 'ASIAFIRST');
    assert.equal(renewals, 0);

    now = 51 * 60_000;
    // Every region's client asks at once: one AssumeRole serves them all.
    const answers = await Promise.all([provider(), provider(), provider()]);
    assert.deepEqual(answers.map((answer) => answer.accessKeyId), ['ASIARENEWED1', 'ASIARENEWED1', 'ASIARENEWED1']);
    assert.equal(renewals, 1);
    assert.equal((await provider()).accessKeyId, 'ASIARENEWED1');
    assert.equal(renewals, 1);
  });

  it('tries again on the next call when a renewal fails', async () => {
    let now = 55 * 60_000;
    let calls = 0;
    const provider = renewingCredentials(
      credentials('FIRST', HOUR),
      async () => {
        calls += 1;
        if (calls === 1) throw new Error('AccessDenied');
        return credentials('SECOND', now + HOUR);
      },
      () => now,
    );
    await assert.rejects(provider(), /AccessDenied/);
    now += 1000;
    assert.equal((await provider()).accessKeyId, 'ASIASECOND');
    assert.equal(calls, 2);
  });
});
