/** Turns what an audit read into the subjects the rules check: the same rules as for templates. */
import { EMPTY_SHARING, type AwsLocation, type Grant, type ImageSubject, type RegionSubject, type Sharing } from '../core/index.js';
import { isDefaultEbsKey } from '../manage/inspect.js';
import { CREATE_VOLUME_PERMISSION, LAUNCH_PERMISSION } from '../rules/helpers.js';
import type { AuditedImage, AuditedSnapshot, Inventory } from './model.js';

function at(account: string, region: string, resourceId: string): AwsLocation {
  return { kind: 'aws', account, region, resourceId };
}

function snapshotSharing(account: string, region: string, snapshots: readonly AuditedSnapshot[]): Sharing {
  const grants: Grant[] = snapshots.flatMap((snapshot) =>
    snapshot.permissions.map((grantee) => ({ grantee, field: CREATE_VOLUME_PERMISSION, location: at(account, region, snapshot.id) })),
  );
  return { grants, invalid: [], unknowns: [] };
}

function imageSubject(image: AuditedImage): ImageSubject {
  const location = at(image.account, image.region, image.id);
  const encrypted = image.snapshots.some((snapshot) => snapshot.encrypted);
  const defaultKey = image.snapshots.some((snapshot) => snapshot.encrypted && isDefaultEbsKey(snapshot.kmsKeyId));
  return {
    origin: 'aws',
    name: `${image.id} "${image.name}"`,
    type: 'ami',
    amiName: image.name,
    location,
    launch: {
      grants: image.launch.map((grantee) => ({ grantee, field: LAUNCH_PERMISSION, location })),
      invalid: [],
      unknowns: [],
    },
    snapshot: snapshotSharing(image.account, image.region, image.snapshots),
    // AWS reports keys by ARN, so the managed key is only known where its alias shows.
    ...(encrypted ? { encryption: { encrypted: true, customerKey: defaultKey ? false : ('unknown' as const), location } } : {}),
  };
}

/** Rule subjects for every AMI, every public snapshot that backs none, and every region read. */
export function inventorySubjects(inventory: Inventory): { subjects: ImageSubject[]; regions: RegionSubject[] } {
  const subjects: ImageSubject[] = [];
  const regions: RegionSubject[] = [];
  for (const region of inventory.regions) {
    subjects.push(...region.images.map(imageSubject));
    for (const snapshot of region.orphanPublicSnapshots) {
      subjects.push({
        origin: 'aws',
        name: snapshot.id,
        type: 'snapshot',
        location: at(region.account, region.region, snapshot.id),
        launch: EMPTY_SHARING,
        snapshot: snapshotSharing(region.account, region.region, [snapshot]),
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
