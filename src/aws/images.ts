/**
 * AMIs, snapshots and block public access, in the core model's terms. AWS's PascalCase shapes
 * stay in this file; callers see Grantee, ImageInfo and SnapshotInfo.
 */
import {
  DescribeImageAttributeCommand,
  DescribeImagesCommand,
  DescribeSnapshotAttributeCommand,
  DescribeSnapshotsCommand,
  ModifyImageAttributeCommand,
  ModifySnapshotAttributeCommand,
  paginateDescribeImages,
  type CreateVolumePermission,
  type EC2Client,
  type Filter,
  type Image,
  type LaunchPermission,
} from '@aws-sdk/client-ec2';
import { AmiguardError, type Grantee } from '../core/index.js';
import { sendMaybeDry } from './dry-run.js';

export interface ImageInfo {
  readonly id: string;
  readonly name: string;
  readonly ownerId: string;
  readonly region: string;
  readonly state: string;
  readonly public: boolean;
  readonly snapshotIds: readonly string[];
  readonly productCodes: readonly string[];
  readonly creationDate?: string;
}

export interface SnapshotInfo {
  readonly id: string;
  readonly ownerId: string;
  readonly encrypted: boolean;
  /** The KMS key ARN or alias; undefined when not encrypted. */
  readonly kmsKeyId?: string;
}

const AMI_ID = /^ami-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;

export function isAmiId(text: string): boolean {
  return AMI_ID.test(text);
}

function toImageInfo(image: Image, region: string): ImageInfo {
  return {
    id: image.ImageId ?? '',
    name: image.Name ?? '',
    ownerId: image.OwnerId ?? '',
    region,
    state: image.State ?? 'unknown',
    public: image.Public === true,
    snapshotIds: (image.BlockDeviceMappings ?? []).flatMap((mapping) =>
      mapping.Ebs?.SnapshotId === undefined ? [] : [mapping.Ebs.SnapshotId],
    ),
    productCodes: (image.ProductCodes ?? []).flatMap((code) => (code.ProductCodeId === undefined ? [] : [code.ProductCodeId])),
    ...(image.CreationDate === undefined ? {} : { creationDate: image.CreationDate }),
  };
}

/** AMIs by id (DescribeImages cannot paginate an id list, so one call). */
export async function describeImagesById(ec2: EC2Client, region: string, ids: readonly string[], options: { readonly search?: boolean } = {}): Promise<ImageInfo[]> {
  // `ImageIds` fails the whole call when one id is not in the region (InvalidAMIID.NotFound); an
  // `image-id` filter answers with what is there, for a search across several regions.
  const input = options.search === true ? { Filters: [{ Name: 'image-id', Values: [...ids] }] } : { ImageIds: [...ids] };
  const result = await ec2.send(new DescribeImagesCommand(input));
  return (result.Images ?? []).map((image) => toImageInfo(image, region));
}

/** Owned AMIs, optionally filtered by name pattern (`*` and `?` wildcards, as AWS's `name` filter). */
export async function listOwnedImages(ec2: EC2Client, region: string, namePattern?: string): Promise<ImageInfo[]> {
  const filters: Filter[] = namePattern === undefined ? [] : [{ Name: 'name', Values: [namePattern] }];
  const images: ImageInfo[] = [];
  for await (const page of paginateDescribeImages({ client: ec2, pageSize: 1000 }, { Owners: ['self'], Filters: filters })) {
    for (const image of page.Images ?? []) images.push(toImageInfo(image, region));
  }
  return images;
}

export async function describeSnapshots(ec2: EC2Client, ids: readonly string[]): Promise<SnapshotInfo[]> {
  if (ids.length === 0) return [];
  const result = await ec2.send(new DescribeSnapshotsCommand({ SnapshotIds: [...ids] }));
  return (result.Snapshots ?? []).map((snapshot) => ({
    id: snapshot.SnapshotId ?? '',
    ownerId: snapshot.OwnerId ?? '',
    encrypted: snapshot.Encrypted === true,
    ...(snapshot.KmsKeyId === undefined ? {} : { kmsKeyId: snapshot.KmsKeyId }),
  }));
}

export function fromLaunchPermission(permission: LaunchPermission): Grantee | undefined {
  if (permission.Group === 'all') return { kind: 'public' };
  if (permission.UserId !== undefined) return { kind: 'account', id: permission.UserId };
  if (permission.OrganizationArn !== undefined) return { kind: 'organization', arn: permission.OrganizationArn };
  if (permission.OrganizationalUnitArn !== undefined) return { kind: 'ou', arn: permission.OrganizationalUnitArn };
  return undefined;
}

export function toLaunchPermission(grantee: Grantee): LaunchPermission {
  switch (grantee.kind) {
    case 'public':
      return { Group: 'all' };
    case 'account':
      return { UserId: grantee.id };
    case 'organization':
      return { OrganizationArn: grantee.arn };
    case 'ou':
      return { OrganizationalUnitArn: grantee.arn };
  }
}

function fromVolumePermission(permission: CreateVolumePermission): Grantee | undefined {
  if (permission.Group === 'all') return { kind: 'public' };
  return permission.UserId === undefined ? undefined : { kind: 'account', id: permission.UserId };
}

function toVolumePermission(grantee: Grantee): CreateVolumePermission {
  if (grantee.kind === 'public') return { Group: 'all' };
  if (grantee.kind === 'account') return { UserId: grantee.id };
  // AWS-FACTS: snapshots have no organization or OU permissions.
  throw new AmiguardError('USAGE', `snapshots cannot be shared with an ${grantee.kind === 'ou' ? 'OU' : 'organization'}: only with accounts`);
}

export async function getLaunchPermissions(ec2: EC2Client, imageId: string): Promise<Grantee[]> {
  const result = await ec2.send(new DescribeImageAttributeCommand({ ImageId: imageId, Attribute: 'launchPermission' }));
  return (result.LaunchPermissions ?? []).flatMap((permission) => {
    const grantee = fromLaunchPermission(permission);
    return grantee === undefined ? [] : [grantee];
  });
}

export async function getVolumePermissions(ec2: EC2Client, snapshotId: string): Promise<Grantee[]> {
  const result = await ec2.send(new DescribeSnapshotAttributeCommand({ SnapshotId: snapshotId, Attribute: 'createVolumePermission' }));
  return (result.CreateVolumePermissions ?? []).flatMap((permission) => {
    const grantee = fromVolumePermission(permission);
    return grantee === undefined ? [] : [grantee];
  });
}

export interface Change {
  readonly add?: readonly Grantee[];
  readonly remove?: readonly Grantee[];
}

/** One ModifyImageAttribute call; with dryRun, AWS's DryRunOperation answer counts as success. */
export async function modifyLaunchPermissions(ec2: EC2Client, imageId: string, change: Change, dryRun: boolean): Promise<void> {
  await sendMaybeDry(dryRun, () =>
    ec2.send(
      new ModifyImageAttributeCommand({
        ImageId: imageId,
        DryRun: dryRun,
        LaunchPermission: {
          ...(change.add === undefined || change.add.length === 0 ? {} : { Add: change.add.map(toLaunchPermission) }),
          ...(change.remove === undefined || change.remove.length === 0 ? {} : { Remove: change.remove.map(toLaunchPermission) }),
        },
      }),
    ),
  );
}

/** Snapshots cannot add and remove in one call (AWS-FACTS), so a change is one or two calls. */
export async function modifyVolumePermissions(ec2: EC2Client, snapshotId: string, change: Change, dryRun: boolean): Promise<void> {
  const parts: ['Add' | 'Remove', readonly Grantee[]][] = [
    ['Add', change.add ?? []],
    ['Remove', change.remove ?? []],
  ];
  for (const [operation, grantees] of parts) {
    if (grantees.length === 0) continue;
    await sendMaybeDry(dryRun, () =>
      ec2.send(
        new ModifySnapshotAttributeCommand({
          SnapshotId: snapshotId,
          Attribute: 'createVolumePermission',
          DryRun: dryRun,
          CreateVolumePermission: { [operation]: grantees.map(toVolumePermission) },
        }),
      ),
    );
  }
}
