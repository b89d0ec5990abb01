import { getCallerIdentity } from '../aws/roles.js';
import { describeGrantee, granteeKey, type AccountMembership, type CoverageGap, type CoverageKind, type Grantee, type OrganizationDirectory } from '../core/index.js';
import { UNKNOWN_STATE, type BlockPublicAccessState, type RegionBlockPublicAccess } from '../aws/block-public-access.js';
import { failedAction, toAmiguardError } from '../aws/errors.js';
import { describeSnapshots, getLaunchPermissions, getVolumePermissions, type ImageInfo, type SnapshotInfo } from '../aws/images.js';
import { getImageBlockPublicAccess, getSnapshotBlockPublicAccess } from '../aws/inventory-reads.js';
import type { AwsSession } from '../aws/session.js';
import { readOrganizationDirectory } from '../audit/organization.js';

export interface SnapshotView extends SnapshotInfo {
  /** Encrypted with the AWS managed key (aws/ebs), which can never be shared. */
  readonly defaultKey: boolean;
  readonly permissions: readonly Grantee[];
}

/** Everything about an AMI, all of it read: what the change commands act on. */
export interface ImageView {
  readonly image: ImageInfo;
  readonly launch: readonly Grantee[];
  readonly snapshots: readonly SnapshotView[];
  readonly blockPublicAccess: RegionBlockPublicAccess;
  readonly warnings: readonly string[];
}

/** A snapshot as far as it could be read: its encryption and permissions may be unknown. */
export interface SnapshotReading {
  readonly id: string;
  /** DescribeSnapshots' answer; undefined when it could not be read. */
  readonly info?: SnapshotInfo;
  readonly defaultKey: boolean;
  /** Undefined when DescribeSnapshotAttribute could not be read (the reason is in `unread`). */
  readonly permissions?: readonly Grantee[];
}

/** An AMI as far as it could be read (`show`): each read stands on its own, and what failed is in `unread`. */
export interface ImageReading {
  readonly image: ImageInfo;
  /** Undefined when DescribeImageAttribute could not be read. */
  readonly launch?: readonly Grantee[];
  readonly snapshots: readonly SnapshotReading[];
  /** A state that could not be read is `unknown`, with the reason. */
  readonly blockPublicAccess: RegionBlockPublicAccess;
  readonly warnings: readonly string[];
  readonly unread: readonly CoverageGap[];
}

/** The account the session's credentials belong to. */
export async function callerAccount(session: AwsSession, region: string, command: string): Promise<string> {
  try {
    return (await getCallerIdentity(session.sts(region))).account;
  } catch (error) {
    throw toAmiguardError(error, { service: 'sts', action: 'GetCallerIdentity', region, command });
  }
}

/** AWS reports the key by ARN; the managed key is recognisable by its alias where it is given. */
export function isDefaultEbsKey(kmsKeyId: string | undefined): boolean {
  return kmsKeyId !== undefined && /(^|:)alias\/aws\/ebs$/.test(kmsKeyId);
}

/** A read that failed: what it leaves unknown, the API action, and AWS's error. */
interface Failed {
  readonly kind: CoverageKind;
  readonly action: string;
  readonly resource?: string;
  readonly error: unknown;
}

type Outcome<T> = { readonly value: T } | { readonly failed: Failed };

async function attempt<T>(kind: CoverageKind, action: string, resource: string | undefined, read: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return { value: await read() };
  } catch (error) {
    return { failed: { kind, action, ...(resource === undefined ? {} : { resource }), error } };
  }
}

type Setting = Outcome<BlockPublicAccessState>;

/** Reads shared by the AMIs of one command: a region's block public access, the organization. */
export class InspectCache {
  readonly settings = new Map<string, Promise<{ images: Setting; snapshots: Setting }>>();
  directory?: Promise<OrganizationDirectory>;
}

/**
 * Everything about who can use an AMI, all of it known, for the commands that change it: the
 * first read that failed is thrown, naming the operation that failed.
 */
export async function inspectImage(session: AwsSession, image: ImageInfo, command: string, cache = new InspectCache()): Promise<ImageView> {
  const { reading, failures } = await read(session, image, command, cache, false);
  const [first] = failures;
  if (first !== undefined || reading.launch === undefined) {
    throw toAmiguardError(first?.error, { service: 'ec2', action: first?.action ?? 'DescribeImageAttribute', region: image.region, resource: first?.resource ?? image.id, command });
  }
  const snapshots = reading.snapshots.flatMap((snapshot): SnapshotView[] =>
    snapshot.info === undefined || snapshot.permissions === undefined ? [] : [{ ...snapshot.info, defaultKey: snapshot.defaultKey, permissions: snapshot.permissions }],
  );
  return { image, launch: reading.launch, snapshots, blockPublicAccess: reading.blockPublicAccess, warnings: reading.warnings };
}

/** An AMI as far as it can be read (`show`): what could not be read is named, the rest shown. */
export async function readImage(session: AwsSession, image: ImageInfo, command: string, cache = new InspectCache()): Promise<ImageReading> {
  return (await read(session, image, command, cache, true)).reading;
}

async function read(
  session: AwsSession,
  image: ImageInfo,
  command: string,
  cache: InspectCache,
  resolveOrganization: boolean,
): Promise<{ reading: ImageReading; failures: readonly Failed[] }> {
  const ec2 = session.ec2(image.region);
  let settings = cache.settings.get(image.region);
  if (settings === undefined) {
    settings = Promise.all([
      attempt('image-block-public-access', 'GetImageBlockPublicAccessState', undefined, () => getImageBlockPublicAccess(ec2)),
      attempt('snapshot-block-public-access', 'GetSnapshotBlockPublicAccessState', undefined, () => getSnapshotBlockPublicAccess(ec2)),
    ]).then(([images, snapshots]) => ({ images, snapshots }));
    cache.settings.set(image.region, settings);
  }
  const [launch, described, volumes, bpa] = await Promise.all([
    attempt('launch-permission', 'DescribeImageAttribute', image.id, () => getLaunchPermissions(ec2, image.id)),
    attempt('snapshots', 'DescribeSnapshots', undefined, () => describeSnapshots(ec2, image.snapshotIds)),
    Promise.all(image.snapshotIds.map((id) => attempt('create-volume-permission', 'DescribeSnapshotAttribute', id, () => getVolumePermissions(ec2, id)))),
    settings,
  ]);
  const failures = [launch, described, ...volumes, bpa.images, bpa.snapshots].flatMap((outcome) => ('failed' in outcome ? [outcome.failed] : []));
  const infos = 'value' in described ? new Map(described.value.map((info) => [info.id, info])) : new Map<string, SnapshotInfo>();
  const snapshots: SnapshotReading[] = image.snapshotIds.map((id, index) => {
    const info = infos.get(id);
    const permissions = volumes[index];
    return {
      id,
      ...(info === undefined ? {} : { info }),
      defaultKey: info !== undefined && info.encrypted && isDefaultEbsKey(info.kmsKeyId),
      ...(permissions !== undefined && 'value' in permissions ? { permissions: permissions.value } : {}),
    };
  });
  const unread: CoverageGap[] = failures.map((failure) => ({
    kind: failure.kind,
    account: image.ownerId,
    region: image.region,
    ...(failure.resource === undefined ? {} : { resource: failure.resource }),
    reason: toAmiguardError(failure.error, {
      service: 'ec2',
      action: failure.action,
      region: image.region,
      command,
      ...(failure.resource === undefined ? {} : { resource: failure.resource }),
    }).message,
    action: failedAction(failure.error, { service: 'ec2', action: failure.action }),
  }));
  const setting = (outcome: Setting): BlockPublicAccessState =>
    'value' in outcome
      ? outcome.value
      : { state: UNKNOWN_STATE, managedBy: UNKNOWN_STATE, unknown: toAmiguardError(outcome.failed.error, { service: 'ec2', action: outcome.failed.action, region: image.region }).message };
  const blockPublicAccess = { images: setting(bpa.images), snapshots: setting(bpa.snapshots) };
  const launchGrantees = 'value' in launch ? launch.value : undefined;
  const membership = resolveOrganization ? await membershipLookup(session, image.region, cache, launchGrantees, snapshots) : undefined;
  const reading: ImageReading = {
    image,
    ...(launchGrantees === undefined ? {} : { launch: launchGrantees }),
    snapshots,
    blockPublicAccess,
    warnings: warningsFor(image, launchGrantees, snapshots, blockPublicAccess, membership),
    unread,
  };
  return { reading, failures };
}

/**
 * An account a snapshot is shared with may launch the AMI through an organization or OU share:
 * Organizations says, when it can be read, and only then is it needed.
 */
async function membershipLookup(
  session: AwsSession,
  region: string,
  cache: InspectCache,
  launch: readonly Grantee[] | undefined,
  snapshots: readonly SnapshotReading[],
): Promise<((account: string) => AccountMembership) | undefined> {
  if (launch === undefined || !launch.some((grantee) => grantee.kind === 'organization' || grantee.kind === 'ou')) return undefined;
  const direct = new Set(launch.map(granteeKey));
  const indirect = snapshots.some((snapshot) => (snapshot.permissions ?? []).some((grantee) => grantee.kind === 'account' && !direct.has(granteeKey(grantee))));
  if (!indirect) return undefined;
  cache.directory ??= readOrganizationDirectory(session, region).then((directory): OrganizationDirectory => {
    if (!('unavailable' in directory)) return directory;
    const unknown: AccountMembership = { known: false, reason: directory.unavailable };
    return { membership: () => unknown };
  });
  const directory = await cache.directory;
  return (account) => directory.membership(account);
}

function warningsFor(
  image: ImageInfo,
  launch: readonly Grantee[] | undefined,
  snapshots: readonly SnapshotReading[],
  bpa: RegionBlockPublicAccess,
  membership: ((account: string) => AccountMembership) | undefined,
): string[] {
  const warnings: string[] = [];
  // DescribeImages says whether the AMI is public even when its launch permission is unknown.
  const isPublic = image.public || (launch ?? []).some((grantee) => grantee.kind === 'public');
  const launchKeys = new Set((launch ?? []).map(granteeKey));
  const blocked = bpa.snapshots.state === 'block-all-sharing';
  if (isPublic) warnings.push('the AMI is public: every AWS account can launch it');
  for (const snapshot of snapshots) {
    const permissions = snapshot.permissions ?? [];
    if (permissions.some((grantee) => grantee.kind === 'public')) {
      warnings.push(
        blocked
          ? `snapshot ${snapshot.id} has a public create-volume permission, but block-all-sharing in ${image.region} keeps anyone outside the account from using it; it becomes public if the setting is relaxed`
          : `snapshot ${snapshot.id} is public: anyone can create a volume from it and read the disk${isPublic ? '' : ', although the AMI is private'}`,
      );
    }
    // Without the launch permission, who can launch is not known: nothing to compare with.
    if (launch !== undefined) {
      for (const grantee of permissions) {
        if (grantee.kind !== 'account' || launchKeys.has(granteeKey(grantee))) continue;
        const reach = reachThroughGroup(grantee.id, launch, membership);
        if (reach === 'yes') continue;
        warnings.push(
          reach === 'no'
            ? `snapshot ${snapshot.id} is shared with ${describeGrantee(grantee)}, which cannot launch the AMI`
            : `snapshot ${snapshot.id} is shared with ${describeGrantee(grantee)}, which may not be able to launch the AMI: whether it is in the organization or OU the AMI is shared with is not known (${reach.unknown})`,
        );
      }
    }
    if (snapshot.defaultKey && (launch === undefined || launch.length > 0)) {
      warnings.push(`snapshot ${snapshot.id} is encrypted with the default key aws/ebs: other accounts cannot launch or copy the AMI`);
    }
  }
  if (bpa.images.state === 'unblocked') {
    warnings.push(`block public access for AMIs is off in ${image.region}: anyone with ModifyImageAttribute can make an AMI public`);
  }
  return warnings;
}

/** Whether an account can launch the AMI through an organization or OU it is shared with. */
function reachThroughGroup(
  account: string,
  launch: readonly Grantee[],
  membership: ((account: string) => AccountMembership) | undefined,
): 'yes' | 'no' | { unknown: string } {
  const groups = launch.filter((grantee) => grantee.kind === 'organization' || grantee.kind === 'ou');
  if (groups.length === 0) return 'no';
  const member = membership?.(account) ?? { known: false, reason: 'Organizations was not read' };
  if (!member.known) return { unknown: member.reason };
  return groups.some(
    (grantee) =>
      (grantee.kind === 'organization' && grantee.arn === member.organizationArn) || (grantee.kind === 'ou' && member.ouArns.includes(grantee.arn)),
  )
    ? 'yes'
    : 'no';
}
