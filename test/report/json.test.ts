import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatJson } from '../../src/report/index.js';
import type { JsonReport } from '../../src/report/index.js';
import { emptyReport, sampleReport } from './sample-report.js';
import { assertMatchesSnapshot } from './snapshot.js';

function parse(output: string): JsonReport {
  return JSON.parse(output) as JsonReport;
}

describe('formatJson', () => {
  it('matches the checked-in output', () => {
    assertMatchesSnapshot(formatJson(sampleReport()), 'report.json');
  });

  it('is pretty-printed and ends with a newline', () => {
    const output = formatJson(sampleReport());
    assert.ok(output.startsWith('{\n  "version": 1,\n'));
    assert.ok(output.endsWith('}\n'));
  });

  it('does not depend on the order of the findings or the rules', () => {
    const report = sampleReport();
    const shuffled = { ...report, findings: [...report.findings].reverse(), rules: [...report.rules].reverse() };
    assert.equal(formatJson(shuffled), formatJson(report));
  });

  it('summarises the severities and the files read', () => {
    assert.deepEqual(parse(formatJson(sampleReport())).summary, { errors: 2, warnings: 2, notes: 1, files: 4 });
    assert.deepEqual(parse(formatJson(emptyReport())).summary, { errors: 0, warnings: 0, notes: 0, files: 1 });
  });

  it('gives source and AWS locations their own shapes', () => {
    const { findings } = parse(formatJson(sampleReport()));
    assert.deepEqual(findings[0]?.location, { file: 'examples/base.pkr.json', line: 9, column: 21, endLine: 9, endColumn: 35 });
    assert.deepEqual(findings.at(-1)?.location, {
      account: '444455556666',
      region: 'eu-west-1',
      resourceId: 'ami-0fedcba9876543210',
    });
  });

  it('has a remediation key only where the finding has one, and always a related list', () => {
    const { findings } = parse(formatJson(sampleReport()));
    assert.deepEqual(
      findings.map((finding) => 'remediation' in finding),
      [false, true, false, true, false],
    );
    assert.deepEqual(
      findings.map((finding) => finding.related.length),
      [0, 1, 1, 1, 0],
    );
  });

  it('lists the rules by id, with the help link', () => {
    const { rules } = parse(formatJson(sampleReport()));
    assert.deepEqual(
      rules.map((rule) => rule.id),
      ['public-ami', 'public-snapshot', 'unapproved-account', 'unresolved-sharing'],
    );
    assert.equal(rules[0]?.helpUri, 'https://github.com/amiguard/amiguard#public-ami');
  });
});
