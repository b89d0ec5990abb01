import { ApiError, invalidParameterValue } from './api-error.js';
import type { Ec2Action, Ec2Context } from './ec2-context.js';
import { DRY_RUN_PARAM, stopIfDryRun } from './ec2-context.js';
import type { ManagedBy, SnapshotBlockPublicAccessState } from './estate.js';
import { makeFilter, parseFilters } from './filters.js';
import { exactParam, listParam, nestedParam } from './query.js';
import { element, itemList } from './xml.js';

// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeRegions.html
export const describeRegions: Ec2Action = {
  params: [listParam('RegionName'), exactParam('AllRegions'), nestedParam('Filter'), DRY_RUN_PARAM],
  throttleClass: () => 'non-mutating',
  run(context) {
    const { params, world } = context;
    const account = world.accounts.get(context.accountId);
    const names = params.list('RegionName');
    for (const name of names) {
      if (!world.regions.has(name)) throw invalidParameterValue(`Invalid region: ${name}`);
    }
    const all = params.boolean('AllRegions') ?? false;
    const regions = [...world.regions].map(([name, { optIn }]) => ({
      name,
      optInStatus: !optIn ? 'opt-in-not-required' : account?.enabledRegions.has(name) === true ? 'opted-in' : 'not-opted-in',
    }));
    const filter = makeFilter<(typeof regions)[number]>(
      parseFilters(params),
      {
        endpoint: (region) => [`ec2.${region.name}.amazonaws.com`],
        'opt-in-status': (region) => [region.optInStatus],
        'region-name': (region) => [region.name],
      },
      () => new Map(),
    );
    stopIfDryRun(context);
    const listed = regions.filter(
      (region) =>
        (all || region.optInStatus !== 'not-opted-in' || names.includes(region.name)) &&
        (names.length === 0 || names.includes(region.name)) &&
        filter(region),
    );
    return itemList(
      'regionInfo',
      listed,
      (region) =>
        element('regionName', region.name) +
        element('regionEndpoint', `ec2.${region.name}.amazonaws.com`) +
        element('optInStatus', region.optInStatus),
    );
  },
};

// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_GetImageBlockPublicAccessState.html
export const getImageBlockPublicAccessState: Ec2Action = {
  params: [DRY_RUN_PARAM],
  throttleClass: () => 'non-mutating',
  run(context) {
    stopIfDryRun(context);
    const bpa = context.world.blockPublicAccessOf(context.accountId, context.region);
    return element('imageBlockPublicAccessState', bpa.images) + element('managedBy', bpa.imagesManagedBy);
  },
};

// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_EnableImageBlockPublicAccess.html
export const enableImageBlockPublicAccess: Ec2Action = {
  params: [exactParam('ImageBlockPublicAccessState'), DRY_RUN_PARAM],
  throttleClass: () => 'block-public-access',
  run(context) {
    const state = context.params.required('ImageBlockPublicAccessState');
    if (state !== 'block-new-sharing') {
      throw invalidParameterValue(`Value (${state}) for parameter ImageBlockPublicAccessState is invalid. Expected: 'block-new-sharing'.`);
    }
    const bpa = context.world.blockPublicAccessOf(context.accountId, context.region);
    refuseIfDeclarative(bpa.imagesManagedBy, 'block public access for AMIs');
    stopIfDryRun(context);
    bpa.images = 'block-new-sharing';
    return element('imageBlockPublicAccessState', bpa.images);
  },
};

// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DisableImageBlockPublicAccess.html
export const disableImageBlockPublicAccess: Ec2Action = {
  params: [DRY_RUN_PARAM],
  throttleClass: () => 'block-public-access',
  run(context) {
    const bpa = context.world.blockPublicAccessOf(context.accountId, context.region);
    refuseIfDeclarative(bpa.imagesManagedBy, 'block public access for AMIs');
    stopIfDryRun(context);
    bpa.images = 'unblocked';
    return element('imageBlockPublicAccessState', bpa.images);
  },
};

// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_GetSnapshotBlockPublicAccessState.html
export const getSnapshotBlockPublicAccessState: Ec2Action = {
  params: [DRY_RUN_PARAM],
  throttleClass: () => 'non-mutating',
  run(context) {
    stopIfDryRun(context);
    const bpa = context.world.blockPublicAccessOf(context.accountId, context.region);
    return element('state', bpa.snapshots) + element('managedBy', bpa.snapshotsManagedBy);
  },
};

const SNAPSHOT_STATES: readonly SnapshotBlockPublicAccessState[] = ['block-all-sharing', 'block-new-sharing', 'unblocked'];

function isSnapshotState(state: string): state is SnapshotBlockPublicAccessState {
  return (SNAPSHOT_STATES as readonly string[]).includes(state);
}

// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_EnableSnapshotBlockPublicAccess.html
export const enableSnapshotBlockPublicAccess: Ec2Action = {
  params: [exactParam('State'), DRY_RUN_PARAM],
  throttleClass: () => 'block-public-access',
  run(context) {
    const state = context.params.required('State');
    if (!isSnapshotState(state)) {
      throw invalidParameterValue(`Value (${state}) for parameter State is invalid. Expected one of: ${SNAPSHOT_STATES.join(', ')}.`);
    }
    const bpa = context.world.blockPublicAccessOf(context.accountId, context.region);
    refuseIfDeclarative(bpa.snapshotsManagedBy, 'block public access for snapshots');
    stopIfDryRun(context);
    bpa.snapshots = state;
    return element('state', bpa.snapshots);
  },
};

// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DisableSnapshotBlockPublicAccess.html
export const disableSnapshotBlockPublicAccess: Ec2Action = {
  params: [DRY_RUN_PARAM],
  throttleClass: () => 'block-public-access',
  run(context: Ec2Context) {
    const bpa = context.world.blockPublicAccessOf(context.accountId, context.region);
    refuseIfDeclarative(bpa.snapshotsManagedBy, 'block public access for snapshots');
    stopIfDryRun(context);
    bpa.snapshots = 'unblocked';
    return element('state', bpa.snapshots);
  },
};

/**
 * A setting managed by a declarative policy cannot be changed from the account. See
 * https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_declarative.html
 */
function refuseIfDeclarative(managedBy: ManagedBy, setting: string): void {
  if (managedBy === 'declarative-policy') {
    throw new ApiError(
      'OperationNotPermitted',
      `The ${setting} setting is managed by a declarative policy of your organization and can't be modified from this account.`,
    );
  }
}
