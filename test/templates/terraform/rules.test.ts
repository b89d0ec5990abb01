/**
 * The rules on Terraform fixtures (test/templates/terraform/fixtures), through lint() and the
 * registered Terraform reader: rule id, severity, file, line and column of every finding.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Finding } from '../../../src/core/index.js';
import { lint } from '../../../src/lint/index.js';
import { parsePolicy } from '../../../src/policy/index.js';
import { RULE_IDS } from '../../../src/rules/index.js';

const FIXTURES = join(import.meta.dirname, 'fixtures');
const ORG = 'arn:aws:organizations::111122223333:organization/o-exampleorg1';
const POLICY = parsePolicy(`allow:\n  accounts: ["444455556666"]\n  organizations: ["${ORG}"]\n`, 'amiguard.yaml', RULE_IDS);

type Row = [ruleId: string, severity: string, where: string, subject: string];

async function check(fixture: string): Promise<{ rows: Row[]; suppressed: Row[] }> {
  const result = await lint({ paths: [], cwd: join(FIXTURES, fixture), env: {}, policy: POLICY, now: new Date('2026-11-30T12:00:00Z') });
  const row = (finding: Finding): Row => {
    assert.equal(finding.location.kind, 'source');
    const { file, line, column } = finding.location;
    return [finding.ruleId, finding.severity, `${file}:${line}:${column}`, finding.message.split(':')[0] ?? ''];
  };
  return { rows: result.findings.map(row), suppressed: result.suppressed.map(row) };
}

describe('Terraform: public-ami', () => {
  it('group = "all" on a launch permission, user_groups = ["all"] in an Image Builder distribution', async () => {
    assert.deepEqual((await check('public')).rows, [
      ['public-ami', 'error', 'main.tf:3:14', 'aws_ami_launch_permission.public'],
      ['public-ami', 'error', 'main.tf:14:24', 'aws_imagebuilder_distribution_configuration.public'],
    ]);
  });

  it('through a local module\'s input: at the use in the module, named by the module address', async () => {
    assert.deepEqual((await check('module')).rows, [
      ['public-ami', 'error', 'modules/share/main.tf:14:23', 'module.share.aws_imagebuilder_distribution_configuration.this'],
    ]);
  });

  it('an amiguard-ignore comment on the line before suppresses it', async () => {
    const { rows, suppressed } = await check('suppressed');
    assert.deepEqual(rows, []);
    assert.deepEqual(suppressed, [['public-ami', 'error', 'main.tf:4:11', 'aws_ami_launch_permission.public']]);
  });
});

describe('Terraform: unapproved and invalid grantees', () => {
  it('per instance of a for_each, per organization, OU and snapshot permission', async () => {
    assert.deepEqual((await check('accounts')).rows, [
      ['unapproved-account', 'error', 'main.tf:8:16', 'aws_ami_launch_permission.share["123456789012"]'],
      ['unapproved-organization', 'error', 'main.tf:13:22', 'aws_ami_launch_permission.org'],
      ['unapproved-ou', 'error', 'main.tf:18:29', 'aws_ami_launch_permission.ou'],
      ['invalid-grantee', 'error', 'main.tf:23:16', 'aws_ami_launch_permission.bad'],
      ['unapproved-account', 'error', 'main.tf:28:17', 'aws_snapshot_create_volume_permission.snap'],
    ]);
  });
});

describe('Terraform: unresolved-sharing and parse-error', () => {
  it('a variable with no value, and a count that decides whether a public grant exists', async () => {
    assert.deepEqual((await check('unresolved')).rows, [
      ['unresolved-sharing', 'warning', 'main.tf:11:16', 'aws_ami_launch_permission.account'],
      ['unresolved-sharing', 'warning', 'main.tf:17:14', 'aws_ami_launch_permission.maybe_public'],
    ]);
  });

  it('a file that does not parse', async () => {
    assert.deepEqual((await check('broken')).rows, [['parse-error', 'error', 'main.tf:3:1', 'missing \'}\' to close the \'{\' at line 1, column 1']]);
  });
});

describe('Terraform: public-ami under block public access', () => {
  it('still an error, saying AWS refuses it, with the block public access resource related; not in another provider configuration', async () => {
    const result = await lint({ paths: [], cwd: join(FIXTURES, 'blocked'), env: {}, policy: POLICY, now: new Date('2026-11-30T12:00:00Z') });
    const rows = result.findings.map((finding) => {
      assert.equal(finding.location.kind, 'source');
      const related = finding.related.map(({ message, location }) => `${location.kind === 'source' ? `${location.file}:${location.line}:${location.column}` : ''} ${message}`);
      return [finding.ruleId, finding.severity, `${finding.location.file}:${finding.location.line}:${finding.location.column}`, finding.message, related];
    });
    assert.deepEqual(rows, [
      [
        'public-ami',
        'error',
        'main.tf:16:14',
        'aws_ami_launch_permission.blocked: group makes the AMI public, which AWS refuses (OperationNotPermitted) while aws_ec2_image_block_public_access.this blocks public sharing of AMIs in that region',
        ['main.tf:10:1 aws_ec2_image_block_public_access.this sets block public access for AMIs to block-new-sharing'],
      ],
      ['public-ami', 'error', 'main.tf:22:14', 'aws_ami_launch_permission.west: group makes the AMI public: every AWS account can launch it', []],
    ]);
  });
});
