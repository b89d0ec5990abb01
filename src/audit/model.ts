/**
 * What an audit reads from an AWS estate, and what it could not read. The inventory is data:
 * the rules turn it into findings (src/audit/subjects.ts), the remediation plans from it.
 */
import type { Grantee } from '../core/index.js';
import type { RegionBlockPublicAccess } from '../aws/block-public-access.js';

export interface AuditedSnapshot {
  readonly id: string;
  readonly encrypted: boolean;
  readonly kmsKeyId?: string;
  /** Who may create volumes from it (DescribeSnapshotAttribute createVolumePermission). */
  readonly permissions: readonly Grantee[];
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

/** An account, or one of its regions, that could not be read: named, with the reason. */
export interface AuditFailure {
  readonly account: string;
  /** Absent when the whole account failed (a role that cannot be assumed). */
  readonly region?: string;
  readonly reason: string;
}

export interface AuditStats {
  readonly accounts: number;
  readonly regions: number;
  readonly images: number;
  /** AWS API calls made, and how many were throttled and retried. */
  readonly calls: number;
  readonly throttled: number;
  readonly durationMs: number;
}

export interface Inventory {
  readonly regions: readonly RegionInventory[];
  readonly failures: readonly AuditFailure[];
  readonly stats: AuditStats;
}
