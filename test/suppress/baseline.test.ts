import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigurationError, sourceLocation, type Finding } from '../../src/core/index.js';
import { applyBaseline, formatBaseline, parseBaseline } from '../../src/suppress/index.js';

function finding(fingerprint: string, line: number): Finding {
  return {
    ruleId: 'public-ami',
    severity: 'error',
    message: `finding ${fingerprint}`,
    location: sourceLocation('a.pkr.hcl', line, 3),
    related: [],
    fingerprint,
  };
}

describe('baseline', () => {
  it('round-trips: what it records is suppressed, what it does not is new', () => {
    const baseline = parseBaseline(formatBaseline([finding('f1', 2), finding('f2', 5)]), 'base.json');
    assert.deepEqual(baseline.entries.map((entry) => [entry.fingerprint, entry.location]), [['f1', 'a.pkr.hcl:2:3'], ['f2', 'a.pkr.hcl:5:3']]);
    // The same findings on other lines, one of them fixed, and a new one.
    const applied = applyBaseline([finding('f1', 12), finding('f3', 14)], baseline);
    assert.deepEqual(applied.findings.map((f) => f.fingerprint), ['f3']);
    assert.deepEqual(applied.suppressed.map((f) => [f.fingerprint, f.suppression]), [
      ['f1', { kind: 'external', justification: 'recorded in the baseline base.json' }],
    ]);
    assert.equal(applied.unmatched, 1);
  });

  it('matches each entry once: the same value added a second time is new', () => {
    const baseline = parseBaseline(formatBaseline([finding('f1', 2)]), 'base.json');
    const applied = applyBaseline([finding('f1', 2), finding('f1', 3)], baseline);
    assert.equal(applied.suppressed.length, 1);
    assert.equal(applied.findings.length, 1);
  });

  it('refuses a file that is not a baseline, naming it', () => {
    for (const [text, expected] of [
      ['not json', /base\.json: not an amiguard baseline: invalid JSON/],
      ['{"version": 1, "findings": []}', /expected \{"version": 1/],
      ['{"version": 2, "tool": "amiguard", "findings": []}', /version 2; this amiguard reads version 1/],
      ['{"version": 1, "tool": "amiguard", "findings": [{"ruleId": "x"}]}', /findings\[0\] has no "fingerprint"/],
    ] as const) {
      assert.throws(() => parseBaseline(text, 'base.json'), (error: unknown) => error instanceof ConfigurationError && expected.test(error.message));
    }
  });
});
