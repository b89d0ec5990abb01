/** Turns what an audit read into the subjects the rules check: the same rules as for templates. */
import { EMPTY_SHARING, type AwsLocation, type Grant, type ImageSubject, type RegionSubject, type Sharing, type UnknownGrant } from '../core/index.js';
import { isDefaultEbsKey } from '../manage/inspect.js';
import { CREATE_VOLUME_PERMISSION, LAUNCH_PERMISSION } from '../rules/helpers.js';
import type { AuditedImage, AuditedSnapshot, Inventory } from './model.js';

function at(account: string, region: string, resourceId: string): AwsLocation {
  return { kind: 'aws', account, region, resourceId };
}

/** What could not be read is an unknown of the sharing, so that no rule takes it for "no one". */
function snapshotSharing(account: string, region: string, snapshots: readonly AuditedSnapshot[]): Sharing {
  const grants: Grant[] = snapshots.flatMap((snapshot) =>
    snapshot.permissions.map((grantee) => ({ grantee, field: CREATE_VOLUME_PERMISSION, location: at(account, region, snapshot.id) })),
  );
  const unknowns: UnknownGrant[] = snapshots.flatMap((snapshot) =>
    snapshot.permissionsUnknown === undefined
      ? []
      : [{ field: CREATE_VOLUME_PERMISSION, location: at(account, region, snapshot.id), reason: snapshot.permissionsUnknown }],
  );
  return { grants, invalid: [], unknowns };
}

function imageSubject(image: AuditedImage, publicSnapshotsBlocked: boolean): ImageSubject {
  const location = at(image.account, image.region, image.id);
  const encrypted = image.snapshots.some((snapshot) => snapshot.encrypted === true);
  const defaultKey = image.snapshots.some((snapshot) => snapshot.encrypted === true && isDefaultEbsKey(snapshot.kmsKeyId));
  return {
    origin: 'aws',
    name: `${image.id} "${image.name}"`,
    type: 'ami',
    amiName: image.name,
    location,
    launch: {
      grants: image.launch.map((grantee) => ({ grantee, field: LAUNCH_PERMISSION, location })),
      invalid: [],
      unknowns: image.launchUnknown === undefined ? [] : [{ field: LAUNCH_PERMISSION, location, reason: image.launchUnknown }],
    },
    snapshot: snapshotSharing(image.account, image.region, image.snapshots),
    ...(publicSnapshotsBlocked ? { publicSnapshotsBlocked } : {}),
    // AWS reports keys by ARN, so the managed key is only known where its alias shows.
    ...(encrypted ? { encryption: { encrypted: true, customerKey: defaultKey ? false : ('unknown' as const), location } } : {}),
  };
}

/** Rule subjects for every AMI, every public snapshot that backs none, and every region read. */
export function inventorySubjects(inventory: Inventory): { subjects: ImageSubject[]; regions: RegionSubject[] } {
  const subjects: ImageSubject[] = [];
  const regions: RegionSubject[] = [];
  for (const region of inventory.regions) {
    const publicSnapshotsBlocked = region.blockPublicAccess.snapshots.state === 'block-all-sharing';
    subjects.push(...region.images.map((image) => imageSubject(image, publicSnapshotsBlocked)));
    for (const snapshot of region.orphanPublicSnapshots) {
      subjects.push({
        origin: 'aws',
        name: snapshot.id,
        type: 'snapshot',
        location: at(region.account, region.region, snapshot.id),
        launch: EMPTY_SHARING,
        snapshot: snapshotSharing(region.account, region.region, [snapshot]),
        ...(publicSnapshotsBlocked ? { publicSnapshotsBlocked } : {}),
      });
    }
    regions.push({
      account: region.account,
      region: region.region,
      images: region.blockPublicAccess.images,
      snapshots: region.blockPublicAccess.snapshots,
    });
  }
  return { subjects, regions };
}
