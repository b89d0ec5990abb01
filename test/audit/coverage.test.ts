/**
 * Issue 7, "never a false all-clear": each read of an audit stands on its own. A read that fails
 * makes what it covers unknown, with the reason and the IAM action, and the rest is still read and
 * checked. Also: block-all-sharing snapshots, and organization membership that cannot be read.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { auditEstate, type AuditResult } from '../../src/audit/audit-estate.js';
import type { AuditScope } from '../../src/audit/index.js';
import { DEFAULT_POLICY, parsePolicy } from '../../src/policy/index.js';
import { RULE_IDS } from '../../src/rules/index.js';
import { SAMPLE_CREDENTIALS, SAMPLE_ESTATE, SAMPLE_IDS, startSandbox, type Estate } from '../../src/sandbox/index.js';
import { denyingAdmin, sandboxSession, type Credentials } from './helpers.js';

const { accounts, images, snapshots, organization } = SAMPLE_IDS;

async function audit(
  estate: Estate,
  credentials: Credentials,
  scope: AuditScope,
  policy = DEFAULT_POLICY,
): Promise<AuditResult> {
  const sandbox = await startSandbox({ estate, speed: Number.POSITIVE_INFINITY });
  const session = sandboxSession(sandbox, credentials);
  try {
    return await auditEstate({ session, scope, policy, now: new Date('2026-11-30T00:00:00Z') });
  } finally {
    session.destroy();
    await sandbox.close();
  }
}

const found = (result: AuditResult): string[] =>
  result.findings.map((finding) => `${finding.ruleId} ${finding.location.kind === 'aws' ? finding.location.resourceId : ''}`);

describe('an audit with a read that fails', () => {
  it('a denied GetImageBlockPublicAccessState leaves the region read: its public AMI is reported, the setting unknown', async () => {
    const result = await audit(denyingAdmin(accounts.management, ['ec2:GetImageBlockPublicAccessState']), SAMPLE_CREDENTIALS.management, {
      regions: ['us-east-1'],
    });
    assert.ok(found(result).includes(`public-ami ${images.publicDemo}`), found(result).join('\n'));
    assert.ok(found(result).includes(`public-snapshot ${snapshots.publicDemo}`));
    assert.deepEqual(
      result.coverage.unread.map((gap) => [gap.account, gap.region, gap.kind, gap.action]),
      [[accounts.management, 'us-east-1', 'image-block-public-access', 'ec2:GetImageBlockPublicAccessState']],
    );
    assert.match(result.coverage.unread[0]?.reason ?? '', /not allowed to call ec2:GetImageBlockPublicAccessState in us-east-1/);
    assert.equal(result.inventory.regions[0]?.blockPublicAccess.images.state, 'unknown');
    // The snapshot setting was read all the same.
    assert.notEqual(result.inventory.regions[0]?.blockPublicAccess.snapshots.state, 'unknown');
    assert.ok(result.coverage.read.some((read) => read.kind === 'launch-permission' && read.count > 0));
  });

  it('a denied DescribeImageAttribute: a public AMI is still reported (DescribeImages says so), the rest named unknown', async () => {
    const result = await audit(denyingAdmin(accounts.management, ['ec2:DescribeImageAttribute']), SAMPLE_CREDENTIALS.management, {
      regions: ['us-east-1'],
    });
    assert.ok(found(result).includes(`public-ami ${images.publicDemo}`), found(result).join('\n'));
    const gaps = result.coverage.unread.filter((gap) => gap.kind === 'launch-permission');
    assert.equal(gaps.length, 1);
    assert.equal(gaps[0]?.action, 'ec2:DescribeImageAttribute');
    // No finding pretends to know who may launch: no unresolved-sharing asking for template variables.
    assert.ok(!result.findings.some((finding) => finding.ruleId === 'unresolved-sharing'));
  });

  it('a denied DescribeSnapshotAttribute: a public snapshot is still reported (the public listing says so)', async () => {
    const result = await audit(denyingAdmin(accounts.dev, ['ec2:DescribeSnapshotAttribute']), SAMPLE_CREDENTIALS.dev, { regions: ['us-east-1'] });
    assert.ok(found(result).includes(`public-snapshot ${snapshots.privateWithPublicSnapshot}`), found(result).join('\n'));
    assert.deepEqual(
      result.coverage.unread.map((gap) => [gap.kind, gap.action]),
      [['create-volume-permission', 'ec2:DescribeSnapshotAttribute']],
    );
  });
});

describe('snapshots under block-all-sharing', () => {
  it('are reported as blocked, not as open disks, and the summary counts only what is really public', async () => {
    const result = await audit(SAMPLE_ESTATE, SAMPLE_CREDENTIALS.prod, { regions: ['ap-southeast-2'] });
    assert.ok(found(result).includes(`blocked-public-snapshot ${snapshots.prodPublicOld}`), found(result).join('\n'));
    assert.ok(!found(result).includes(`public-snapshot ${snapshots.prodPublicOld}`));
    assert.equal(result.findings.find((finding) => finding.ruleId === 'blocked-public-snapshot')?.severity, 'note');
    assert.deepEqual(
      result.report.estate?.regions.map((region) => [region.region, region.publicImages, region.publicSnapshots, region.blockedPublicSnapshots]),
      [['ap-southeast-2', 1, 0, 1]],
    );
  });
});

describe('organization membership that cannot be read', () => {
  const policy = parsePolicy(`allow:\n  organizations: ["${organization.arn}"]\n`, 'amiguard.yaml', RULE_IDS);

  it('leaves the approval unknown (needs review, no fix action) and names the gap with the IAM action', async () => {
    // A member account's credentials cannot walk the organization's tree.
    const result = await audit(SAMPLE_ESTATE, SAMPLE_CREDENTIALS.prod, { regions: ['us-east-1'] }, policy);
    const outsider = result.findings.find(
      (finding) => finding.ruleId === 'unapproved-account' && finding.location.kind === 'aws' && finding.location.resourceId === images.sharedWithOutsider,
    );
    assert.ok(outsider !== undefined, found(result).join('\n'));
    assert.equal(outsider.action, undefined, 'fix must not act on an undecided approval');
    assert.equal(outsider.approval?.status, 'unknown');
    const gap = result.coverage.unread.find((candidate) => candidate.kind === 'organization');
    assert.equal(gap?.action, 'organizations:ListRoots');
    assert.deepEqual(result.report.coverage, result.coverage);
  });
});
