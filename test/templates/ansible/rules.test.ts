/**
 * The rules on Ansible fixtures through lint() and the registered reader: rule id, severity,
 * line and column of each finding, and the condition named in the message.
 */
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';
import type { Finding } from '../../../src/core/index.js';
import { lint } from '../../../src/lint/index.js';
import { parsePolicy } from '../../../src/policy/index.js';
import { RULE_IDS } from '../../../src/rules/index.js';

const FIXTURES = resolve(import.meta.dirname, 'fixtures');
const POLICY = parsePolicy('allow:\n  accounts: ["444455556666"]\n', 'amiguard.yaml', RULE_IDS);

type Row = [ruleId: string, severity: string, file: string, line: number, column: number];

async function findings(folder: string, variables: { name: string; value: string }[] = []): Promise<Finding[]> {
  const result = await lint({
    paths: [folder],
    cwd: FIXTURES,
    env: {},
    policy: POLICY,
    variables: variables.map((entry) => ({ kind: 'var' as const, ...entry })),
    now: new Date('2026-11-30T12:00:00Z'),
  });
  return [...result.findings];
}

function rows(list: readonly Finding[]): Row[] {
  return list.map((finding) => {
    assert.equal(finding.location.kind, 'source');
    return [finding.ruleId, finding.severity, finding.location.file, finding.location.line, finding.location.column] as Row;
  });
}

describe('rules on Ansible', () => {
  it('public-ami and public-snapshot, with the when: guard in the message', async () => {
    const found = await findings('public');
    assert.deepEqual(rows(found), [
      ['public-ami', 'error', 'public/site.yml', 10, 24],
      ['public-snapshot', 'error', 'public/site.yml', 18, 13],
    ]);
    assert.match(found[0]?.message ?? '', /^task "Make the AMI public": launch_permissions\.group_names \(from \{\{ public_groups \}\}, when: production_tag\) makes the AMI public/);
  });

  it('unapproved-account, unapproved-ou and invalid-grantee', async () => {
    assert.deepEqual(rows(await findings('accounts')), [
      ['unapproved-account', 'error', 'accounts/share.yml', 5, 34],
      ['unapproved-ou', 'error', 'accounts/share.yml', 6, 23],
      ['invalid-grantee', 'error', 'accounts/share.yml', 12, 18],
    ]);
  });

  it('unresolved-sharing names the registered result and the undefined variable; --var resolves it', async () => {
    const found = await findings('unknown');
    assert.deepEqual(rows(found), [
      ['unresolved-sharing', 'warning', 'unknown/share.yml', 10, 17],
      ['unresolved-sharing', 'warning', 'unknown/share.yml', 11, 20],
    ]);
    assert.match(found.map((finding) => finding.message).join('\n'), /"found" is the result of task "Find the accounts"/);
    const resolved = await findings('unknown', [{ name: 'share_groups', value: '["all"]' }]);
    assert.deepEqual(rows(resolved).map((row) => row[0]), ['unresolved-sharing', 'public-ami']);
  });

  it('a role followed from its playbook, with its defaults and the role when:', async () => {
    const found = await findings('role');
    assert.deepEqual(rows(found), [['unapproved-account', 'error', 'role/roles/share/tasks/main.yml', 5, 17]]);
    assert.match(found[0]?.message ?? '', /when: release/);
  });

  it('parse-error at the place of a YAML syntax error', async () => {
    assert.deepEqual(rows(await findings('broken')), [['parse-error', 'error', 'broken/site.yml', 4, 1]]);
  });

  it('an amiguard-ignore comment suppresses with its reason', async () => {
    const result = await lint({ paths: ['suppressed'], cwd: FIXTURES, env: {}, policy: POLICY, now: new Date('2026-11-30T12:00:00Z') });
    assert.deepEqual(rows(result.findings), []);
    assert.deepEqual(rows(result.suppressed), [['public-ami', 'error', 'suppressed/site.yml', 8, 25]]);
  });
});

