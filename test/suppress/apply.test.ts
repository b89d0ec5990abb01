import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sourceLocation, type Finding } from '../../src/core/index.js';
import { applyDirectives, parseDirective } from '../../src/suppress/index.js';

const FINDING: Finding = {
  ruleId: 'public-ami',
  severity: 'error',
  message: 'public',
  location: sourceLocation('a.pkr.hcl', 3, 17),
  related: [],
  fingerprint: 'f',
};

function directive(written: string, from = 3, to = 3, file = 'a.pkr.hcl') {
  return parseDirective(written, sourceLocation(file, 2, 3), { from, to });
}

describe('applyDirectives', () => {
  it('an expiry holds through its day (UTC) and ends the next', () => {
    const until = [directive(' public-ami until 2027-01-31: launch')];
    assert.equal(applyDirectives([FINDING], until, new Date('2027-01-31T23:59:59Z')).suppressed.length, 1);
    const after = applyDirectives([FINDING], until, new Date('2027-02-01T00:00:00Z'));
    assert.equal(after.suppressed.length, 0);
    assert.deepEqual(after.findings[0]?.related.map((related) => related.message), [
      'amiguard-ignore expired on 2027-01-31, so it no longer suppresses this (launch)',
    ]);
  });

  it('needs the rule, the file and a covered line; a directive with a problem suppresses nothing', () => {
    const now = new Date('2026-01-01T00:00:00Z');
    const misses = [
      directive(' public-snapshot: other rule'),
      directive(' public-ami: other lines', 4, 9),
      directive(' public-ami: other file', 3, 3, 'b.pkr.hcl'),
      directive(' public-ami'),
    ];
    assert.equal(applyDirectives([FINDING], misses, now).findings.length, 1);
    assert.equal(applyDirectives([FINDING], [directive(' public-snapshot, public-ami: both', 1, 8)], now).suppressed.length, 1);
    const fileWide = parseDirective(' public-ami: whole file', sourceLocation('a.pkr.hcl', 1, 1), 'file');
    assert.equal(applyDirectives([FINDING], [fileWide], now).suppressed.length, 1);
  });
});
