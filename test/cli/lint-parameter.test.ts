/** `--parameter`: a CloudFormation parameter that no other format sees, in-process. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { runInProcess } from './run-cli.js';

const TEMPLATE = `AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  ShareWith:
    Type: String
Resources:
  Distribution:
    Type: AWS::ImageBuilder::DistributionConfiguration
    Properties:
      Name: golden
      Distributions:
        - Region: us-east-1
          AmiDistributionConfiguration:
            LaunchPermissionConfiguration:
              UserIds: [!Ref ShareWith]
`;
const PACKER = 'source "amazon-ebs" "x" {\n  ami_users = ["444455556666"]\n}\n\nbuild {\n  sources = ["source.amazon-ebs.x"]\n}\n';

describe('lint --parameter', () => {
  const dir = mkdtempSync(join(tmpdir(), 'amiguard-parameter-'));
  writeFileSync(join(dir, 'stack.yaml'), TEMPLATE);
  writeFileSync(join(dir, 'image.pkr.hcl'), PACKER);
  after(() => rmSync(dir, { recursive: true, force: true }));
  const rules = (stdout: string): string[] => (JSON.parse(stdout) as { findings: { ruleId: string; location: { file: string } }[] }).findings.map((finding) => `${finding.location.file} ${finding.ruleId}`).sort();

  it('gives a CloudFormation parameter its value, and leaves the Packer configuration beside it alone', async () => {
    const without = await runInProcess(['lint', '.', '-f', 'json'], { cwd: dir });
    assert.deepEqual(rules(without.stdout), ['image.pkr.hcl unapproved-account', 'stack.yaml unresolved-sharing']);
    const given = await runInProcess(['lint', '.', '-f', 'json', '--parameter', 'ShareWith=999988887777'], { cwd: dir });
    assert.deepEqual(rules(given.stdout), ['image.pkr.hcl unapproved-account', 'stack.yaml unapproved-account']);
    // The same value as --var reaches Packer too, which refuses a variable it does not declare.
    const asVar = await runInProcess(['lint', '.', '-f', 'json', '--var', 'ShareWith=999988887777'], { cwd: dir });
    assert.deepEqual(rules(asVar.stdout), ['<command line> parse-error', 'stack.yaml unapproved-account']);
  });

  it('refuses a --parameter that is not NAME=VALUE', async () => {
    const bad = await runInProcess(['lint', '.', '--parameter', 'ShareWith'], { cwd: dir });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--parameter "ShareWith" is not NAME=VALUE/);
  });
});
