/**
 * Reads one account's AMIs in one region. Calls per region: DescribeImages (one per 1,000 AMIs),
 * DescribeSnapshots RestorableBy=all (one per 1,000 public snapshots), both block public access
 * states, DescribeSnapshots by id (one per 200 snapshots); per AMI one DescribeImageAttribute
 * (AWS has no bulk read of launch permissions) and per backing snapshot one
 * DescribeSnapshotAttribute (nor of volume permissions); per public snapshot that backs no AMI
 * one more DescribeSnapshotAttribute. An AMI with one snapshot costs about 2.006 calls; the two
 * attribute reads draw on separate buckets (AWS throttles per action), so they run side by side.
 *
 * A region is read completely or reported as a failure: the first error that retries did not
 * cure stops it. The exception is an AMI deregistered between the listing and its reads: it no
 * longer exists, so it is left out.
 */
import type { EC2Client } from '@aws-sdk/client-ec2';
import { granteeKey, type Grantee } from '../core/index.js';
import type { BlockPublicAccessState } from '../aws/block-public-access.js';
import { readErrorKind } from '../aws/error-kinds.js';
import { toAmiguardError } from '../aws/errors.js';
import { getLaunchPermissions, getVolumePermissions, type SnapshotInfo } from '../aws/images.js';
import {
  describeSnapshotsById,
  getImageBlockPublicAccess,
  getSnapshotBlockPublicAccess,
  listPublicSnapshots,
  ownedImagePages,
  type OwnedImage,
} from '../aws/inventory-reads.js';
import type { AuditedImage, AuditedSnapshot, AuditFailure, RegionInventory } from './model.js';
import { WorkQueue } from './work-queue.js';

/** Attribute reads in flight per action: enough to keep a bucket busy at AWS's latencies. */
const IN_FLIGHT_PER_ACTION = 16;
const SNAPSHOT_BATCH = 200;
/**
 * A read that failed after the SDK's retries gets one more turn at the end of its queue: the SDK
 * gives up on a 5xx within a second or two, and at once when a spell of errors has spent its
 * retry quota, which a long audit must outlast.
 */
const TURNS = 2;

export interface RegionTarget {
  readonly account: string;
  readonly region: string;
  readonly ec2: EC2Client;
  /** Called once per AMI whose launch permission has been read. */
  readonly onImage: () => void;
}

export type RegionResult = { readonly inventory: RegionInventory } | { readonly failure: AuditFailure };

interface Item<T> {
  readonly value: T;
  readonly turn: number;
}

const NO_GRANTEES: readonly Grantee[] = Object.freeze([]);

/** One object per distinct grantee of the region: 100,000 AMIs shared with one OU hold one ARN. */
class GranteeInterner {
  private readonly known = new Map<string, Grantee>();

  intern(grantees: readonly Grantee[]): readonly Grantee[] {
    if (grantees.length === 0) return NO_GRANTEES;
    return grantees.map((grantee) => {
      const key = granteeKey(grantee);
      const known = this.known.get(key);
      if (known !== undefined) return known;
      this.known.set(key, grantee);
      return grantee;
    });
  }
}

export async function readRegion(target: RegionTarget): Promise<RegionResult> {
  const { account, region, ec2 } = target;
  let failure: string | undefined;
  const fail = (error: unknown, action: string, resource?: string): void => {
    failure ??= toAmiguardError(error, { action, service: 'ec2', region, ...(resource === undefined ? {} : { resource }) }).message;
  };
  const grantees = new GranteeInterner();
  const images: OwnedImage[] = [];
  const gone = new Set<string>();
  const launch = new Map<string, readonly Grantee[]>();
  const volume = new Map<string, readonly Grantee[]>();
  const snapshotInfo = new Map<string, SnapshotInfo>();

  /** Runs one read; on failure decides between leaving the resource out, another turn, or stopping the region. */
  const attempt = async <T>(item: Item<T>, action: string, resource: string, read: () => Promise<void>, again: (item: Item<T>) => void) => {
    if (failure !== undefined) return;
    try {
      await read();
    } catch (error) {
      const kind = readErrorKind(error);
      if (kind === 'gone') gone.add(resource);
      else if (kind === 'other' && item.turn < TURNS) again({ value: item.value, turn: item.turn + 1 });
      else fail(error, action, resource);
    }
  };

  const launchReads: WorkQueue<Item<string>> = new WorkQueue(IN_FLIGHT_PER_ACTION, (item) =>
    attempt(item, 'DescribeImageAttribute', item.value, async () => {
      launch.set(item.value, grantees.intern(await getLaunchPermissions(ec2, item.value)));
      target.onImage();
    }, (next) => launchReads.push(next)),
  );
  const volumeReads: WorkQueue<Item<string>> = new WorkQueue(IN_FLIGHT_PER_ACTION, (item) =>
    attempt(item, 'DescribeSnapshotAttribute', item.value, async () => {
      volume.set(item.value, grantees.intern(await getVolumePermissions(ec2, item.value)));
    }, (next) => volumeReads.push(next)),
  );
  const snapshotReads: WorkQueue<Item<readonly string[]>> = new WorkQueue(2, async (item) => {
    if (failure !== undefined) return;
    try {
      for (const snapshot of await describeSnapshotsById(ec2, item.value)) snapshotInfo.set(snapshot.id, snapshot);
    } catch (error) {
      const kind = readErrorKind(error);
      // One missing id fails the whole batch: ask for each on its own to learn which.
      if (kind === 'gone' && item.value.length > 1) for (const id of item.value) snapshotReads.push({ value: [id], turn: item.turn });
      else if (kind === 'gone') gone.add(item.value[0] ?? '');
      else if (kind === 'other' && item.turn < TURNS) snapshotReads.push({ value: item.value, turn: item.turn + 1 });
      else fail(error, 'DescribeSnapshots', item.value.length === 1 ? item.value[0] : undefined);
    }
  });

  const imageBlock: Promise<BlockPublicAccessState | undefined> = getImageBlockPublicAccess(ec2).catch((error: unknown) => {
    fail(error, 'GetImageBlockPublicAccessState');
    return undefined;
  });
  const snapshotBlock: Promise<BlockPublicAccessState | undefined> = getSnapshotBlockPublicAccess(ec2).catch((error: unknown) => {
    fail(error, 'GetSnapshotBlockPublicAccessState');
    return undefined;
  });
  const publicSnapshots: Promise<SnapshotInfo[]> = listPublicSnapshots(ec2).catch((error: unknown) => {
    fail(error, 'DescribeSnapshots');
    return [];
  });

  const backing = new Set<string>();
  try {
    let batch: string[] = [];
    for await (const page of ownedImagePages(ec2)) {
      if (failure !== undefined) break;
      for (const image of page) {
        images.push(image);
        launchReads.push({ value: image.id, turn: 1 });
        for (const snapshotId of image.snapshotIds) {
          if (backing.has(snapshotId)) continue;
          backing.add(snapshotId);
          volumeReads.push({ value: snapshotId, turn: 1 });
          batch.push(snapshotId);
          if (batch.length === SNAPSHOT_BATCH) {
            snapshotReads.push({ value: batch, turn: 1 });
            batch = [];
          }
        }
      }
    }
    if (batch.length > 0) snapshotReads.push({ value: batch, turn: 1 });
  } catch (error) {
    fail(error, 'DescribeImages');
  }
  const orphans = (await publicSnapshots).filter((snapshot) => !backing.has(snapshot.id));
  for (const snapshot of orphans) {
    snapshotInfo.set(snapshot.id, snapshot);
    volumeReads.push({ value: snapshot.id, turn: 1 });
  }
  await Promise.all([launchReads.close(), volumeReads.close(), snapshotReads.close()]);
  const [imagesBlock, snapshotsBlock] = await Promise.all([imageBlock, snapshotBlock]);
  if (failure !== undefined || imagesBlock === undefined || snapshotsBlock === undefined) {
    return { failure: { account, region, reason: failure ?? 'block public access could not be read' } };
  }

  const audited = new Map<string, AuditedSnapshot>();
  const auditedSnapshot = (id: string): AuditedSnapshot | undefined => {
    const known = audited.get(id);
    if (known !== undefined) return known;
    const info = snapshotInfo.get(id);
    const permissions = volume.get(id);
    if (info === undefined || permissions === undefined) return undefined;
    const snapshot: AuditedSnapshot = {
      id,
      encrypted: info.encrypted,
      ...(info.kmsKeyId === undefined ? {} : { kmsKeyId: info.kmsKeyId }),
      permissions,
    };
    audited.set(id, snapshot);
    return snapshot;
  };

  const result: AuditedImage[] = [];
  for (const image of images.sort((a, b) => compare(a.id, b.id))) {
    if (gone.has(image.id)) continue;
    const permissions = launch.get(image.id);
    if (permissions === undefined) {
      return { failure: { account, region, reason: `the launch permission of ${image.id} in ${region} was not read` } };
    }
    const snapshots: AuditedSnapshot[] = [];
    for (const id of image.snapshotIds) {
      const snapshot = auditedSnapshot(id);
      if (snapshot === undefined) {
        return { failure: { account, region, reason: `snapshot ${id} of ${image.id} in ${region} could not be read: it no longer exists` } };
      }
      snapshots.push(snapshot);
    }
    result.push({
      account,
      region,
      id: image.id,
      name: image.name,
      public: image.public,
      state: image.state,
      ...(image.creationDate === undefined ? {} : { creationDate: image.creationDate }),
      launch: permissions,
      snapshots,
    });
  }
  const orphanPublicSnapshots = orphans
    .map((snapshot) => auditedSnapshot(snapshot.id))
    .filter((snapshot): snapshot is AuditedSnapshot => snapshot !== undefined)
    .sort((a, b) => compare(a.id, b.id));
  return { inventory: { account, region, images: result, orphanPublicSnapshots, blockPublicAccess: { images: imagesBlock, snapshots: snapshotsBlock } } };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
