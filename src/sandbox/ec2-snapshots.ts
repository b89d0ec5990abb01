import { ApiError, invalidCombination, invalidParameterValue, missingParameter } from './api-error.js';
import type { Ec2Action, Ec2Context } from './ec2-context.js';
import { DRY_RUN_PARAM, RETURN_TRUE, notAuthorizedFor, paginationKey, stopIfDryRun } from './ec2-context.js';
import type { EstateVolumePermission } from './estate.js';
import { ACCOUNT_ID, SNAPSHOT_ID } from './estate.js';
import type { FilterFields } from './filters.js';
import { makeFilter, parseFilters } from './filters.js';
import { paginate } from './pagination.js';
import type { QueryParams } from './query.js';
import { exactParam, listParam, nestedParam } from './query.js';
import type { SnapshotRecord, World } from './world.js';
import { permissionKey } from './world.js';
import { element, itemList } from './xml.js';

// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeSnapshots.html
export const describeSnapshots: Ec2Action = {
  params: [
    exactParam('MaxResults'), exactParam('NextToken'), listParam('Owner'), listParam('RestorableBy'), listParam('SnapshotId'),
    nestedParam('Filter'), DRY_RUN_PARAM,
  ],
  throttleClass: (params) =>
    ['Filter', 'SnapshotId', 'Owner', 'RestorableBy', 'MaxResults'].some((name) => params.has(name))
      ? 'non-mutating'
      : 'unfiltered-non-mutating',
  run(context) {
    const { params, world, accountId } = context;
    const snapshotIds = params.list('SnapshotId');
    snapshotIds.forEach(checkSnapshotId);
    let maxResults = params.integer('MaxResults');
    if (maxResults !== undefined && snapshotIds.length > 0) {
      throw invalidCombination('The parameter SnapshotIds cannot be used with the parameter MaxResults');
    }
    if (maxResults !== undefined && maxResults < 5) {
      throw invalidParameterValue(`Value ( ${maxResults} ) for parameter maxResults is invalid. Expecting a value greater than 5.`);
    }
    // Larger values are accepted and return at most 1,000 snapshots.
    if (maxResults !== undefined) maxResults = Math.min(maxResults, 1000);
    const owners = params.list('Owner').map((owner) => ownerMatcher(owner, accountId));
    const restorableBy = params.list('RestorableBy').map((user) => restorableMatcher(user, accountId, world));
    const filter = makeFilter(parseFilters(params), SNAPSHOT_FILTERS, (snapshot) => snapshot.tags);

    const requested = new Set(snapshotIds);
    const snapshots = world.snapshotsIn(context.region);
    const visible = (snapshot: SnapshotRecord): boolean =>
      world.canSeeSnapshot(snapshot, accountId) && (requested.size === 0 || requested.has(snapshot.id));
    if (requested.size > 0) {
      const found = new Set(snapshots.filter(visible).map((snapshot) => snapshot.id));
      const firstMissing = [...requested].find((id) => !found.has(id));
      if (firstMissing !== undefined) throw snapshotNotFound(firstMissing);
    }
    stopIfDryRun(context);

    const matching = (snapshot: SnapshotRecord): boolean =>
      visible(snapshot) &&
      (owners.length === 0 || owners.some((matches) => matches(snapshot))) &&
      (restorableBy.length === 0 || restorableBy.some((matches) => matches(snapshot))) &&
      filter(snapshot);
    const { page, nextToken } = paginate(snapshots, maxResults, params.string('NextToken'), paginationKey(context), matching);
    return itemList('snapshotSet', page, writeSnapshot) + element('nextToken', nextToken);
  },
};

/** Describe and Reset: the attribute is checked, only the owner may act, and DryRun stops here. */
function ownedSnapshotAttribute(context: Parameters<Ec2Action['run']>[0]) {
  const attribute = context.params.required('Attribute');
  const snapshot = findSnapshot(context, context.params.required('SnapshotId'));
  checkAttribute(attribute);
  if (snapshot.ownerId !== context.accountId) throw notAuthorizedFor('snapshot', snapshot.id);
  stopIfDryRun(context);
  return { attribute, snapshot };
}

// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeSnapshotAttribute.html
export const describeSnapshotAttribute: Ec2Action = {
  params: [exactParam('Attribute'), exactParam('SnapshotId'), DRY_RUN_PARAM],
  throttleClass: () => 'non-mutating',
  run(context) {
    const { attribute, snapshot } = ownedSnapshotAttribute(context);
    const id = element('snapshotId', snapshot.id);
    return attribute === 'createVolumePermission'
      ? id + itemList('createVolumePermission', [...snapshot.createVolumePermissions.values()], writePermission)
      : `${id}<productCodes/>`;
  },
};

// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ModifySnapshotAttribute.html
export const modifySnapshotAttribute: Ec2Action = {
  params: [
    exactParam('Attribute'), nestedParam('CreateVolumePermission'), listParam('UserGroup'), exactParam('OperationType'),
    listParam('UserId'), exactParam('SnapshotId'), DRY_RUN_PARAM,
  ],
  throttleClass: () => 'modify-attribute',
  run(context) {
    const { params, world } = context;
    const snapshot = findSnapshot(context, params.required('SnapshotId'));
    const attribute = params.string('Attribute');
    if (attribute !== undefined) {
      checkAttribute(attribute);
      if (attribute !== 'createVolumePermission') {
        throw invalidParameterValue('Only the createVolumePermission attribute of a snapshot can be modified.');
      }
    }
    const { add, remove } = readSnapshotChange(params);
    if (snapshot.ownerId !== context.accountId) throw notAuthorizedFor('snapshot', snapshot.id);

    if (add.length > 0) {
      // Observed AWS answer, e.g. https://github.com/hashicorp/packer/issues/7499
      if (snapshot.defaultKey) {
        throw new ApiError('OperationNotPermitted', 'Encrypted snapshots with EBS default key cannot be shared');
      }
      if (add.some((entry) => 'group' in entry)) {
        if (snapshot.encrypted) throw new ApiError('OperationNotPermitted', 'Encrypted snapshots cannot be shared publicly.');
        if (world.blockPublicAccessOf(snapshot.ownerId, snapshot.region).snapshots !== 'unblocked') {
          throw new ApiError(
            'OperationNotPermitted',
            'You can’t publicly share this snapshot because block public access for snapshots is enabled for this account. ' +
              'To publicly share the snapshot, you must call the DisableSnapshotBlockPublicAccess API.',
          );
        }
      }
    }
    stopIfDryRun(context);
    for (const entry of add) {
      const key = permissionKey(entry);
      if (!snapshot.createVolumePermissions.has(key)) snapshot.createVolumePermissions.set(key, entry);
    }
    for (const entry of remove) snapshot.createVolumePermissions.delete(permissionKey(entry));
    return RETURN_TRUE;
  },
};

// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ResetSnapshotAttribute.html
export const resetSnapshotAttribute: Ec2Action = {
  params: [exactParam('Attribute'), exactParam('SnapshotId'), DRY_RUN_PARAM],
  throttleClass: () => 'modify-attribute',
  run(context) {
    const { attribute, snapshot } = ownedSnapshotAttribute(context);
    if (attribute === 'createVolumePermission') snapshot.createVolumePermissions.clear();
    return RETURN_TRUE;
  },
};

/**
 * The permission change of a ModifySnapshotAttribute call, validated. Snapshots take account
 * ids and the group `all` only, and a call either adds or removes (AWS-FACTS.md "Snapshots").
 */
function readSnapshotChange(params: QueryParams): { add: EstateVolumePermission[]; remove: EstateVolumePermission[] } {
  const structured = params.has('CreateVolumePermission');
  const legacy = params.has('UserId') || params.has('UserGroup') || params.has('OperationType');
  if (structured && legacy) {
    throw invalidCombination('The parameter CreateVolumePermission cannot be used with the parameters OperationType, UserId, UserGroup');
  }
  if (structured) {
    const modifications = params.nested('CreateVolumePermission');
    const add = readVolumePermissionItems(modifications.structures('Add'));
    const remove = readVolumePermissionItems(modifications.structures('Remove'));
    if (add.length > 0 && remove.length > 0) {
      throw invalidCombination('You cannot add and remove create volume permissions in the same call.');
    }
    if (add.length + remove.length === 0) throw invalidCombination('No attributes specified.');
    return { add, remove };
  }
  if (!legacy) throw invalidCombination('No attributes specified.');
  const operation = params.string('OperationType');
  if (operation === undefined) throw missingParameter('OperationType');
  if (operation !== 'add' && operation !== 'remove') {
    throw invalidParameterValue(`Value (${operation}) for parameter operationType is invalid. Expected: 'add' or 'remove'.`);
  }
  const entries = [
    ...params.list('UserId').map(toUserPermission),
    ...params.list('UserGroup').map(toGroupPermission),
  ];
  if (entries.length === 0) throw missingParameter('UserId');
  return operation === 'add' ? { add: entries, remove: [] } : { add: [], remove: entries };
}

function readVolumePermissionItems(items: readonly QueryParams[]): EstateVolumePermission[] {
  return items.flatMap((item) => {
    const userId = item.string('UserId');
    const group = item.string('Group');
    const entries: EstateVolumePermission[] = [];
    if (userId !== undefined) entries.push(toUserPermission(userId));
    if (group !== undefined) entries.push(toGroupPermission(group));
    if (entries.length === 0) throw missingParameter('CreateVolumePermission item (UserId or Group)');
    return entries;
  });
}

function toUserPermission(userId: string): EstateVolumePermission {
  if (!ACCOUNT_ID.test(userId)) throw new ApiError('InvalidUserID.Malformed', `Invalid user id: "${userId}"`);
  return { userId };
}

function toGroupPermission(group: string): EstateVolumePermission {
  if (group !== 'all') throw invalidParameterValue(`Value (${group}) for parameter group is invalid. Expected: 'all'.`);
  return { group: 'all' };
}

function checkAttribute(attribute: string): void {
  if (attribute !== 'createVolumePermission' && attribute !== 'productCodes') {
    throw invalidParameterValue(`Value (${attribute}) for parameter attribute is invalid. Unknown attribute.`);
  }
}

function findSnapshot(context: Ec2Context, id: string): SnapshotRecord {
  checkSnapshotId(id);
  const snapshot = context.world.snapshots.get(id);
  if (snapshot === undefined || snapshot.region !== context.region || !context.world.canSeeSnapshot(snapshot, context.accountId)) {
    throw snapshotNotFound(id);
  }
  return snapshot;
}

function checkSnapshotId(id: string): void {
  if (!SNAPSHOT_ID.test(id)) throw invalidParameterValue(`Value (${id}) for parameter snapshotId is invalid. Expected: 'snap-...'.`);
}

function snapshotNotFound(id: string): ApiError {
  return new ApiError('InvalidSnapshot.NotFound', `The snapshot '${id}' does not exist.`);
}

function ownerMatcher(owner: string, accountId: string): (snapshot: SnapshotRecord) => boolean {
  if (owner === 'self') return (snapshot) => snapshot.ownerId === accountId;
  if (ACCOUNT_ID.test(owner)) return (snapshot) => snapshot.ownerId === owner;
  if (owner === 'amazon') return () => false;
  throw new ApiError('InvalidUserID.Malformed', `Invalid user id: "${owner}"`);
}

/**
 * RestorableBy: `all` is public snapshots; `self` (or the caller's id) is snapshots the caller
 * owns or has explicit permission for; another account id is the caller's own snapshots shared
 * with that account. See RestorableBy.N in the DescribeSnapshots reference.
 */
function restorableMatcher(user: string, accountId: string, world: World): (snapshot: SnapshotRecord) => boolean {
  if (user === 'all') return (snapshot) => world.isEffectivelyPublic(snapshot);
  if (user === 'self' || user === accountId) {
    return (snapshot) => snapshot.ownerId === accountId || snapshot.createVolumePermissions.has(`user:${accountId}`);
  }
  if (ACCOUNT_ID.test(user)) {
    return (snapshot) => snapshot.ownerId === accountId && snapshot.createVolumePermissions.has(`user:${user}`);
  }
  throw new ApiError('InvalidUserID.Malformed', `Invalid user id: "${user}"`);
}

const SNAPSHOT_FILTERS: FilterFields<SnapshotRecord> = {
  description: (snapshot) => (snapshot.description === undefined ? [] : [snapshot.description]),
  encrypted: (snapshot) => [String(snapshot.encrypted)],
  'kms-key-id': (snapshot) => (snapshot.kmsKeyId === undefined ? [] : [snapshot.kmsKeyId]),
  'owner-id': (snapshot) => [snapshot.ownerId],
  progress: () => ['100%'],
  'snapshot-id': (snapshot) => [snapshot.id],
  'start-time': (snapshot) => [snapshot.startTime],
  status: () => ['completed'],
  'storage-tier': () => ['standard'],
  'volume-id': (snapshot) => [snapshot.volumeId],
  'volume-size': (snapshot) => [String(snapshot.volumeSize)],
};

function writeSnapshot(snapshot: SnapshotRecord): string {
  return [
    element('snapshotId', snapshot.id),
    element('volumeId', snapshot.volumeId),
    element('status', 'completed'),
    element('startTime', snapshot.startTime),
    element('progress', '100%'),
    element('ownerId', snapshot.ownerId),
    element('volumeSize', snapshot.volumeSize),
    element('description', snapshot.description),
    element('encrypted', snapshot.encrypted),
    element('kmsKeyId', snapshot.kmsKeyId),
    snapshot.tags.size > 0
      ? itemList('tagSet', [...snapshot.tags], ([key, value]) => element('key', key) + element('value', value))
      : '',
    element('storageTier', 'standard'),
  ].join('');
}

function writePermission(entry: EstateVolumePermission): string {
  return 'userId' in entry ? element('userId', entry.userId) : element('group', entry.group);
}
