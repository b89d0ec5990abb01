import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { describeGrantee, granteeKey, type Grantee } from '../core/index.js';
import { getBlockPublicAccess, type RegionBlockPublicAccess } from '../aws/block-public-access.js';
import { toAmiguardError } from '../aws/errors.js';
import { describeSnapshots, getLaunchPermissions, getVolumePermissions, type ImageInfo, type SnapshotInfo } from '../aws/images.js';
import type { AwsSession } from '../aws/session.js';

export interface SnapshotView extends SnapshotInfo {
  /** Encrypted with the AWS managed key (aws/ebs), which can never be shared. */
  readonly defaultKey: boolean;
  readonly permissions: readonly Grantee[];
}

export interface ImageView {
  readonly image: ImageInfo;
  readonly launch: readonly Grantee[];
  readonly snapshots: readonly SnapshotView[];
  readonly blockPublicAccess: RegionBlockPublicAccess;
  readonly warnings: readonly string[];
}

/** The account the session's credentials belong to. */
export async function callerAccount(session: AwsSession, region: string, command: string): Promise<string> {
  try {
    const identity = await session.sts(region).send(new GetCallerIdentityCommand({}));
    return identity.Account ?? '';
  } catch (error) {
    throw toAmiguardError(error, { service: 'sts', action: 'GetCallerIdentity', region, command });
  }
}

/** AWS reports the key by ARN; the managed key is recognisable by its alias where it is given. */
export function isDefaultEbsKey(kmsKeyId: string | undefined): boolean {
  return kmsKeyId !== undefined && /(^|:)alias\/aws\/ebs$/.test(kmsKeyId);
}

/** Everything about who can use an AMI: launch permissions, snapshots, the region's BPA. */
export async function inspectImage(
  session: AwsSession,
  image: ImageInfo,
  command: string,
  bpaCache = new Map<string, Promise<RegionBlockPublicAccess>>(),
): Promise<ImageView> {
  const ec2 = session.ec2(image.region);
  const context = { service: 'ec2' as const, region: image.region, command, resource: image.id };
  let bpa = bpaCache.get(image.region);
  if (bpa === undefined) {
    bpa = getBlockPublicAccess(ec2);
    bpaCache.set(image.region, bpa);
  }
  try {
    const [launch, snapshots, blockPublicAccess] = await Promise.all([
      getLaunchPermissions(ec2, image.id),
      describeSnapshots(ec2, image.snapshotIds),
      bpa,
    ]);
    const snapshotViews = await Promise.all(
      snapshots.map(async (snapshot) => ({
        ...snapshot,
        defaultKey: snapshot.encrypted && isDefaultEbsKey(snapshot.kmsKeyId),
        permissions: await getVolumePermissions(ec2, snapshot.id),
      })),
    );
    return { image, launch, snapshots: snapshotViews, blockPublicAccess, warnings: warningsFor(image, launch, snapshotViews, blockPublicAccess) };
  } catch (error) {
    throw toAmiguardError(error, { ...context, action: 'DescribeImageAttribute' });
  }
}

function warningsFor(
  image: ImageInfo,
  launch: readonly Grantee[],
  snapshots: readonly SnapshotView[],
  bpa: RegionBlockPublicAccess,
): string[] {
  const warnings: string[] = [];
  const isPublic = launch.some((grantee) => grantee.kind === 'public');
  const launchKeys = new Set(launch.map(granteeKey));
  if (isPublic) warnings.push('the AMI is public: every AWS account can launch it');
  for (const snapshot of snapshots) {
    if (snapshot.permissions.some((grantee) => grantee.kind === 'public')) {
      warnings.push(
        `snapshot ${snapshot.id} is public: anyone can create a volume from it and read the disk${isPublic ? '' : ', although the AMI is private'}`,
      );
    }
    for (const grantee of snapshot.permissions) {
      if (grantee.kind === 'account' && !launchKeys.has(granteeKey(grantee))) {
        warnings.push(`snapshot ${snapshot.id} is shared with ${describeGrantee(grantee)}, which cannot launch the AMI`);
      }
    }
    if (snapshot.defaultKey && launch.length > 0) {
      warnings.push(`snapshot ${snapshot.id} is encrypted with the default key aws/ebs: other accounts cannot launch or copy the AMI`);
    }
  }
  if (bpa.images.state === 'unblocked') {
    warnings.push(`block public access for AMIs is off in ${image.region}: anyone with ModifyImageAttribute can make an AMI public`);
  }
  return warnings;
}
