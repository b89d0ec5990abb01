import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sourceLocation } from '../../src/core/index.js';
import type { Finding, Report } from '../../src/core/index.js';
import { formatText } from '../../src/report/index.js';
import { emptyReport, sampleReport } from './sample-report.js';
import { assertMatchesSnapshot } from './snapshot.js';

const ESCAPE = '\u001b';
// eslint-disable-next-line no-control-regex -- matching the escape sequences is the point
const SGR = /\u001b\[\d+m/g;

function finding(overrides: Partial<Finding>): Finding {
  return {
    ruleId: 'public-ami',
    severity: 'error',
    message: 'AMI is public',
    location: sourceLocation('a.pkr.hcl', 1, 1),
    related: [],
    fingerprint: 'f',
    ...overrides,
  };
}

function withFindings(findings: readonly Finding[], artifacts: readonly string[] = ['a.pkr.hcl']): Report {
  return { ...sampleReport(), findings, artifacts };
}

describe('formatText', () => {
  it('matches the checked-in output', () => {
    assertMatchesSnapshot(formatText(sampleReport()), 'text.txt');
  });

  it('writes no escape sequences without color', () => {
    assert.ok(!formatText(sampleReport()).includes(ESCAPE));
    assert.ok(!formatText(sampleReport(), { color: false }).includes(ESCAPE));
  });

  it('colours severities, headers, positions and rule ids with color, and only adds colour', () => {
    const colored = formatText(sampleReport(), { color: true });
    const sgr = (open: number, text: string, close: number): string =>
      `${ESCAPE}[${open}m${text}${ESCAPE}[${close}m`;
    for (const painted of [
      sgr(31, 'error', 39),
      sgr(33, 'warning', 39),
      sgr(36, 'note', 39),
      sgr(1, 'examples/base.pkr.json', 22),
      sgr(2, '14:16', 22),
      sgr(2, 'public-ami', 22),
    ]) {
      assert.ok(colored.includes(painted), `expected ${JSON.stringify(painted)} in the output`);
    }
    assert.equal(colored.replace(SGR, ''), formatText(sampleReport()));
  });

  it('does not depend on the order of the findings', () => {
    const report = sampleReport();
    assert.equal(formatText({ ...report, findings: [...report.findings].reverse() }), formatText(report));
  });

  it('sorts by line, then column, then rule id within a file', () => {
    const output = formatText(
      withFindings([
        finding({ ruleId: 'z-rule', location: sourceLocation('a.pkr.hcl', 2, 1) }),
        finding({ ruleId: 'b-rule', location: sourceLocation('a.pkr.hcl', 10, 1) }),
        finding({ ruleId: 'y-rule', location: sourceLocation('a.pkr.hcl', 2, 1) }),
        finding({ ruleId: 'a-rule', location: sourceLocation('a.pkr.hcl', 2, 7) }),
      ]),
    );
    const order = [...output.matchAll(/ ([a-z]-rule)$/gm)].map((match) => match[1]);
    assert.deepEqual(order, ['y-rule', 'z-rule', 'a-rule', 'b-rule']);
  });

  it('says so when there are no problems', () => {
    assert.equal(formatText(emptyReport()), '✔ no problems in 1 file\n');
    assert.equal(formatText({ ...emptyReport(), artifacts: ['a', 'b'] }), '✔ no problems in 2 files\n');
    assert.equal(formatText({ ...emptyReport(), artifacts: [] }), '✔ no problems\n');
  });

  it('counts each severity in the summary, in the singular for one', () => {
    const output = formatText(withFindings([finding({ severity: 'warning' })]));
    assert.match(output, /\n\n✖ 1 problem \(0 errors, 1 warning, 0 notes\) in 1 file\n$/);
  });

  it('shows control characters and bidirectional overrides from the data escaped', () => {
    const output = formatText(
      withFindings([
        finding({
          message: 'ami_users includes "\u001b[2J123"',
          location: sourceLocation('evil\u202e.pkr.hcl', 1, 1),
          remediation: 'remove\nit',
        }),
      ]),
      { color: false },
    );
    assert.ok(!output.includes(ESCAPE));
    assert.ok(!output.includes('\u202e'));
    assert.match(output, /ami_users includes "\\x1b\[2J123"/);
    assert.match(output, /^evil\\u202e\.pkr\.hcl$/m);
    assert.match(output, /hint: remove\\x0ait$/m);
  });
});
