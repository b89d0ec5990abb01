/**
 * What a verdict rests on: what was read, and what was not and why. A part that could not be
 * read is unknown, never absent (issue 7: never a false all-clear). Audits fill it per account,
 * region and resource kind; lint per file. Every report format prints it.
 */
export type CoverageKind =
  /** A whole account (a role that cannot be assumed) or region (not enabled, not listed). */
  | 'account'
  | 'region'
  /** The AMIs an account owns in a region (DescribeImages). */
  | 'images'
  /** Who may launch an AMI (DescribeImageAttribute). */
  | 'launch-permission'
  /** Snapshot encryption (DescribeSnapshots by id). */
  | 'snapshots'
  /** The account's public snapshots (DescribeSnapshots RestorableByUserIds=all). */
  | 'public-snapshots'
  /** Who may create volumes from a snapshot (DescribeSnapshotAttribute). */
  | 'create-volume-permission'
  | 'image-block-public-access'
  | 'snapshot-block-public-access'
  /** Which organization and OUs accounts are in (Organizations). */
  | 'organization'
  /** A template or variable file. */
  | 'file';

export interface CoverageRead {
  readonly kind: CoverageKind;
  readonly account?: string;
  readonly region?: string;
  /** How many were read: AMIs, snapshots, files; 1 for a region's setting. */
  readonly count: number;
}

export interface CoverageGap {
  readonly kind: CoverageKind;
  readonly account?: string;
  readonly region?: string;
  /** The AMI, snapshot or file; absent when the kind is unknown for the whole account or region. */
  readonly resource?: string;
  /** What failed, in the user's terms, with AWS's error. */
  readonly reason: string;
  /** The IAM action whose call failed, e.g. `ec2:GetImageBlockPublicAccessState`, when a call failed. */
  readonly action?: string;
}

export interface Coverage {
  readonly read: readonly CoverageRead[];
  readonly unread: readonly CoverageGap[];
}

export function isComplete(coverage: Coverage | undefined): boolean {
  return coverage === undefined || coverage.unread.length === 0;
}

/** `111122223333/us-east-1/ami-0123...`, as far as the gap names it. */
export function gapPlace(gap: CoverageGap): string {
  return [gap.account, gap.region, gap.resource].filter((part): part is string => part !== undefined).join('/');
}

const KIND_WORDS: Readonly<Record<CoverageKind, string>> = {
  account: 'the whole account',
  region: 'the whole region',
  images: 'AMIs',
  'launch-permission': 'launch permission',
  snapshots: 'snapshots',
  'public-snapshots': 'public snapshots',
  'create-volume-permission': 'create-volume permission',
  'image-block-public-access': 'block public access for AMIs',
  'snapshot-block-public-access': 'block public access for snapshots',
  organization: 'organization membership',
  file: 'file',
};

/** What a gap leaves unknown, in words: `the whole account`, `block public access for AMIs`. */
export function describeGap(gap: CoverageGap): string {
  return KIND_WORDS[gap.kind];
}
