/**
 * Reliability: the sample organization read under injected throttling, 500s, 503s, dropped
 * connections and latency (seeded) gives the inventory read without faults, or names precisely
 * the account or region it could not read.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readInventory, type AuditScope, type Inventory } from '../../src/audit/index.js';
import { SAMPLE_CREDENTIALS, SAMPLE_ESTATE, SAMPLE_IDS, startSandbox, type FaultOptions } from '../../src/sandbox/index.js';
import { assertSameOrNamed, contents, expectedRegion, sandboxSession } from './helpers.js';

const SCOPE: AuditScope = { regions: 'all', organization: true, role: 'AmiguardAuditRole' };
const ALL_SERVICES = ['ec2', 'sts', 'organizations'] as const;

/** `maxAttempts` per call: 10 lets retries cure injected faults; a fault that never stops needs fewer, to fail fast. */
async function audit(
  faults: FaultOptions | undefined,
  seed: number,
  maxAttempts = 10,
): Promise<{ inventory: Inventory; faulted: number; requests: number }> {
  const sandbox = await startSandbox({ estate: SAMPLE_ESTATE, speed: Number.POSITIVE_INFINITY, seed, ...(faults === undefined ? {} : { faults }) });
  try {
    const inventory = await readInventory({ session: sandboxSession(sandbox, SAMPLE_CREDENTIALS.management, maxAttempts), scope: SCOPE });
    assert.deepEqual(sandbox.stats.unexpectedErrors, []);
    if (faults === undefined) {
      // The fault-free read is itself checked against the sandbox's state.
      for (const region of inventory.regions) assert.deepEqual(region, expectedRegion(sandbox, SAMPLE_ESTATE, region.account, region.region));
    }
    const faulted = Object.values(sandbox.stats.faults).reduce((sum, count) => sum + count, 0);
    return { inventory, faulted, requests: sandbox.stats.requests };
  } finally {
    await sandbox.close();
  }
}

describe('readInventory under faults', async () => {
  const clean = (await audit(undefined, 1)).inventory;

  it('reads all 9 account-regions without faults', () => {
    assert.equal(clean.regions.length, 9);
    assert.deepEqual(clean.failures, []);
  });

  const mixes: [string, FaultOptions, number][] = [
    ['throttling, 500s, 503s and dropped connections in every service', { throttle: 0.05, internalError: 0.1, unavailable: 0.05, drop: 0.05, services: ALL_SERVICES }, 7],
    ['500s, 503s, dropped connections and latency, another seed', { internalError: 0.1, unavailable: 0.1, drop: 0.1, latencyMs: [0, 15], services: ALL_SERVICES }, 42],
    ['dropped connections only', { drop: 0.3 }, 3],
    ['latency only', { latencyMs: [5, 25] }, 5],
  ];
  for (const [name, faults, seed] of mixes) {
    it(`gives the same inventory under ${name}`, async () => {
      const { inventory, faulted, requests } = await audit(faults, seed);
      if (faults.latencyMs === undefined || faults.drop !== undefined) assert.ok(faulted > 0, 'no fault was injected');
      assert.ok(inventory.stats.calls >= requests - faulted, 'every request sent is counted');
      // Injected faults are retried away (the session allows 10 attempts), or named.
      assertSameOrNamed(inventory, clean);
      assert.ok(inventory.failures.length <= 1, `too many failures for retried faults: ${JSON.stringify(inventory.failures)}`);
    });
  }

  it('counts the throttled responses it was given', async () => {
    const { inventory } = await audit({ throttle: 0.05 }, 11);
    assert.deepEqual(contents(inventory), contents(clean));
    assert.ok(inventory.stats.throttled > 0);
  });

  it('names every account-region where one call keeps failing, and reads everything else there', async () => {
    const { inventory } = await audit({ internalError: 1, actions: ['GetSnapshotBlockPublicAccessState'] }, 1, 2);
    assert.deepEqual(
      inventory.failures.map((failure) => `${failure.account}/${failure.region ?? ''} ${failure.kind} ${failure.action ?? ''}`),
      clean.regions.map((region) => `${region.account}/${region.region} snapshot-block-public-access ec2:GetSnapshotBlockPublicAccessState`),
    );
    for (const failure of inventory.failures) {
      assert.match(failure.reason, new RegExp(`^GetSnapshotBlockPublicAccessState in ${failure.region ?? ''} failed: InternalError`));
    }
    // Only that setting is unknown: the AMIs, their permissions and the image setting are as without faults.
    assert.deepEqual(
      inventory.regions.map((region) => ({ ...region, blockPublicAccess: { ...region.blockPublicAccess, snapshots: undefined } })),
      clean.regions.map((region) => ({ ...region, blockPublicAccess: { ...region.blockPublicAccess, snapshots: undefined } })),
    );
    assert.ok(inventory.regions.every((region) => region.blockPublicAccess.snapshots.state === 'unknown'));
  });

  it('names the resources whose read keeps failing', async () => {
    const { inventory } = await audit({ unavailable: 1, actions: ['DescribeImageAttribute'] }, 1, 2);
    // One gap per region with AMIs; the AMIs stay in the inventory, their launch permission unknown.
    const withImages = clean.regions.filter((region) => region.images.length > 0);
    assert.deepEqual(
      inventory.failures.map((failure) => `${failure.account}/${failure.region ?? ''} ${failure.kind}`),
      withImages.map((region) => `${region.account}/${region.region} launch-permission`),
    );
    const managementEast = inventory.failures.find(
      (failure) => failure.account === SAMPLE_IDS.accounts.management && failure.region === 'us-east-1',
    );
    assert.match(managementEast?.reason ?? '', /^DescribeImageAttribute in us-east-1 failed: Unavailable.* \(\d+: ami-[0-9a-f]{17}/);
    assert.ok(inventory.regions.flatMap((region) => region.images).every((image) => image.launchUnknown !== undefined));
  });
});
