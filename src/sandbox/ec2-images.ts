import { ApiError, invalidCombination, invalidParameterValue, missingParameter } from './api-error.js';
import type { Ec2Action, Ec2Context } from './ec2-context.js';
import { DRY_RUN_PARAM, RETURN_TRUE, notAuthorizedFor, paginationKey, stopIfDryRun } from './ec2-context.js';
import type { EstateLaunchPermission } from './estate.js';
import { ACCOUNT_ID, IMAGE_ID, ORGANIZATION_ARN, OU_ARN } from './estate.js';
import type { FilterFields } from './filters.js';
import { makeFilter, parseFilters } from './filters.js';
import { paginate } from './pagination.js';
import type { QueryParams } from './query.js';
import { exactParam, listParam, nestedParam } from './query.js';
import type { ImageRecord, World } from './world.js';
import { permissionKey } from './world.js';
import { element, itemList, wrap } from './xml.js';

// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeImages.html
export const describeImages: Ec2Action = {
  params: [
    listParam('ExecutableBy'), listParam('ImageId'), listParam('Owner'), exactParam('IncludeDeprecated'),
    exactParam('IncludeDisabled'), exactParam('MaxResults'), exactParam('NextToken'), nestedParam('Filter'), DRY_RUN_PARAM,
  ],
  // An unscoped, unpaginated listing is the expensive kind AWS throttles harder.
  throttleClass: (params) =>
    ['Filter', 'ImageId', 'Owner', 'ExecutableBy', 'MaxResults'].some((name) => params.has(name))
      ? 'non-mutating'
      : 'unfiltered-non-mutating',
  run(context) {
    const { params, world, accountId } = context;
    const imageIds = params.list('ImageId');
    imageIds.forEach(checkImageId);
    const maxResults = params.integer('MaxResults');
    if (maxResults !== undefined && imageIds.length > 0) {
      throw invalidCombination('The parameter ImageIds cannot be used with the parameter MaxResults');
    }
    if (maxResults !== undefined && (maxResults < 5 || maxResults > 1000)) {
      throw invalidParameterValue(`Value ( ${maxResults} ) for parameter maxResults is invalid. Expecting a value between 5 and 1000.`);
    }
    const owners = params.list('Owner').map((owner) => ownerMatcher(owner, accountId));
    const executableBy = params.list('ExecutableBy').map((user) => executableMatcher(user, accountId, world));
    const filter = makeFilter(parseFilters(params), IMAGE_FILTERS(world), (image) => image.tags);
    const includeDeprecated = params.boolean('IncludeDeprecated') ?? false;
    const includeDisabled = params.boolean('IncludeDisabled') ?? false;
    const nextToken = params.string('NextToken');

    const requested = new Set(imageIds);
    const images = world.imagesIn(context.region);
    const visible = (image: ImageRecord): boolean => {
      if (!world.canSeeImage(image, accountId)) return false;
      if (image.state === 'disabled' && !includeDisabled) return false;
      if (requested.size > 0) return requested.has(image.id);
      // Others' deprecated AMIs are hidden unless asked for; owners always see theirs.
      const deprecated = image.deprecationTime !== undefined && Date.parse(image.deprecationTime) <= context.now.getTime();
      return !deprecated || includeDeprecated || image.ownerId === accountId;
    };
    if (requested.size > 0) {
      const found = new Set(images.filter(visible).map((image) => image.id));
      const missing = [...requested].filter((id) => !found.has(id));
      if (missing.length > 0) throw imageNotFound(missing);
    }
    stopIfDryRun(context);

    const matching = (image: ImageRecord): boolean =>
      visible(image) &&
      (owners.length === 0 || owners.some((matches) => matches(image))) &&
      (executableBy.length === 0 || executableBy.some((matches) => matches(image))) &&
      filter(image);
    const { page, nextToken: next } = paginate(images, maxResults, nextToken, paginationKey(context), matching);
    return itemList('imagesSet', page, (image) => writeImage(world, image)) + element('nextToken', next);
  },
};

// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeImageAttribute.html
export const describeImageAttribute: Ec2Action = {
  params: [exactParam('Attribute'), exactParam('ImageId'), DRY_RUN_PARAM],
  throttleClass: () => 'non-mutating',
  run(context) {
    const attribute = context.params.required('Attribute');
    const image = findImage(context, context.params.required('ImageId'));
    if (!IMAGE_ATTRIBUTES.includes(attribute)) {
      throw invalidParameterValue(`Value (${attribute}) for parameter attribute is invalid. Unknown attribute.`);
    }
    // Who may launch an AMI is for its owner's eyes only (AuthFailure, as AWS answers others).
    if (attribute === 'launchPermission' && image.ownerId !== context.accountId) throw notAuthorizedFor('image', image.id);
    stopIfDryRun(context);
    const id = element('imageId', image.id);
    switch (attribute) {
      case 'launchPermission':
        return id + itemList('launchPermission', [...image.launchPermissions.values()], writePermission);
      case 'description':
        return id + wrap('description', element('value', image.description));
      case 'productCodes':
        return id + itemList('productCodes', image.productCodes, writeProductCode);
      case 'blockDeviceMapping':
        return id + itemList('blockDeviceMapping', image.blockDevices, (device) => writeBlockDevice(context.world, device));
      default:
        // Attributes this sandbox does not model read as unset, the way AWS shows an unset one.
        return `${id}<${attribute}/>`;
    }
  },
};

// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ModifyImageAttribute.html
export const modifyImageAttribute: Ec2Action = {
  params: [
    exactParam('ImageId'), exactParam('Attribute'), nestedParam('Description'), nestedParam('LaunchPermission'),
    exactParam('OperationType'), listParam('ProductCode'), listParam('UserGroup'), listParam('UserId'), exactParam('Value'),
    listParam('OrganizationArn'), listParam('OrganizationalUnitArn'), nestedParam('ImdsSupport'), DRY_RUN_PARAM,
  ],
  throttleClass: () => 'modify-attribute',
  run(context) {
    const { params } = context;
    const image = findImage(context, params.required('ImageId'));
    const change = readImageChange(params);
    if (image.ownerId !== context.accountId) throw notAuthorizedFor('image', image.id);
    if (image.state !== 'available') {
      throw new ApiError('InvalidAMIID.Unavailable', `The image id '[${image.id}]' is not in a valid state for this operation`);
    }
    if (change.kind === 'description') {
      stopIfDryRun(context);
      image.description = change.value;
      return RETURN_TRUE;
    }
    const next = planLaunchPermissions(context, image, change.add, change.remove);
    stopIfDryRun(context);
    image.launchPermissions.clear();
    for (const [key, entry] of next) image.launchPermissions.set(key, entry);
    return RETURN_TRUE;
  },
};

// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ResetImageAttribute.html
export const resetImageAttribute: Ec2Action = {
  params: [exactParam('Attribute'), exactParam('ImageId'), DRY_RUN_PARAM],
  throttleClass: () => 'modify-attribute',
  run(context) {
    const attribute = context.params.required('Attribute');
    const image = findImage(context, context.params.required('ImageId'));
    if (attribute !== 'launchPermission') {
      throw invalidParameterValue(`Value (${attribute}) for parameter attribute is invalid. Only launchPermission can be reset.`);
    }
    if (image.ownerId !== context.accountId) throw notAuthorizedFor('image', image.id);
    stopIfDryRun(context);
    image.launchPermissions.clear();
    return RETURN_TRUE;
  },
};

const IMAGE_ATTRIBUTES: readonly string[] = [
  'description', 'kernel', 'ramdisk', 'launchPermission', 'productCodes', 'blockDeviceMapping', 'sriovNetSupport',
  'bootMode', 'tpmSupport', 'uefiData', 'lastLaunchedTime', 'imdsSupport', 'deregistrationProtection',
];

/** Launch permission entries per call, and sharing entities per AMI (AWS-FACTS.md). */
const MAX_ENTRIES_PER_CALL = 10_000;
const MAX_SHARING_ENTITIES = 1_000;

type ImageChange =
  | { readonly kind: 'description'; readonly value: string }
  | { readonly kind: 'launchPermission'; readonly add: readonly RawPermission[]; readonly remove: readonly RawPermission[] };

/** A launch permission item as the request spells it, before validation. */
type RawPermission =
  | { readonly userId: string }
  | { readonly group: string }
  | { readonly organizationArn: string }
  | { readonly organizationalUnitArn: string };

/** Which of the two request forms was used, and the one attribute it changes. */
function readImageChange(params: QueryParams): ImageChange {
  if (params.has('ProductCode') || params.has('ImdsSupport')) {
    throw new ApiError('UnsupportedOperation', 'The sandbox models only the launchPermission and description attributes.');
  }
  const attribute = params.string('Attribute');
  if (attribute !== undefined && !['launchPermission', 'description'].includes(attribute)) {
    if (IMAGE_ATTRIBUTES.includes(attribute)) {
      throw new ApiError('UnsupportedOperation', `The sandbox does not model the ${attribute} attribute.`);
    }
    throw invalidParameterValue(`Value (${attribute}) for parameter attribute is invalid. Unknown attribute.`);
  }
  const structured = params.has('LaunchPermission');
  const legacyLists = ['UserId', 'UserGroup', 'OrganizationArn', 'OrganizationalUnitArn'].filter((name) => params.has(name));
  const description = params.string('Description.Value') ?? (attribute === 'description' ? params.string('Value') : undefined);
  const launch = structured || legacyLists.length > 0 || attribute === 'launchPermission' || params.has('OperationType');
  if (description !== undefined && launch) {
    throw invalidCombination('Only one attribute can be modified in a single call.');
  }
  if (description !== undefined) return { kind: 'description', value: description };
  if (!launch) throw invalidCombination('No attributes specified.');

  if (structured) {
    if (legacyLists.length > 0 || params.has('OperationType')) {
      throw invalidCombination(
        'The parameter LaunchPermission cannot be used with OperationType, UserId, UserGroup, OrganizationArn or OrganizationalUnitArn',
      );
    }
    const add = readPermissionItems(params.nested('LaunchPermission').structures('Add'));
    const remove = readPermissionItems(params.nested('LaunchPermission').structures('Remove'));
    if (add.length + remove.length === 0) throw invalidCombination('No attributes specified.');
    return { kind: 'launchPermission', add, remove };
  }
  const operation = params.string('OperationType');
  if (operation === undefined) throw missingParameter('OperationType');
  if (operation !== 'add' && operation !== 'remove') {
    throw invalidParameterValue(`Value (${operation}) for parameter operationType is invalid. Expected: 'add' or 'remove'.`);
  }
  const entries: RawPermission[] = [
    ...params.list('UserId').map((userId) => ({ userId })),
    ...params.list('UserGroup').map((group) => ({ group })),
    ...params.list('OrganizationArn').map((organizationArn) => ({ organizationArn })),
    ...params.list('OrganizationalUnitArn').map((organizationalUnitArn) => ({ organizationalUnitArn })),
  ];
  if (entries.length === 0) throw missingParameter('LaunchPermission');
  return operation === 'add'
    ? { kind: 'launchPermission', add: entries, remove: [] }
    : { kind: 'launchPermission', add: [], remove: entries };
}

/** Each field of a `LaunchPermission.Add.N` item is one entry. */
function readPermissionItems(items: readonly QueryParams[]): RawPermission[] {
  return items.flatMap((item): RawPermission[] => {
    const entries: RawPermission[] = [];
    const userId = item.string('UserId');
    const group = item.string('Group');
    const organizationArn = item.string('OrganizationArn');
    const organizationalUnitArn = item.string('OrganizationalUnitArn');
    if (userId !== undefined) entries.push({ userId });
    if (group !== undefined) entries.push({ group });
    if (organizationArn !== undefined) entries.push({ organizationArn });
    if (organizationalUnitArn !== undefined) entries.push({ organizationalUnitArn });
    if (entries.length === 0) throw missingParameter('LaunchPermission item (UserId, Group, OrganizationArn or OrganizationalUnitArn)');
    return entries;
  });
}

/**
 * Validates the whole change before anything is applied (one bad item rejects the call) and
 * returns the resulting launch permission: adding a present entry or removing an absent one
 * changes nothing.
 */
function planLaunchPermissions(
  context: Ec2Context,
  image: ImageRecord,
  rawAdd: readonly RawPermission[],
  rawRemove: readonly RawPermission[],
): Map<string, EstateLaunchPermission> {
  const { world } = context;
  if (rawAdd.length + rawRemove.length > MAX_ENTRIES_PER_CALL) {
    throw invalidParameterValue(`A launch permission change is limited to ${MAX_ENTRIES_PER_CALL} entries per call.`);
  }
  const add = rawAdd.map(toLaunchPermission);
  const remove = rawRemove.map(toLaunchPermission);

  if (add.length > 0) {
    const snapshots = image.blockDevices.flatMap((device) => world.snapshots.get(device.snapshotId) ?? []);
    // Observed AWS answer, e.g. https://github.com/hashicorp/packer/issues/7410
    if (snapshots.some((snapshot) => snapshot.defaultKey)) {
      throw new ApiError('InvalidParameter', "Snapshots encrypted with the AWS Managed CMK can't be shared. Specify another snapshot.");
    }
    if (add.some((entry) => 'group' in entry) && !world.isPublic(image)) {
      if (world.blockPublicAccessOf(image.ownerId, image.region).images === 'block-new-sharing') {
        throw new ApiError(
          'OperationNotPermitted',
          'You can’t publicly share this image because block public access for AMIs is enabled for this account. ' +
            'To publicly share the image, you must call the DisableImageBlockPublicAccess API.',
        );
      }
      if (image.productCodes.some((code) => code.type === 'marketplace')) {
        throw new ApiError('OperationNotPermitted', 'Images with marketplace product codes may not be made public.');
      }
      if (snapshots.some((snapshot) => snapshot.encrypted)) {
        throw new ApiError('OperationNotPermitted', 'Images with encrypted snapshots may not be made public.');
      }
      const publicCount = world
        .imagesIn(image.region)
        .filter((other) => other.ownerId === image.ownerId && world.isPublic(other)).length;
      const quota = world.accounts.get(image.ownerId)?.publicImageQuota ?? 5;
      if (publicCount >= quota) {
        throw new ApiError('ResourceLimitExceeded', `You have reached the limit of ${quota} public AMIs in ${image.region}.`);
      }
    }
  }

  const next = new Map(image.launchPermissions);
  for (const entry of add) {
    const key = permissionKey(entry);
    if (!next.has(key)) next.set(key, entry);
  }
  for (const entry of remove) next.delete(permissionKey(entry));
  const entities = [...next.keys()].filter((key) => key !== 'group:all').length;
  if (entities > MAX_SHARING_ENTITIES) {
    throw new ApiError('ResourceLimitExceeded', `An AMI can be shared with at most ${MAX_SHARING_ENTITIES} accounts, organizations or OUs.`);
  }
  return next;
}

function toLaunchPermission(entry: RawPermission): EstateLaunchPermission {
  if ('userId' in entry) {
    if (ACCOUNT_ID.test(entry.userId)) return { userId: entry.userId };
    throw invalidItem(entry.userId, 'userId');
  }
  if ('group' in entry) {
    if (entry.group === 'all') return { group: 'all' };
    throw invalidItem(entry.group, 'UserGroup');
  }
  if ('organizationArn' in entry) {
    if (ORGANIZATION_ARN.test(entry.organizationArn)) return { organizationArn: entry.organizationArn };
    throw invalidItem(entry.organizationArn, 'organizationArn');
  }
  if (OU_ARN.test(entry.organizationalUnitArn)) return { organizationalUnitArn: entry.organizationalUnitArn };
  throw invalidItem(entry.organizationalUnitArn, 'organizationalUnitArn');
}

// The message AWS gives, e.g. https://github.com/hashicorp/packer/issues/1068
function invalidItem(value: string, type: string): ApiError {
  return new ApiError('InvalidAMIAttributeItemValue', `Invalid attribute item value "${value}" for ${type} item type.`);
}

/** An image the caller can see, or the error AWS gives for a malformed or unknown id. */
function findImage(context: Ec2Context, id: string): ImageRecord {
  checkImageId(id);
  const image = context.world.images.get(id);
  if (image === undefined || image.region !== context.region || !context.world.canSeeImage(image, context.accountId)) {
    throw imageNotFound([id]);
  }
  return image;
}

function checkImageId(id: string): void {
  if (!IMAGE_ID.test(id)) throw new ApiError('InvalidAMIID.Malformed', `Invalid id: "${id}" (expecting "ami-...")`);
}

function imageNotFound(ids: readonly string[]): ApiError {
  return ids.length === 1
    ? new ApiError('InvalidAMIID.NotFound', `The image id '[${ids.join(', ')}]' does not exist`)
    : new ApiError('InvalidAMIID.NotFound', `The image ids '[${ids.join(', ')}]' do not exist`);
}

const OWNER_ALIASES: readonly string[] = ['amazon', 'aws-marketplace', 'aws-backup-vault'];

function ownerMatcher(owner: string, accountId: string): (image: ImageRecord) => boolean {
  if (owner === 'self') return (image) => image.ownerId === accountId;
  if (ACCOUNT_ID.test(owner)) return (image) => image.ownerId === owner;
  if (OWNER_ALIASES.includes(owner)) return (image) => image.ownerAlias === owner;
  throw new ApiError('InvalidUserID.Malformed', `Invalid user id: "${owner}"`);
}

/**
 * ExecutableBy: `all` is public AMIs; `self` (or the caller's own id) is AMIs shared with the
 * caller directly or through its organization or OU; another account id is only AMIs shared
 * with that account directly. See ExecutableBy.N in the DescribeImages reference.
 */
function executableMatcher(user: string, accountId: string, world: World): (image: ImageRecord) => boolean {
  if (user === 'all') return (image) => world.isPublic(image);
  if (user === 'self' || user === accountId) {
    return (image) =>
      [...image.launchPermissions.values()].some(
        (entry) =>
          ('userId' in entry && entry.userId === accountId) ||
          ('organizationArn' in entry && world.isInOrganization(accountId, entry.organizationArn)) ||
          ('organizationalUnitArn' in entry && world.isInOu(accountId, entry.organizationalUnitArn)),
      );
  }
  if (ACCOUNT_ID.test(user)) return (image) => image.launchPermissions.has(`user:${user}`);
  throw new ApiError('InvalidUserID.Malformed', `Invalid user id: "${user}"`);
}

const IMAGE_FILTERS = (world: World): FilterFields<ImageRecord> => ({
  architecture: (image) => [image.architecture],
  'block-device-mapping.device-name': (image) => image.blockDevices.map((device) => device.deviceName),
  'block-device-mapping.snapshot-id': (image) => image.blockDevices.map((device) => device.snapshotId),
  'block-device-mapping.encrypted': (image) =>
    image.blockDevices.map((device) => String(world.snapshots.get(device.snapshotId)?.encrypted ?? false)),
  'creation-date': (image) => [image.creationDate],
  description: (image) => (image.description === undefined ? [] : [image.description]),
  'image-id': (image) => [image.id],
  'image-type': () => ['machine'],
  'is-public': (image) => [String(world.isPublic(image))],
  name: (image) => [image.name],
  'owner-alias': (image) => (image.ownerAlias === undefined ? [] : [image.ownerAlias]),
  'owner-id': (image) => [image.ownerId],
  platform: (image) => (image.platform === undefined ? [] : [image.platform]),
  'product-code': (image) => image.productCodes.map((code) => code.id),
  'product-code.type': (image) => image.productCodes.map((code) => code.type),
  'root-device-type': () => ['ebs'],
  'source-image-id': (image) => (image.sourceImageId === undefined ? [] : [image.sourceImageId]),
  'source-image-region': (image) => (image.sourceImageRegion === undefined ? [] : [image.sourceImageRegion]),
  state: (image) => [image.state],
  'virtualization-type': () => ['hvm'],
});

function writeImage(world: World, image: ImageRecord): string {
  const windows = image.platform === 'windows';
  const firstDevice = image.blockDevices[0];
  return [
    element('imageId', image.id),
    element('imageLocation', `${image.ownerAlias ?? image.ownerId}/${image.name}`),
    element('imageState', image.state),
    element('imageOwnerId', image.ownerId),
    element('creationDate', image.creationDate),
    element('isPublic', world.isPublic(image)),
    image.productCodes.length > 0 ? itemList('productCodes', image.productCodes, writeProductCode) : '',
    element('architecture', image.architecture),
    element('imageType', 'machine'),
    element('platform', image.platform),
    element('platformDetails', windows ? 'Windows' : 'Linux/UNIX'),
    element('usageOperation', windows ? 'RunInstances:0002' : 'RunInstances'),
    element('imageOwnerAlias', image.ownerAlias),
    element('name', image.name),
    element('description', image.description),
    element('rootDeviceType', 'ebs'),
    element('rootDeviceName', firstDevice?.deviceName),
    itemList('blockDeviceMapping', image.blockDevices, (device) => writeBlockDevice(world, device)),
    element('virtualizationType', 'hvm'),
    image.tags.size > 0 ? itemList('tagSet', [...image.tags], ([key, value]) => element('key', key) + element('value', value)) : '',
    element('hypervisor', 'xen'),
    element('enaSupport', true),
    element('deprecationTime', image.deprecationTime),
    element('sourceImageId', image.sourceImageId),
    element('sourceImageRegion', image.sourceImageRegion),
  ].join('');
}

function writeBlockDevice(world: World, device: { readonly deviceName: string; readonly snapshotId: string }): string {
  const snapshot = world.snapshots.get(device.snapshotId);
  return (
    element('deviceName', device.deviceName) +
    wrap(
      'ebs',
      element('snapshotId', device.snapshotId) +
        element('volumeSize', snapshot?.volumeSize) +
        element('deleteOnTermination', true) +
        element('volumeType', 'gp3') +
        element('encrypted', snapshot?.encrypted ?? false),
    )
  );
}

function writeProductCode(code: { readonly id: string; readonly type: string }): string {
  return element('productCode', code.id) + element('type', code.type);
}

function writePermission(entry: EstateLaunchPermission): string {
  if ('userId' in entry) return element('userId', entry.userId);
  if ('group' in entry) return element('group', entry.group);
  if ('organizationArn' in entry) return element('organizationArn', entry.organizationArn);
  return element('organizationalUnitArn', entry.organizationalUnitArn);
}
