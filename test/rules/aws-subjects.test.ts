/**
 * The rules on an audited estate: what an inventory turns into, with the remediation action
 * each finding carries, the org-aware allow list and block public access.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AccountMembership, Finding, OrganizationDirectory } from '../../src/core/index.js';
import { inventorySubjects } from '../../src/audit/rule-subjects.js';
import type { Inventory } from '../../src/audit/model.js';
import { DEFAULT_POLICY, parsePolicy } from '../../src/policy/index.js';
import { RULE_IDS, RULES, runRules } from '../../src/rules/index.js';

const ORG = 'arn:aws:organizations::111111111111:organization/o-sandbox0001';
const OU = 'arn:aws:organizations::111111111111:ou/o-sandbox0001/ou-prod-00000001';
const bpa = (images: string, snapshots: string, managedBy = 'account') => ({ images: { state: images, managedBy }, snapshots: { state: snapshots, managedBy } });

const INVENTORY: Inventory = {
  caller: '111111111111',
  regions: [
    {
      account: '111111111111',
      region: 'us-east-1',
      blockPublicAccess: bpa('unblocked', 'block-all-sharing'),
      orphanPublicSnapshots: [{ id: 'snap-0000000000000000f', encrypted: false, permissions: [{ kind: 'public' }] }],
      images: [
        {
          account: '111111111111',
          region: 'us-east-1',
          id: 'ami-00000000000000001',
          name: 'web',
          public: true,
          launch: [{ kind: 'public' }, { kind: 'account', id: '222222222222' }, { kind: 'account', id: '999988887777' }],
          snapshots: [{ id: 'snap-00000000000000001', encrypted: false, permissions: [{ kind: 'account', id: '222222222222' }] }],
        },
        {
          account: '111111111111',
          region: 'us-east-1',
          id: 'ami-00000000000000002',
          name: 'private',
          public: false,
          launch: [],
          snapshots: [{ id: 'snap-00000000000000002', encrypted: false, permissions: [{ kind: 'public' }] }],
        },
      ],
    },
    {
      account: '111111111111',
      region: 'eu-west-1',
      blockPublicAccess: bpa('unblocked', 'unblocked', 'declarative-policy'),
      orphanPublicSnapshots: [],
      images: [],
    },
  ],
  failures: [],
  read: [],
  stats: { accounts: 1, regions: 2, accountRegions: 2, images: 2, calls: 0, throttled: 0, durationMs: 0 },
};

function run(policy = DEFAULT_POLICY, directory?: OrganizationDirectory): Finding[] {
  const { subjects, regions } = inventorySubjects(INVENTORY);
  return runRules({ subjects, regions, problems: [], policy, rules: RULES, now: new Date('2026-11-26'), ...(directory === undefined ? {} : { directory }) });
}

function summary(findings: readonly Finding[]): string[] {
  return findings.map((finding) => {
    const where = finding.location.kind === 'aws' ? `${finding.location.region}/${finding.location.resourceId}` : 'file';
    const action = finding.action === undefined ? 'no action' : finding.action.kind === 'remove-grant' ? `remove ${JSON.stringify(finding.action.grantee)} from ${finding.action.resource.id}` : `enable ${finding.action.target} BPA`;
    return `${finding.ruleId} ${where}: ${action}`;
  });
}

describe('rules on an audited estate', () => {
  it('reports public AMIs and snapshots, mismatches, shares and BPA, each with the action that fixes it', () => {
    assert.deepEqual(summary(run()), [
      'block-public-access-off eu-west-1/image-block-public-access: no action',
      'block-public-access-off eu-west-1/snapshot-block-public-access: no action',
      'public-ami us-east-1/ami-00000000000000001: remove {"kind":"public"} from ami-00000000000000001',
      'unapproved-account us-east-1/ami-00000000000000001: remove {"kind":"account","id":"222222222222"} from ami-00000000000000001',
      'unapproved-account us-east-1/ami-00000000000000001: remove {"kind":"account","id":"999988887777"} from ami-00000000000000001',
      'block-public-access-off us-east-1/image-block-public-access: enable images BPA',
      'unapproved-account us-east-1/snap-00000000000000001: remove {"kind":"account","id":"222222222222"} from snap-00000000000000001',
      // us-east-1 blocks all snapshot sharing: the public grants are reported as blocked, not as open disks.
      'blocked-public-snapshot us-east-1/snap-00000000000000002: remove {"kind":"public"} from snap-00000000000000002',
      'blocked-public-snapshot us-east-1/snap-0000000000000000f: remove {"kind":"public"} from snap-0000000000000000f',
    ]);
  });

  it('approves an account through its organization or OU when the directory knows it, and says when it cannot', () => {
    const policy = parsePolicy(`allow:\n  ous: ["${OU}"]\n`, 'amiguard.yaml', RULE_IDS);
    const members: Record<string, AccountMembership> = {
      '222222222222': { known: true, organizationArn: ORG, ouArns: [OU] },
      '999988887777': { known: false, reason: 'AccessDeniedException from ListAccounts' },
    };
    const directory: OrganizationDirectory = { membership: (id) => members[id] ?? { known: true, ouArns: [] } };
    const unapproved = run(policy, directory).filter((finding) => finding.ruleId === 'unapproved-account');
    assert.equal(unapproved.length, 1);
    assert.match(unapproved[0]?.message ?? '', /999988887777, which is not in allow\.accounts; whether it belongs to an approved organization or OU could not be resolved: AccessDeniedException/);
  });
});
