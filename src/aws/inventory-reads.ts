/**
 * The bulk reads of an audit, page by page, each page turned at once into compact records so
 * that no SDK response outlives its page (AWS's shapes stay in this file).
 */
import {
  DescribeRegionsCommand,
  DescribeSnapshotsCommand,
  GetImageBlockPublicAccessStateCommand,
  GetSnapshotBlockPublicAccessStateCommand,
  paginateDescribeImages,
  paginateDescribeSnapshots,
  type EC2Client,
  type Snapshot,
} from '@aws-sdk/client-ec2';
import type { BlockPublicAccessState } from './block-public-access.js';
import type { SnapshotInfo } from './images.js';

/** An AMI the account owns, as DescribeImages lists it. */
export interface OwnedImage {
  readonly id: string;
  readonly name: string;
  readonly state: string;
  readonly public: boolean;
  readonly creationDate?: string;
  readonly snapshotIds: readonly string[];
}

export interface RegionStatus {
  readonly name: string;
  /** `opt-in-not-required`, `opted-in` or `not-opted-in`. */
  readonly optInStatus: string;
}

const PAGE_SIZE = 1000;
/**
 * Owned AMIs come 200 to a page, not 1,000: a region's attribute reads start with its first page,
 * and each of its two buckets refills only from its first request. A page of 1,000 AMIs costs
 * ~70-150 ms of CPU to send and parse, so with 8 account-regions the last one's reads started
 * ~2 s into an audit, and it finished ~2 s after the others (issue 11: 1.055-1.063x the
 * token-bucket bound; 1.023-1.029x with pages of 200). The extra DescribeImages calls (one per 200
 * AMIs) draw on a bucket of their own.
 */
const IMAGE_PAGE_SIZE = 200;

/**
 * Owned AMIs, a page (up to 200) at a time. Disabled AMIs are included: DescribeImages hides
 * them unless asked, and an audit must not skip them.
 */
export async function* ownedImagePages(ec2: EC2Client): AsyncGenerator<OwnedImage[]> {
  const pages = paginateDescribeImages({ client: ec2, pageSize: IMAGE_PAGE_SIZE }, { Owners: ['self'], IncludeDisabled: true });
  for await (const page of pages) {
    yield (page.Images ?? []).flatMap((image): OwnedImage[] => {
      if (image.ImageId === undefined) return [];
      return [
        {
          id: image.ImageId,
          name: image.Name ?? '',
          state: image.State ?? 'unknown',
          public: image.Public === true,
          ...(image.CreationDate === undefined ? {} : { creationDate: image.CreationDate }),
          snapshotIds: (image.BlockDeviceMappings ?? []).flatMap((mapping) =>
            mapping.Ebs?.SnapshotId === undefined ? [] : [mapping.Ebs.SnapshotId],
          ),
        },
      ];
    });
  }
}

function toSnapshotInfo(snapshot: Snapshot): SnapshotInfo {
  return {
    id: snapshot.SnapshotId ?? '',
    ownerId: snapshot.OwnerId ?? '',
    encrypted: snapshot.Encrypted === true,
    ...(snapshot.KmsKeyId === undefined ? {} : { kmsKeyId: snapshot.KmsKeyId }),
  };
}

/** Snapshots the account owns that anyone may restore: one paginated call (AWS-FACTS "Snapshots"). */
export async function listPublicSnapshots(ec2: EC2Client): Promise<SnapshotInfo[]> {
  const snapshots: SnapshotInfo[] = [];
  const pages = paginateDescribeSnapshots({ client: ec2, pageSize: PAGE_SIZE }, { OwnerIds: ['self'], RestorableByUserIds: ['all'] });
  for await (const page of pages) {
    for (const snapshot of page.Snapshots ?? []) snapshots.push(toSnapshotInfo(snapshot));
  }
  return snapshots;
}

/** Snapshots by id: one call for a batch (callers keep batches to a few hundred ids). */
export async function describeSnapshotsById(ec2: EC2Client, ids: readonly string[]): Promise<SnapshotInfo[]> {
  if (ids.length === 0) return [];
  const result = await ec2.send(new DescribeSnapshotsCommand({ SnapshotIds: [...ids] }));
  return (result.Snapshots ?? []).map(toSnapshotInfo);
}

/** Every region of the partition with the account's opt-in status (DescribeRegions AllRegions). */
export async function listRegions(ec2: EC2Client): Promise<RegionStatus[]> {
  const result = await ec2.send(new DescribeRegionsCommand({ AllRegions: true }));
  return (result.Regions ?? []).flatMap((region) =>
    region.RegionName === undefined ? [] : [{ name: region.RegionName, optInStatus: region.OptInStatus ?? 'opt-in-not-required' }],
  );
}

/** Read one at a time (unlike getBlockPublicAccess), so that a failure names the call that failed. */
export async function getImageBlockPublicAccess(ec2: EC2Client): Promise<BlockPublicAccessState> {
  const result = await ec2.send(new GetImageBlockPublicAccessStateCommand({}));
  return { state: result.ImageBlockPublicAccessState ?? 'unknown', managedBy: result.ManagedBy ?? 'account' };
}

export async function getSnapshotBlockPublicAccess(ec2: EC2Client): Promise<BlockPublicAccessState> {
  const result = await ec2.send(new GetSnapshotBlockPublicAccessStateCommand({}));
  return { state: result.State ?? 'unknown', managedBy: result.ManagedBy ?? 'account' };
}
