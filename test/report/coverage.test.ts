/**
 * Every format carries the report's coverage (issue 7): text a summary line that never says "no
 * problems" over what was not read, JSON a `coverage` section, SARIF a failed invocation with a
 * notification per part not read, HTML a banner (see html.test.ts). Lint reports fill it per file.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Coverage, Report } from '../../src/core/index.js';
import { formatJson, formatSarif, formatText } from '../../src/report/index.js';
import { sampleAuditReport } from './sample-audit-report.js';
import { emptyReport } from './sample-report.js';

const LINT_COVERAGE: Coverage = {
  read: [{ kind: 'file', count: 2 }],
  unread: [{ kind: 'file', resource: 'packer/broken.pkr.hcl', reason: 'EACCES: permission denied' }],
};

const incompleteLint: Report = { ...emptyReport(), artifacts: ['packer/a.pkr.hcl', 'packer/b.pkr.hcl'], coverage: LINT_COVERAGE };
const cleanAudit: Report = { ...sampleAuditReport(), findings: [] };

describe('coverage in the text format', () => {
  it('says what is missing instead of "no problems" when nothing was found but something was not read', () => {
    const text = formatText(incompleteLint);
    assert.doesNotMatch(text, /no problems/);
    assert.match(text, /⚠ incomplete: nothing found in what was read in 2 files; 1 part could not be read:\n {2}packer\/broken\.pkr\.hcl: file unknown: EACCES: permission denied\n$/);
  });

  it('counts the findings of what was read, and lists each part not read with its IAM action', () => {
    const text = formatText(sampleAuditReport());
    assert.match(text, /⚠ incomplete: 6 problems \(2 errors, 2 warnings, 2 notes\) in what was read; 3 parts could not be read:/);
    assert.match(text, / {2}444455556666: the whole account unknown: could not assume role .*\[sts:AssumeRole\]/);
    assert.match(text, / {2}111122223333\/us-west-2: block public access for AMIs unknown: .*\[ec2:GetImageBlockPublicAccessState\]/);
    assert.doesNotMatch(formatText(cleanAudit), /no problems/);
  });

  it('says "no problems" only when everything was read', () => {
    assert.match(formatText({ ...cleanAudit, coverage: { read: [], unread: [] } }), /✔ no problems\n$/);
  });
});

describe('coverage in the JSON format', () => {
  it('has a coverage section: complete, what was read, and what was not, with the IAM action', () => {
    const json = JSON.parse(formatJson(sampleAuditReport())) as { coverage: { complete: boolean; read: unknown[]; unread: { kind: string; action?: string }[] } };
    assert.equal(json.coverage.complete, false);
    assert.equal(json.coverage.read.length, 2);
    assert.deepEqual(json.coverage.unread.map((gap) => [gap.kind, gap.action]), [
      ['account', 'sts:AssumeRole'],
      ['launch-permission', 'ec2:DescribeImageAttribute'],
      ['image-block-public-access', 'ec2:GetImageBlockPublicAccessState'],
    ]);
    assert.equal((JSON.parse(formatJson({ ...cleanAudit, coverage: { read: [], unread: [] } })) as { coverage: { complete: boolean } }).coverage.complete, true);
  });

  it('leaves coverage out of a report that does not track it', () => {
    assert.ok(!('coverage' in (JSON.parse(formatJson(emptyReport())) as object)));
  });
});

describe('coverage in the SARIF format', () => {
  interface Invocation {
    readonly executionSuccessful: boolean;
    readonly toolExecutionNotifications?: readonly { level: string; message: { text: string }; locations?: unknown[]; properties?: { iamAction: string } }[];
  }
  const invocations = (report: Report): readonly Invocation[] | undefined =>
    (JSON.parse(formatSarif(report)) as { runs: { invocations?: Invocation[] }[] }).runs[0]?.invocations;

  it('marks an incomplete run as not successful, with an error notification per part not read', () => {
    const [invocation] = invocations(sampleAuditReport()) ?? [];
    assert.equal(invocation?.executionSuccessful, false);
    assert.equal(invocation?.toolExecutionNotifications?.length, 3);
    const bpa = invocation?.toolExecutionNotifications?.[2];
    assert.equal(bpa?.level, 'error');
    assert.match(bpa?.message.text ?? '', /^block public access for AMIs in 111122223333\/us-west-2 could not be read, so it is unknown: /);
    assert.equal(bpa?.properties?.iamAction, 'ec2:GetImageBlockPublicAccessState');
  });

  it('points a file that could not be read at its artifact', () => {
    const [invocation] = invocations(incompleteLint) ?? [];
    assert.deepEqual(invocation?.toolExecutionNotifications?.[0]?.locations, [
      { physicalLocation: { artifactLocation: { uri: 'packer/broken.pkr.hcl', uriBaseId: '%SRCROOT%' } } },
    ]);
  });

  it('says a complete run succeeded, and says nothing of a report that does not track coverage', () => {
    assert.deepEqual(invocations({ ...cleanAudit, coverage: { read: [], unread: [] } }), [{ executionSuccessful: true }]);
    assert.equal(invocations(emptyReport()), undefined);
  });
});
