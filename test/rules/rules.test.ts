/**
 * Every rule, on valid and invalid templates in both Packer JSON and HCL, through the real
 * readers: asserts rule id, severity, line and column of each finding.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import type { Finding } from '../../src/core/index.js';
import { lint } from '../../src/lint/index.js';
import { parsePolicy } from '../../src/policy/index.js';
import { RULE_IDS } from '../../src/rules/index.js';

const ORG = 'arn:aws:organizations::111122223333:organization/o-exampleorg1';
const OU = 'arn:aws:organizations::111122223333:ou/o-exampleorg1/ou-ab12-cd34ef56';
const OTHER_OU = 'arn:aws:organizations::999988887777:ou/o-otherorg999/ou-zz99-yy88xx77';
const POLICY = parsePolicy(
  `allow:\n  accounts: ["444455556666"]\n  organizations: ["${ORG}"]\n`,
  'amiguard.yaml',
  RULE_IDS,
);

type Row = [ruleId: string, severity: string, line: number, column: number];

async function check(files: Record<string, string>, options: { policy?: boolean; vars?: Record<string, string> } = {}): Promise<Finding[]> {
  const dir = mkdtempSync(join(tmpdir(), 'amiguard-rules-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  const result = await lint({
    paths: [],
    cwd: dir,
    env: {},
    variables: Object.entries(options.vars ?? {}).map(([name, value]) => ({ kind: 'var' as const, name, value })),
    ...(options.policy === true ? { policy: POLICY } : {}),
    now: new Date('2026-11-26T12:00:00Z'),
  });
  return [...result.findings];
}

function rows(findings: readonly Finding[], only?: string): Row[] {
  return findings
    .filter((finding) => only === undefined || finding.ruleId === only)
    .map((finding) => {
      assert.equal(finding.location.kind, 'source');
      return [finding.ruleId, finding.severity, finding.location.line, finding.location.column] as Row;
    });
}

const json = (builder: string) => `{
  "builders": [
    {
      "type": "amazon-ebs",
      "ami_name": "demo",
${builder}
    }
  ]
}
`;

const hcl = (body: string, extra = '') => `${extra}source "amazon-ebs" "demo" {
  ami_name = "demo"
${body}
}

build {
  sources = ["source.amazon-ebs.demo"]
}
`;

describe('public-ami', () => {
  it('JSON: a literal ["all"] and the scalar string "all"', async () => {
    assert.deepEqual(rows(await check({ 'a.json': json('      "ami_groups": ["all"]') })), [['public-ami', 'error', 6, 22]]);
    assert.deepEqual(rows(await check({ 'a.json': json('      "ami_groups": "all"') })), [['public-ami', 'error', 6, 21]]);
  });
  it('HCL: a literal, and a variable default in another file (use site, with the definition related)', async () => {
    assert.deepEqual(rows(await check({ 'a.pkr.hcl': hcl('  ami_groups = ["all"]') })), [['public-ami', 'error', 3, 17]]);
    const findings = await check({
      'a.pkr.hcl': hcl('  ami_groups = var.groups'),
      'variables.pkr.hcl': 'variable "groups" {\n  type    = list(string)\n  default = ["all"]\n}\n',
    });
    assert.deepEqual(rows(findings), [['public-ami', 'error', 3, 16]]);
    const related = findings[0]?.related[0]?.location;
    assert.deepEqual(related?.kind === 'source' ? [related.file, related.line] : [], ['variables.pkr.hcl', 3]);
  });
  it('valid: private, and public only through a --var that is not given', async () => {
    assert.deepEqual(rows(await check({ 'a.json': json('      "ami_groups": []') })), []);
    assert.deepEqual(rows(await check({ 'a.pkr.hcl': hcl('  ami_groups = var.public ? ["all"] : []', 'variable "public" {\n  default = false\n}\n') })), []);
  });
  it('a --var makes it public', async () => {
    const findings = await check({ 'a.pkr.hcl': hcl('  ami_groups = var.public ? ["all"] : []', 'variable "public" {\n  default = false\n}\n') }, { vars: { public: 'true' } });
    assert.deepEqual(rows(findings, 'public-ami').map((row) => row[0]), ['public-ami']);
  });
});

describe('public-snapshot', () => {
  it('JSON and HCL', async () => {
    assert.deepEqual(rows(await check({ 'a.json': json('      "snapshot_groups": ["all"]') }), 'public-snapshot'), [['public-snapshot', 'error', 6, 27]]);
    assert.deepEqual(rows(await check({ 'a.pkr.hcl': hcl('  snapshot_groups = ["all"]') }), 'public-snapshot'), [['public-snapshot', 'error', 3, 22]]);
  });
  it('valid: snapshots shared with no one', async () => {
    assert.deepEqual(rows(await check({ 'a.pkr.hcl': hcl('  snapshot_groups = []') })), []);
  });
});

describe('unapproved-account', () => {
  it('JSON: an unapproved account is an error under a policy; the approved one is not reported', async () => {
    const findings = await check({ 'a.json': json('      "ami_users": ["444455556666", "111122223333"]') }, { policy: true });
    assert.deepEqual(rows(findings), [['unapproved-account', 'error', 6, 37]]);
  });
  it('HCL: without a policy every share is a warning naming the account', async () => {
    const findings = await check({ 'a.pkr.hcl': hcl('  ami_users      = ["111122223333"]\n  snapshot_users = ["111122223333"]') });
    assert.deepEqual(rows(findings), [
      ['unapproved-account', 'warning', 3, 21],
      ['unapproved-account', 'warning', 4, 21],
    ]);
    assert.match(findings[1]?.message ?? '', /shares the snapshots with account 111122223333/);
  });
});

describe('unapproved-organization and unapproved-ou', () => {
  it('JSON: another organization is reported, ours is not', async () => {
    const other = 'arn:aws:organizations::999988887777:organization/o-otherorg999';
    const findings = await check({ 'a.json': json(`      "ami_org_arns": ["${ORG}", "${other}"]`) }, { policy: true });
    assert.deepEqual(rows(findings), [['unapproved-organization', 'error', 6, 90]]);
  });
  it('HCL: an OU inside the approved organization is approved, another is not', async () => {
    const findings = await check({ 'a.pkr.hcl': hcl(`  ami_ou_arns = [\n    "${OU}",\n    "${OTHER_OU}",\n  ]`) }, { policy: true });
    assert.deepEqual(rows(findings), [['unapproved-ou', 'error', 5, 5]]);
  });
});

describe('invalid-grantee', () => {
  it('JSON: an 11-digit account in a comma-separated string, and the :account/o- mistake', async () => {
    const findings = await check({
      'a.json': json(`      "ami_users": "444455556666,55556666777",\n      "ami_org_arns": ["arn:aws:organizations::111122223333:account/o-exampleorg1"]`),
    }, { policy: true });
    assert.deepEqual(rows(findings), [
      ['invalid-grantee', 'error', 6, 20],
      ['invalid-grantee', 'error', 7, 24],
    ]);
    assert.match(findings[1]?.message ?? '', /":account\/o-" where AWS expects ":organization\/o-"/);
  });
  it('HCL: hyphenated account id, a group other than "all"', async () => {
    const findings = await check({ 'a.pkr.hcl': hcl('  ami_users  = ["4444-5555-6666"]\n  ami_groups = ["everyone"]') }, { policy: true });
    assert.deepEqual(rows(findings), [
      ['invalid-grantee', 'error', 3, 17],
      ['invalid-grantee', 'error', 4, 17],
    ]);
  });
});

describe('encrypted-share-default-key', () => {
  it('JSON: encrypt_boot with ami_users and no kms_key_id', async () => {
    const findings = await check({ 'a.json': json('      "encrypt_boot": true,\n      "ami_users": ["444455556666"]') }, { policy: true });
    assert.deepEqual(rows(findings), [['encrypted-share-default-key', 'error', 6, 7]]);
  });
  it('HCL: with a customer key it is fine; without, reported', async () => {
    const withKey = hcl('  encrypt_boot = true\n  kms_key_id   = "alias/images"\n  ami_users    = ["444455556666"]');
    assert.deepEqual(rows(await check({ 'a.pkr.hcl': withKey }, { policy: true })), []);
    const without = hcl('  encrypt_boot = true\n  ami_users    = ["444455556666"]');
    assert.deepEqual(rows(await check({ 'a.pkr.hcl': without }, { policy: true })), [['encrypted-share-default-key', 'error', 3, 3]]);
  });
});

describe('snapshot-sharing-mismatch', () => {
  it('JSON: a public snapshot of a private AMI', async () => {
    const findings = await check({ 'a.json': json('      "ami_users": ["444455556666"],\n      "snapshot_groups": "all"') }, { policy: true });
    assert.deepEqual(rows(findings), [
      ['public-snapshot', 'error', 7, 26],
      ['snapshot-sharing-mismatch', 'warning', 7, 26],
    ]);
  });
  it('HCL: snapshots shared with an account that cannot launch the AMI', async () => {
    const findings = await check({ 'a.pkr.hcl': hcl('  ami_users      = ["444455556666"]\n  snapshot_users = ["444455556666", "555566667777"]') }, { policy: true });
    assert.deepEqual(rows(findings, 'snapshot-sharing-mismatch'), [['snapshot-sharing-mismatch', 'warning', 4, 37]]);
  });
  it('valid: the same accounts on both, or a public AMI', async () => {
    assert.deepEqual(rows(await check({ 'a.pkr.hcl': hcl('  ami_users      = ["444455556666"]\n  snapshot_users = ["444455556666"]') }, { policy: true })), []);
    assert.deepEqual(rows(await check({ 'a.json': json('      "ami_groups": "all",\n      "snapshot_users": ["444455556666"]') }, { policy: true }), 'snapshot-sharing-mismatch'), []);
  });
});

describe('unresolved-sharing', () => {
  it('JSON: a user variable read from the environment', async () => {
    const template = `{
  "variables": { "groups": "{{env \`AMI_GROUPS\`}}" },
  "builders": [{ "type": "amazon-ebs", "ami_groups": "{{user \`groups\`}}" }]
}
`;
    const findings = await check({ 'a.json': template });
    assert.deepEqual(rows(findings), [['unresolved-sharing', 'warning', 3, 54]]);
  });
  it('HCL: a conditional on a variable with no value says it may be public', async () => {
    const findings = await check({ 'a.pkr.hcl': hcl('  ami_groups = var.release ? ["all"] : []', 'variable "release" {\n  type = bool\n}\n') });
    assert.deepEqual(rows(findings), [['unresolved-sharing', 'warning', 6, 16]]);
    assert.match(findings[0]?.message ?? '', /may make the AMI public/);
  });
});

describe('parse-error', () => {
  it('JSON: a truncated file is a finding at the point where it breaks', async () => {
    const findings = await check({ 'a.json': '{\n  "builders": [\n    { "type": "amazon-ebs",\n' });
    assert.deepEqual(rows(findings).map((row) => [row[0], row[1], row[2]]), [['parse-error', 'error', 4]]);
  });
  it('HCL: a syntax error is a finding with its line', async () => {
    const findings = await check({ 'a.pkr.hcl': 'source "amazon-ebs" "x" {\n  ami_groups = ["all"\n}\n' });
    assert.equal(findings.filter((finding) => finding.ruleId === 'parse-error').length, 1);
    const first = findings.find((finding) => finding.ruleId === 'parse-error');
    assert.ok(first?.location.kind === 'source' && first.location.line >= 2 && first.location.line <= 3);
  });
});
