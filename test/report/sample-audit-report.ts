import type { Finding, Report, Severity } from '../../src/core/index.js';
import { sampleReport } from './sample-report.js';

/** Text a template or AWS could hand us that must reach the page as text, never as markup. */
export const INJECTED_MESSAGE = `AMI name <script>alert(1)</script> says "it's fine" & more`;
export const INJECTED_RESOURCE = `ami-<b>"x"&'y'</b>`;

function awsFinding(
  ruleId: string,
  severity: Severity,
  account: string,
  region: string,
  resourceId: string,
  message: string,
  remediation?: string,
): Finding {
  return {
    ruleId,
    severity,
    message,
    location: { kind: 'aws', account, region, resourceId },
    related: [],
    fingerprint: `${ruleId}/${account}/${region}/${resourceId}`,
    ...(remediation === undefined ? {} : { remediation }),
  };
}

/**
 * An audit of three accounts: findings of every severity, given out of order, in accounts
 * whose order differs from their findings' severity order, one finding carrying markup in its
 * message and resource id; four regions with something to chart, one empty; an account, one region's launch permissions and one region's block public access not read.
 */
const FINDINGS: readonly Finding[] = [
  awsFinding(
    'unapproved-account',
    'warning',
    '222233334444',
    'eu-west-1',
    'ami-0b2b2b2b2b2b2b2b2',
    'ami-0b2b2b2b2b2b2b2b2 is shared with account 999988887777, which the policy does not approve',
  ),
  awsFinding(
    'public-ami',
    'error',
    '333344445555',
    'us-east-1',
    'ami-0c3c3c3c3c3c3c3c3',
    'ami-0c3c3c3c3c3c3c3c3 is public',
    'amiguard make-private ami-0c3c3c3c3c3c3c3c3 --region us-east-1',
  ),
  awsFinding('unresolved-sharing', 'note', '111122223333', 'us-east-1', 'ami-0a1a1a1a1a1a1a1a1', 'ami-0a1a1a1a1a1a1a1a1 is shared with an organization whose accounts could not be listed'),
  awsFinding('public-snapshot', 'error', '111122223333', 'us-west-2', INJECTED_RESOURCE, INJECTED_MESSAGE, 'remove the "all" group & retry'),
  awsFinding(
    'unapproved-account',
    'warning',
    '111122223333',
    'us-east-1',
    'ami-0a2a2a2a2a2a2a2a2',
    'ami-0a2a2a2a2a2a2a2a2 is shared with account 555566667777, which the policy does not approve',
  ),
  awsFinding('unresolved-sharing', 'note', '333344445555', 'us-east-1', 'ami-0c4c4c4c4c4c4c4c4', 'ami-0c4c4c4c4c4c4c4c4 is shared with an OU that could not be read'),
];

export function sampleAuditReport(): Report {
  return {
    ...sampleReport(),
    findings: FINDINGS,
    artifacts: [],
    estate: {
      regions: [
        { account: '333344445555', region: 'us-east-1', images: 4, publicImages: 1, publicSnapshots: 0, blockedPublicSnapshots: 0, sharedOutsidePolicy: 0 },
        { account: '111122223333', region: 'us-west-2', images: 2, publicImages: 0, publicSnapshots: 1, blockedPublicSnapshots: 0, sharedOutsidePolicy: 0 },
        { account: '111122223333', region: 'us-east-1', images: 12, publicImages: 0, publicSnapshots: 0, blockedPublicSnapshots: 0, sharedOutsidePolicy: 1 },
        { account: '222233334444', region: 'eu-west-1', images: 7, publicImages: 0, publicSnapshots: 0, blockedPublicSnapshots: 0, sharedOutsidePolicy: 1 },
        { account: '222233334444', region: 'ap-south-1', images: 0, publicImages: 0, publicSnapshots: 0, blockedPublicSnapshots: 0, sharedOutsidePolicy: 0 },
      ],
    },
    coverage: {
      read: [
        { kind: 'images', account: '111122223333', region: 'us-east-1', count: 12 },
        { kind: 'launch-permission', account: '111122223333', region: 'us-east-1', count: 12 },
      ],
      unread: [
        { kind: 'account', account: '444455556666', reason: 'could not assume role arn:aws:iam::444455556666:role/amiguard-audit: AccessDenied', action: 'sts:AssumeRole' },
        {
          kind: 'launch-permission',
          account: '333344445555',
          region: 'eu-west-1',
          reason: 'UnauthorizedOperation: ec2:DescribeImageAttribute <denied> & "logged"',
          action: 'ec2:DescribeImageAttribute',
        },
        {
          kind: 'image-block-public-access',
          account: '111122223333',
          region: 'us-west-2',
          reason: 'not allowed to call ec2:GetImageBlockPublicAccessState in us-west-2',
          action: 'ec2:GetImageBlockPublicAccessState',
        },
      ],
    },
  };
}

/** Bars the estate chart draws: three (public AMIs, public snapshots, unapproved grants) per region with a public or unapproved grant. */
export const SAMPLE_AUDIT_BARS = 4 * 3;
