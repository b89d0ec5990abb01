/**
 * Reads one account's AMIs in one region. Calls per region: DescribeImages (one per 200 AMIs),
 * DescribeSnapshots RestorableBy=all (one per 1,000 public snapshots), both block public access
 * states, DescribeSnapshots by id (one per 200 snapshots); per AMI one DescribeImageAttribute
 * (AWS has no bulk read of launch permissions) and per backing snapshot one
 * DescribeSnapshotAttribute (nor of volume permissions); per public snapshot that backs no AMI
 * one more DescribeSnapshotAttribute. An AMI with one snapshot costs about 2.01 calls; the two
 * attribute reads draw on separate buckets (AWS throttles per action), so they run side by side.
 *
 * Each read stands on its own (issue 7): a read that fails after retries makes what it covers
 * unknown, named with the reason and the IAM action, and everything else is still read. An error
 * that every further call of the same action would meet (a denial) stops that action in the
 * region, and the resources it had left are unknown with the same reason. What the bulk reads
 * showed stays known: an AMI DescribeImages lists as public, or a snapshot in the listing of
 * public snapshots, is reported public even when its attribute could not be read. An AMI
 * deregistered between the listing and its reads no longer exists, so it is left out.
 */
import type { EC2Client } from '@aws-sdk/client-ec2';
import { granteeKey, type CoverageKind, type CoverageRead, type Grantee } from '../core/index.js';
import { UNKNOWN_STATE, type BlockPublicAccessState } from '../aws/block-public-access.js';
import { readErrorKind } from '../aws/error-kinds.js';
import { failedAction, toAmiguardError } from '../aws/errors.js';
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
/** Resources named in a gap that covers many; the count says how many there are. */
const NAMED_IN_GAP = 5;

export interface RegionTarget {
  readonly account: string;
  readonly region: string;
  readonly ec2: EC2Client;
  /** Called once per AMI whose launch permission has been read. */
  readonly onImage: () => void;
}

/**
 * What was read of the region and what was not; a failure when nothing could be read at all
 * (a region not enabled, or credentials denied every read).
 */
export type RegionResult =
  | { readonly inventory: RegionInventory; readonly read: readonly CoverageRead[]; readonly unread: readonly AuditFailure[] }
  | { readonly failure: AuditFailure };

interface Item<T> {
  readonly value: T;
  readonly turn: number;
}

/** One read that failed for good. */
interface Unread {
  readonly kind: CoverageKind;
  /** The EC2 API action. */
  readonly action: string;
  readonly resource?: string;
  readonly error: unknown;
}

const NO_GRANTEES: readonly Grantee[] = Object.freeze([]);
const PUBLIC: readonly Grantee[] = Object.freeze([{ kind: 'public' }]);

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
  const unread: Unread[] = [];
  /** Actions stopped in this region by an error every further call would meet too. */
  const stopped = new Map<string, unknown>();
  const lose = (entry: Unread): void => {
    unread.push(entry);
    if (readErrorKind(entry.error) === 'systemic') stopped.set(entry.action, entry.error);
  };
  const grantees = new GranteeInterner();
  const images: OwnedImage[] = [];
  const gone = new Set<string>();
  const launch = new Map<string, readonly Grantee[]>();
  const volume = new Map<string, readonly Grantee[]>();
  const snapshotInfo = new Map<string, SnapshotInfo>();

  /** Runs one read; on failure decides between leaving the resource out, another turn, or unknown. */
  const attempt = async <T>(
    item: Item<T>,
    what: { kind: CoverageKind; action: string; resource: string },
    read: () => Promise<void>,
    again: (item: Item<T>) => void,
  ) => {
    const systemic = stopped.get(what.action);
    if (systemic !== undefined) {
      unread.push({ ...what, error: systemic });
      return;
    }
    try {
      await read();
    } catch (error) {
      const kind = readErrorKind(error);
      if (kind === 'gone') gone.add(what.resource);
      else if (kind === 'other' && item.turn < TURNS) again({ value: item.value, turn: item.turn + 1 });
      else lose({ ...what, error });
    }
  };

  const launchReads: WorkQueue<Item<string>> = new WorkQueue(IN_FLIGHT_PER_ACTION, (item) =>
    attempt(item, { kind: 'launch-permission', action: 'DescribeImageAttribute', resource: item.value }, async () => {
      launch.set(item.value, grantees.intern(await getLaunchPermissions(ec2, item.value)));
      target.onImage();
    }, (next) => launchReads.push(next)),
  );
  const volumeReads: WorkQueue<Item<string>> = new WorkQueue(IN_FLIGHT_PER_ACTION, (item) =>
    attempt(item, { kind: 'create-volume-permission', action: 'DescribeSnapshotAttribute', resource: item.value }, async () => {
      volume.set(item.value, grantees.intern(await getVolumePermissions(ec2, item.value)));
    }, (next) => volumeReads.push(next)),
  );
  const snapshotReads: WorkQueue<Item<readonly string[]>> = new WorkQueue(2, async (item) => {
    const systemic = stopped.get('DescribeSnapshots');
    if (systemic !== undefined) {
      for (const id of item.value) unread.push({ kind: 'snapshots', action: 'DescribeSnapshots', resource: id, error: systemic });
      return;
    }
    try {
      for (const snapshot of await describeSnapshotsById(ec2, item.value)) snapshotInfo.set(snapshot.id, snapshot);
    } catch (error) {
      const kind = readErrorKind(error);
      // One missing id fails the whole batch: ask for each on its own to learn which.
      if (kind === 'gone' && item.value.length > 1) for (const id of item.value) snapshotReads.push({ value: [id], turn: item.turn });
      else if (kind === 'gone') gone.add(item.value[0] ?? '');
      else if (kind === 'other' && item.turn < TURNS) snapshotReads.push({ value: item.value, turn: item.turn + 1 });
      else for (const id of item.value) lose({ kind: 'snapshots', action: 'DescribeSnapshots', resource: id, error });
    }
  });

  const setting = (kind: CoverageKind, action: string, read: (ec2: EC2Client) => Promise<BlockPublicAccessState>): Promise<BlockPublicAccessState | undefined> =>
    read(ec2).catch((error: unknown) => {
      lose({ kind, action, error });
      return undefined;
    });
  const imageBlock = setting('image-block-public-access', 'GetImageBlockPublicAccessState', getImageBlockPublicAccess);
  const snapshotBlock = setting('snapshot-block-public-access', 'GetSnapshotBlockPublicAccessState', getSnapshotBlockPublicAccess);
  const publicSnapshots: Promise<SnapshotInfo[] | undefined> = listPublicSnapshots(ec2).catch((error: unknown) => {
    lose({ kind: 'public-snapshots', action: 'DescribeSnapshots', error });
    return undefined;
  });

  const backing = new Set<string>();
  let imagesListed = true;
  try {
    let batch: string[] = [];
    for await (const page of ownedImagePages(ec2)) {
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
    // The AMIs of the pages read so far are still checked; the rest are unknown.
    imagesListed = false;
    lose({ kind: 'images', action: 'DescribeImages', error });
  }
  const publicListing = await publicSnapshots;
  const publicIds = new Set((publicListing ?? []).map((snapshot) => snapshot.id));
  const orphans = (publicListing ?? []).filter((snapshot) => !backing.has(snapshot.id));
  for (const snapshot of orphans) {
    snapshotInfo.set(snapshot.id, snapshot);
    volumeReads.push({ value: snapshot.id, turn: 1 });
  }
  await Promise.all([launchReads.close(), volumeReads.close(), snapshotReads.close()]);
  const [imagesBlock, snapshotsBlock] = await Promise.all([imageBlock, snapshotBlock]);

  const message = (entry: Unread, resource?: string): string =>
    toAmiguardError(entry.error, { action: entry.action, service: 'ec2', region, ...(resource === undefined ? {} : { resource }) }).message;
  if (!imagesListed && imagesBlock === undefined && snapshotsBlock === undefined && publicListing === undefined && images.length === 0) {
    const first = unread[0];
    return {
      failure: {
        kind: 'region',
        account,
        region,
        reason: first === undefined ? 'nothing could be read' : message(first),
        ...(first === undefined ? {} : { action: failedAction(first.error, { service: 'ec2', action: first.action }) }),
      },
    };
  }
  const reasons = new Map<string, string>();
  for (const entry of unread) if (entry.resource !== undefined) reasons.set(`${entry.kind}/${entry.resource}`, message(entry, entry.resource));
  const unknownBecause = (kind: CoverageKind, id: string): string => reasons.get(`${kind}/${id}`) ?? `${id} was not read`;
  const unknownState = (entry: CoverageKind): BlockPublicAccessState => ({
    state: UNKNOWN_STATE,
    managedBy: UNKNOWN_STATE,
    unknown: message(unread.find((lost) => lost.kind === entry) ?? { kind: entry, action: '', error: 'not read' }),
  });

  const audited = new Map<string, AuditedSnapshot>();
  const auditedSnapshot = (id: string): AuditedSnapshot => {
    const known = audited.get(id);
    if (known !== undefined) return known;
    const info = snapshotInfo.get(id);
    const permissions = volume.get(id);
    const snapshot: AuditedSnapshot = {
      id,
      encrypted: info?.encrypted ?? 'unknown',
      ...(info?.kmsKeyId === undefined ? {} : { kmsKeyId: info.kmsKeyId }),
      ...(permissions === undefined
        ? { permissions: publicIds.has(id) ? PUBLIC : NO_GRANTEES, permissionsUnknown: unknownBecause('create-volume-permission', id) }
        : { permissions }),
    };
    audited.set(id, snapshot);
    return snapshot;
  };

  const result: AuditedImage[] = [];
  for (const image of images.sort((a, b) => compare(a.id, b.id))) {
    if (gone.has(image.id)) continue;
    const permissions = launch.get(image.id);
    result.push({
      account,
      region,
      id: image.id,
      name: image.name,
      public: image.public,
      state: image.state,
      ...(image.creationDate === undefined ? {} : { creationDate: image.creationDate }),
      // DescribeImages says whether the AMI is public, even when its launch permission is unknown.
      ...(permissions === undefined
        ? { launch: image.public ? PUBLIC : NO_GRANTEES, launchUnknown: unknownBecause('launch-permission', image.id) }
        : { launch: permissions }),
      // A snapshot deleted under a registered AMI cannot be: were it so, there is nothing to share.
      snapshots: image.snapshotIds.filter((id) => !gone.has(id)).map(auditedSnapshot),
    });
  }
  const orphanPublicSnapshots = orphans
    .filter((snapshot) => !gone.has(snapshot.id))
    .map((snapshot) => auditedSnapshot(snapshot.id))
    .sort((a, b) => compare(a.id, b.id));
  const inventory: RegionInventory = {
    account,
    region,
    images: result,
    orphanPublicSnapshots,
    blockPublicAccess: {
      images: imagesBlock ?? unknownState('image-block-public-access'),
      snapshots: snapshotsBlock ?? unknownState('snapshot-block-public-access'),
    },
  };
  const counted = (kind: CoverageKind, count: number, known: boolean): CoverageRead[] => (known ? [{ kind, account, region, count }] : []);
  const read: CoverageRead[] = [
    ...counted('images', images.length, true),
    ...counted('launch-permission', launch.size, true),
    ...counted('snapshots', snapshotInfo.size, true),
    ...counted('create-volume-permission', volume.size, true),
    ...counted('public-snapshots', publicIds.size, publicListing !== undefined),
    ...counted('image-block-public-access', 1, imagesBlock !== undefined),
    ...counted('snapshot-block-public-access', 1, snapshotsBlock !== undefined),
  ];
  return { inventory, read, unread: gaps(account, region, unread.filter((entry) => entry.resource === undefined || !gone.has(entry.resource)), message) };
}

/**
 * One gap per kind of read and reason: a denial met by 10,000 AMIs is one line that counts them
 * and names a few, not 10,000 lines.
 */
function gaps(account: string, region: string, unread: readonly Unread[], message: (entry: Unread, resource?: string) => string): AuditFailure[] {
  const groups = new Map<string, { entry: Unread; resources: string[] }>();
  for (const entry of unread) {
    const key = `${entry.kind}\0${entry.action}\0${message(entry)}`;
    const group = groups.get(key) ?? { entry, resources: [] };
    if (entry.resource !== undefined) group.resources.push(entry.resource);
    groups.set(key, group);
  }
  return [...groups.values()].map(({ entry, resources }): AuditFailure => {
    const action = failedAction(entry.error, { service: 'ec2', action: entry.action });
    const ids = [...new Set(resources)].sort(compare);
    const [only] = ids;
    if (only !== undefined && ids.length === 1) return { kind: entry.kind, account, region, resource: only, reason: message(entry, only), action };
    const named = ids.length === 0 ? '' : ` (${ids.length}: ${ids.slice(0, NAMED_IN_GAP).join(', ')}${ids.length > NAMED_IN_GAP ? ', ...' : ''})`;
    return { kind: entry.kind, account, region, reason: `${message(entry)}${named}`, action };
  });
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
