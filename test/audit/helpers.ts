import assert from 'node:assert/strict';
import type { Grantee } from '../../src/core/index.js';
import type { AuditedSnapshot, Inventory, RegionInventory } from '../../src/audit/index.js';
import { AwsSession } from '../../src/aws/session.js';
import { SAMPLE_ESTATE, type Estate, type EstateLaunchPermission, type Sandbox } from '../../src/sandbox/index.js';

export interface Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

/**
 * A session against the sandbox; `maxAttempts` high enough that injected faults are retried away.
 * The credentials are copied: the SDK marks the object it is given (`$source`), which would then
 * no longer validate as part of an estate.
 */
export function sandboxSession(sandbox: Sandbox, credentials: Credentials, maxAttempts = 10): AwsSession {
  return new AwsSession({ endpoint: sandbox.url, region: 'us-east-1', credentials: { ...credentials }, maxAttempts });
}

function grantee(permission: EstateLaunchPermission): Grantee {
  if ('userId' in permission) return { kind: 'account', id: permission.userId };
  if ('group' in permission) return { kind: 'public' };
  if ('organizationArn' in permission) return { kind: 'organization', arn: permission.organizationArn };
  return { kind: 'ou', arn: permission.organizationalUnitArn };
}

/**
 * What an audit of one account and region must find, from the sandbox's live state (not through
 * the API): every AMI the account owns there, with launch and snapshot permissions. Public
 * snapshots that back no AMI are not in the state's listing, so `orphanPublicSnapshots` is [].
 */
export function expectedRegion(sandbox: Sandbox, estate: Estate, account: string, region: string): RegionInventory {
  // The live state does not show creation dates; they never change, so the estate's are the truth.
  const created = new Map(estate.accounts.flatMap((owner) => (owner.images ?? []).map((image) => [image.id, image.creationDate])));
  const snapshot = (id: string): AuditedSnapshot => {
    const view = sandbox.state.snapshot(id);
    assert.ok(view !== undefined, `the sandbox has no snapshot ${id}`);
    return {
      id,
      encrypted: view.encrypted,
      ...(view.kmsKeyId === undefined ? {} : { kmsKeyId: view.kmsKeyId }),
      permissions: view.createVolumePermissions.map(grantee),
    };
  };
  return {
    account,
    region,
    images: sandbox.state.images({ ownerId: account, region }).map((image) => {
      const creationDate = created.get(image.id);
      return {
        account,
        region,
        id: image.id,
        name: image.name,
        public: image.public,
        state: image.state,
        ...(creationDate === undefined ? {} : { creationDate }),
        launch: image.launchPermissions.map(grantee),
        snapshots: image.snapshotIds.map(snapshot),
      };
    }),
    orphanPublicSnapshots: [],
    blockPublicAccess: {
      images: sandbox.state.imageBlockPublicAccess(account, region),
      snapshots: sandbox.state.snapshotBlockPublicAccess(account, region),
    },
  };
}

/** The inventory without its stats (which depend on retries), for comparisons. */
export function contents(inventory: Inventory): Omit<Inventory, 'stats'> {
  return { caller: inventory.caller, regions: inventory.regions, failures: inventory.failures, read: inventory.read };
}

/**
 * The inventory read under faults must equal the one read without, except for what it names as
 * failed: a failed region is absent, an account that failed as a whole has no region, and a
 * region with a part not read is left out of the comparison (that part is named unknown).
 */
export function assertSameOrNamed(actual: Inventory, expected: Inventory): void {
  const failedWhole = new Set(actual.failures.filter((failure) => failure.region === undefined).map((failure) => failure.account));
  const failedRegions = new Set(
    actual.failures.flatMap((failure) => (failure.region === undefined ? [] : [`${failure.account}/${failure.region}`])),
  );
  const partial = new Set(actual.failures.filter((failure) => failure.kind !== 'region' && failure.kind !== 'account').map((failure) => `${failure.account}/${failure.region ?? ''}`));
  for (const failure of actual.failures) {
    assert.ok(failure.reason.length > 0, `failure of ${failure.account} has no reason`);
    assert.ok(
      expected.regions.some((region) => region.account === failure.account && (failure.region === undefined || region.region === failure.region)),
      `the failure names ${failure.account}/${failure.region ?? '*'}, which is not a region the audit reads`,
    );
  }
  const kept = expected.regions.filter(
    (region) => !failedWhole.has(region.account) && !failedRegions.has(`${region.account}/${region.region}`),
  );
  assert.deepEqual(
    actual.regions.filter((region) => !partial.has(`${region.account}/${region.region}`)),
    kept,
  );
}

/** A copy of an estate (the sample one by default) with one account's first access key (its admin) denied some actions. */
export function denyingAdmin(accountId: string, denyActions: readonly string[], estate: Estate = SAMPLE_ESTATE): Estate {
  return {
    ...estate,
    accounts: estate.accounts.map((account) =>
      account.id !== accountId
        ? account
        : { ...account, accessKeys: (account.accessKeys ?? []).map((key, i) => (i === 0 ? { ...key, denyActions } : key)) },
    ),
  };
}
