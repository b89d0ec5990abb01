/**
 * The rules on CloudFormation templates, through `lint()` and discovery: rule id, severity, line
 * and column of each finding, on the fixtures beside this file.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Finding } from '../../../src/core/index.js';
import { lint } from '../../../src/lint/index.js';
import { parsePolicy } from '../../../src/policy/index.js';
import { RULE_IDS } from '../../../src/rules/index.js';
import type { VariableInput } from '../../../src/templates/index.js';

const FIXTURES = join(import.meta.dirname, 'fixtures');
const POLICY = parsePolicy(
  'allow:\n  accounts: ["444455556666"]\n  organizations: ["arn:aws:organizations::111122223333:organization/o-exampleorg1"]\n',
  'amiguard.yaml',
  RULE_IDS,
);

type Row = [ruleId: string, severity: string, line: number, column: number];

async function check(file: string, variables: readonly VariableInput[] = []): Promise<{ rows: Row[]; findings: readonly Finding[]; suppressed: readonly Finding[] }> {
  const result = await lint({ paths: [file], cwd: FIXTURES, env: {}, policy: POLICY, variables, now: new Date('2026-11-30T12:00:00Z') });
  const rows = result.findings.map((finding): Row => {
    assert.equal(finding.location.kind, 'source');
    return [finding.ruleId, finding.severity, finding.location.line, finding.location.column];
  });
  return { rows, findings: result.findings, suppressed: result.suppressed };
}

describe('rules on CloudFormation templates', () => {
  it('public-ami: UserGroups [all], named by resource and field', async () => {
    const { rows, findings } = await check('public.yaml');
    assert.deepEqual(rows, [['public-ami', 'error', 14, 19]]);
    assert.match(findings[0]?.message ?? '', /^AWS::ImageBuilder::DistributionConfiguration Distribution: LaunchPermissionConfiguration\.UserGroups .*public/);
  });

  it('unapproved-account, unapproved-organization, unapproved-ou; approved grantees and the owner account are not reported', async () => {
    const { rows, findings } = await check('grantees.yaml');
    assert.deepEqual(rows, [
      ['unapproved-account', 'error', 18, 40],
      ['unapproved-organization', 'error', 21, 19],
      ['unapproved-ou', 'error', 23, 19],
    ]);
    assert.match(findings[0]?.message ?? '', /999988887777/);
  });

  it('a --var for a parameter changes what is granted', async () => {
    const { rows } = await check('grantees.yaml', [{ kind: 'var', name: 'Outsider', value: '444455556666' }]);
    assert.deepEqual(rows, [
      ['unapproved-organization', 'error', 21, 19],
      ['unapproved-ou', 'error', 23, 19],
    ]);
  });

  it('invalid-grantee: a hyphenated account id and an ":account/o-" organization ARN', async () => {
    const { rows } = await check('invalid.yaml');
    assert.deepEqual(rows, [
      ['invalid-grantee', 'error', 10, 25],
      ['invalid-grantee', 'error', 11, 34],
    ]);
  });

  it('unresolved-sharing: a parameter with no default, and UserGroups behind an undecided condition that may be public', async () => {
    const { rows, findings } = await check('unresolved.yaml');
    assert.deepEqual(rows, [
      ['unresolved-sharing', 'warning', 19, 24],
      ['unresolved-sharing', 'warning', 20, 27],
    ]);
    assert.match(findings[0]?.message ?? '', /parameter ShareWith has no Default/);
    assert.match(findings[1]?.message ?? '', /may make the AMI public: it depends on condition IsPublic: parameter Visibility has no Default/);
  });

  it('CDK synth JSON: public-ami, and an organization ARN built from AWS::AccountId is unresolved', async () => {
    const { rows, findings } = await check('cdk.template.json');
    assert.deepEqual(rows, [
      ['public-ami', 'error', 11, 10],
      ['unresolved-sharing', 'warning', 14, 10],
    ]);
    assert.match(findings[1]?.message ?? '', /AWS::AccountId is the account that deploys the stack/);
  });

  it('parse-error: a template CloudFormation cannot parse', async () => {
    const { rows, findings } = await check('broken.yaml');
    assert.deepEqual(rows, [['parse-error', 'error', 6, 1]]);
    assert.match(findings[0]?.message ?? '', /^invalid YAML/);
  });

  it('a # amiguard-ignore comment in YAML suppresses the finding below it', async () => {
    const { rows, suppressed } = await check('ignored.yaml');
    assert.deepEqual(rows, []);
    assert.deepEqual(suppressed.map((finding) => [finding.ruleId, finding.location.kind === 'source' && finding.location.line]), [['public-ami', 12]]);
  });

  it('lint with no path finds the templates among other files', async () => {
    const result = await lint({ paths: [], cwd: FIXTURES, env: {}, policy: POLICY, now: new Date('2026-11-30T12:00:00Z') });
    const files = new Set(result.findings.map((finding) => (finding.location.kind === 'source' ? finding.location.file : '')));
    assert.deepEqual([...files].sort(), ['broken.yaml', 'cdk.template.json', 'grantees.yaml', 'invalid.yaml', 'public.yaml', 'unresolved.yaml']);
  });
});
