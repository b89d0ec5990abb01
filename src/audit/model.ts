/**
 * What an audit reads from an AWS estate, and what it could not read. The inventory is data:
 * the rules turn it into findings (src/audit/subjects.ts), the remediation plans from it.
 */
import type { CoverageGap, CoverageRead, ErrorDetail, Grantee } from '../core/index.js';
import type { RegionBlockPublicAccess } from '../aws/block-public-access.js';

export interface AuditedSnapshot {
  readonly id: string;
  /** `unknown` when DescribeSnapshots could not read it. */
  readonly encrypted: boolean | 'unknown';
  readonly kmsKeyId?: string;
  /** Who may create volumes from it (DescribeSnapshotAttribute createVolumePermission). */
  readonly permissions: readonly Grantee[];
  /**
   * Set when the permissions could not be read: why. `permissions` then holds only what the
   * listing of public snapshots showed (public, or nothing), and there may be more.
   */
  readonly permissionsUnknown?: string;
}

export interface AuditedImage {
  readonly account: string;
  readonly region: string;
  readonly id: string;
  readonly name: string;
  readonly public: boolean;
  /** `available`, `disabled`, `pending`...: a disabled AMI has no launch permissions and cannot be changed until enabled. */
  readonly state?: string;
  readonly creationDate?: string;
  /** Who may launch it (DescribeImageAttribute launchPermission). */
  readonly launch: readonly Grantee[];
  /**
   * Set when the launch permission could not be read: why. `launch` then holds only what
   * DescribeImages showed (public, or nothing), and there may be more.
   */
  readonly launchUnknown?: string;
  /** Its backing snapshots, with their permissions. */
  readonly snapshots: readonly AuditedSnapshot[];
}

/** Everything read in one account and region. */
export interface RegionInventory {
  readonly account: string;
  readonly region: string;
  readonly images: readonly AuditedImage[];
  /** Public snapshots the account owns that back none of its AMIs (found by RestorableByUserIds=all). */
  readonly orphanPublicSnapshots: readonly AuditedSnapshot[];
  readonly blockPublicAccess: RegionBlockPublicAccess;
}

/**
 * Something that could not be read: a whole account (no region: a role that cannot be assumed),
 * a whole region (kind `region`), or one kind of read in a region, for all its resources or for
 * the named one. What it covers is unknown, never absent.
 */
export interface AuditFailure extends CoverageGap {
  readonly account: string;
  /** The facts behind the reason, for a caller to word (the CLI names its flags). */
  readonly detail?: ErrorDetail;
}

export interface AuditStats {
  readonly accounts: number;
  /** Distinct region names read, in any account. */
  readonly regions: number;
  /** Account and region pairs read: 3 accounts in the same 3 regions are 9. */
  readonly accountRegions: number;
  readonly images: number;
  /** AWS API calls made, and how many were throttled and retried. */
  readonly calls: number;
  readonly throttled: number;
  readonly durationMs: number;
}

export interface Inventory {
  /** The account of the credentials that read it. */
  readonly caller: string;
  readonly regions: readonly RegionInventory[];
  /** Everything that could not be read, whole accounts and regions and parts of regions alike. */
  readonly failures: readonly AuditFailure[];
  /** What was read, per account, region and kind. */
  readonly read: readonly CoverageRead[];
  readonly stats: AuditStats;
}
