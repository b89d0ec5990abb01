/** `--only` / `--except`: Packer's build filter, in-process; other formats are unaffected. */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { runInProcess } from './run-cli.js';

const PACKER = `source "amazon-ebs" "staging" {
  ami_groups = ["all"]
}

source "amazon-ebs" "prod" {
  ami_users = ["111122223333"]
}

build {
  name    = "app"
  sources = ["source.amazon-ebs.staging", "source.amazon-ebs.prod"]
}
`;
const LEGACY = '{ "builders": [{ "type": "amazon-ebs", "name": "legacy", "ami_groups": ["all"] }] }\n';
const TERRAFORM = 'resource "aws_ami_launch_permission" "share" {\n  image_id = "ami-12345678"\n  group    = "all"\n}\n';

describe('lint --only and --except', () => {
  const dir = mkdtempSync(join(tmpdir(), 'amiguard-only-'));
  mkdirSync(join(dir, 'images'));
  mkdirSync(join(dir, 'legacy'));
  mkdirSync(join(dir, 'infra'));
  writeFileSync(join(dir, 'images', 'app.pkr.hcl'), PACKER);
  writeFileSync(join(dir, 'legacy', 'template.json'), LEGACY);
  writeFileSync(join(dir, 'infra', 'main.tf'), TERRAFORM);
  after(() => rmSync(dir, { recursive: true, force: true }));
  const findings = (stdout: string): string[] =>
    (JSON.parse(stdout) as { findings: { ruleId: string; location: { file: string; line: number } }[] }).findings.map((finding) => `${finding.location.file}:${finding.location.line} ${finding.ruleId}`).sort();

  it('checks only the builds Packer would run, and leaves other formats alone', async () => {
    const all = await runInProcess(['lint', 'images', 'infra', '-f', 'json'], { cwd: dir });
    assert.deepEqual(findings(all.stdout), ['images/app.pkr.hcl:2 public-ami', 'images/app.pkr.hcl:6 unapproved-account', 'infra/main.tf:3 public-ami']);
    const prod = await runInProcess(['lint', 'images', 'infra', '-f', 'json', '--only', 'app.amazon-ebs.prod'], { cwd: dir });
    assert.equal(prod.code, 1);
    assert.deepEqual(findings(prod.stdout), ['images/app.pkr.hcl:6 unapproved-account', 'infra/main.tf:3 public-ami']);
    const except = await runInProcess(['lint', 'images', '-f', 'json', '--except', '*.staging,other'], { cwd: dir });
    assert.equal(except.code, 0);
    assert.deepEqual(findings(except.stdout), ['images/app.pkr.hcl:6 unapproved-account']);
  });

  it('is an error when it leaves a Packer configuration nothing to build, never a pass', async () => {
    const none = await runInProcess(['lint', 'images', 'legacy', '--only', 'legacy'], { cwd: dir });
    assert.equal(none.code, 1);
    assert.match(none.stdout, /images\/app\.pkr\.hcl\n {2}9:1 +error +the only \/ except build filters leave none of this configuration's builds to run \(app\.amazon-ebs\.staging, app\.amazon-ebs\.prod\); Packer stops with "No builds to run" +parse-error/);
    assert.match(none.stdout, /legacy\/template\.json\n {2}1:73 +error +legacy: ami_groups makes the AMI public/);
  });
});
