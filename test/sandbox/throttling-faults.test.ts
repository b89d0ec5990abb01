import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  DescribeImageAttributeCommand,
  EC2Client,
  DescribeImagesCommand,
  DescribeSnapshotsCommand,
  EnableImageBlockPublicAccessCommand,
  ModifyImageAttributeCommand,
} from '@aws-sdk/client-ec2';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import type { FaultOptions } from '../../src/sandbox/index.js';
import { SAMPLE_CREDENTIALS, SAMPLE_IDS, THROTTLE_LIMITS } from '../../src/sandbox/index.js';
import { Throttle } from '../../src/sandbox/throttle.js';
import { ec2, rejectsWith, sts, withSandbox } from './helpers.js';

const describeAttribute = new DescribeImageAttributeCommand({ ImageId: SAMPLE_IDS.images.goldenOrgShared, Attribute: 'launchPermission' });
const enableBlock = new EnableImageBlockPublicAccessCommand({ ImageBlockPublicAccessState: 'block-new-sharing' });

describe('token buckets', () => {
  it('hold AWS-FACTS.md sizes and refill rates, times the speed factor', () => {
    let now = 0;
    const throttle = new Throttle(1, () => now);
    const taken = (key: string, count: number, throttleClass: Parameters<Throttle['take']>[1]): number =>
      Array.from({ length: count }, () => throttle.take(key, throttleClass)).filter(Boolean).length;
    assert.equal(taken('a', 150, 'non-mutating'), 100);
    assert.equal(taken('b', 80, 'unfiltered-non-mutating'), 50);
    assert.equal(taken('c', 150, 'modify-attribute'), 100);
    assert.equal(taken('d', 80, 'mutating'), 50);
    assert.equal(taken('e', 5, 'block-public-access'), 1);
    now = 1000;
    assert.equal(taken('a', 50, 'non-mutating'), 20);
    assert.equal(taken('c', 50, 'modify-attribute'), 5);
    assert.equal(taken('e', 5, 'block-public-access'), 0);
    now = 10_000;
    assert.equal(taken('e', 5, 'block-public-access'), 1);
    assert.equal(THROTTLE_LIMITS['block-public-access'].refillPerSecond, 0.1);

    const fast = new Throttle(10, () => now);
    assert.equal(Array.from({ length: 200 }, () => fast.take('x', 'non-mutating')).filter(Boolean).length, 100);
    now += 1000;
    assert.equal(Array.from({ length: 300 }, () => fast.take('x', 'non-mutating')).filter(Boolean).length, 100);
  });
});

describe('throttling through the SDK', () => {
  it('answers RequestLimitExceeded (HTTP 503) once a bucket is empty, per account, region and action', async () => {
    await withSandbox({ speed: 1, clock: () => 0 }, async (sandbox) => {
      const management = ec2(sandbox, SAMPLE_CREDENTIALS.management);
      for (let i = 0; i < THROTTLE_LIMITS['non-mutating'].capacity; i += 1) await management.send(describeAttribute);
      const throttled = await rejectsWith(management.send(describeAttribute), 'RequestLimitExceeded', 503);
      assert.equal(throttled.message, 'Request limit exceeded.');
      assert.equal(sandbox.stats.throttled, 1);
      assert.equal(sandbox.stats.throttledByAction['DescribeImageAttribute'], 1);
      assert.equal(sandbox.stats.byAction['DescribeImageAttribute'], 101);
      // Other actions, regions and accounts have their own buckets.
      await management.send(new DescribeImagesCommand({ Owners: ['self'] }));
      await ec2(sandbox, SAMPLE_CREDENTIALS.management, 'eu-west-1').send(new DescribeImagesCommand({ Owners: ['self'] }));
      await ec2(sandbox, SAMPLE_CREDENTIALS.prod).send(new DescribeImageAttributeCommand({ ImageId: SAMPLE_IDS.images.prodOuShared, Attribute: 'launchPermission' }));
    });
  });

  it('throttles unfiltered, unpaginated listings in their own smaller bucket', async () => {
    await withSandbox({ speed: 1, clock: () => 0 }, async (sandbox) => {
      const prod = ec2(sandbox, SAMPLE_CREDENTIALS.prod);
      for (let i = 0; i < THROTTLE_LIMITS['unfiltered-non-mutating'].capacity; i += 1) await prod.send(new DescribeSnapshotsCommand({}));
      await rejectsWith(prod.send(new DescribeSnapshotsCommand({})), 'RequestLimitExceeded');
      await prod.send(new DescribeSnapshotsCommand({ OwnerIds: ['self'] }));
    });
  });

  it('refuses a throttled change without applying it', async () => {
    await withSandbox({ speed: 1, clock: () => 0 }, async (sandbox) => {
      const dev = ec2(sandbox, SAMPLE_CREDENTIALS.dev);
      await dev.send(new EnableImageBlockPublicAccessCommand({ ImageBlockPublicAccessState: 'block-new-sharing' }));
      assert.equal(sandbox.state.imageBlockPublicAccess(SAMPLE_IDS.accounts.dev, 'us-east-1').state, 'block-new-sharing');
      await rejectsWith(dev.send(enableBlock), 'RequestLimitExceeded', 503);
    });
  });

  it('recovers with the SDK default retry strategy once the bucket refills', async () => {
    let now = 0;
    // Every bucket lookup sees five more seconds: half a token of the 0.1/s bucket.
    const clock = (): number => (now += 5000);
    await withSandbox({ speed: 1, clock }, async (sandbox) => {
      const management = new EC2Client({ endpoint: sandbox.url, region: 'us-east-1', credentials: SAMPLE_CREDENTIALS.management });
      await management.send(enableBlock);
      const result = await management.send(enableBlock);
      assert.equal(result.ImageBlockPublicAccessState, 'block-new-sharing');
      assert.equal(result.$metadata.attempts, 2);
      assert.equal(sandbox.stats.throttled, 1);
    });
  });
});

describe('fault injection', () => {
  const cases: [keyof FaultOptions & ('throttle' | 'internalError' | 'unavailable'), string, number][] = [
    ['throttle', 'RequestLimitExceeded', 503],
    ['internalError', 'InternalError', 500],
    ['unavailable', 'Unavailable', 503],
  ];
  for (const [fault, name, status] of cases) {
    it(`answers ${name} (HTTP ${status}) to the share of requests given as ${fault}, changing nothing`, async () => {
      await withSandbox({ faults: { [fault]: 1 } }, async (sandbox) => {
        const prod = ec2(sandbox, SAMPLE_CREDENTIALS.prod);
        await rejectsWith(
          prod.send(new ModifyImageAttributeCommand({ ImageId: SAMPLE_IDS.images.sharedWithOutsider, LaunchPermission: { Remove: [{ UserId: SAMPLE_IDS.accounts.outsider }] } })),
          name,
          status,
        );
        assert.equal(sandbox.stats.faults[fault], 1);
        assert.equal(sandbox.stats.throttled, 0);
        assert.deepEqual(sandbox.state.image(SAMPLE_IDS.images.sharedWithOutsider)?.launchPermissions, [{ userId: SAMPLE_IDS.accounts.outsider }]);
      });
    });
  }

  it('drops the connection before any response', async () => {
    await withSandbox({ faults: { drop: 1 } }, async (sandbox) => {
      const error = await rejectsWith(ec2(sandbox, SAMPLE_CREDENTIALS.prod).send(new DescribeImagesCommand({})), 'TimeoutError');
      assert.equal((error as Error & { code?: string }).code, 'ECONNRESET');
      assert.equal(sandbox.stats.faults.drop, 1);
    });
  });

  it('adds latency', async () => {
    await withSandbox({ faults: { latencyMs: [120, 150] } }, async (sandbox) => {
      const started = performance.now();
      await ec2(sandbox, SAMPLE_CREDENTIALS.prod).send(new DescribeImagesCommand({ Owners: ['self'] }));
      assert.ok(performance.now() - started >= 115);
    });
  });

  it('draws the same faults for the same seed', async () => {
    const outcomes = async (seed: number): Promise<string[]> => {
      const seen: string[] = [];
      await withSandbox({ seed, faults: { internalError: 0.3, unavailable: 0.3 } }, async (sandbox) => {
        const prod = ec2(sandbox, SAMPLE_CREDENTIALS.prod);
        for (let i = 0; i < 20; i += 1) {
          seen.push(await prod.send(new DescribeImagesCommand({ Owners: ['self'] })).then(() => 'ok', (error: Error) => error.name));
        }
      });
      return seen;
    };
    const first = await outcomes(11);
    assert.deepEqual(await outcomes(11), first);
    assert.ok(first.includes('ok') && first.includes('InternalError') && first.includes('Unavailable'));
    assert.notDeepEqual(await outcomes(12), first);
  });

  it('limits faults to the actions and services named', async () => {
    await withSandbox({ faults: { internalError: 1, actions: ['DescribeImageAttribute'], services: ['ec2', 'sts'] } }, async (sandbox) => {
      const management = ec2(sandbox, SAMPLE_CREDENTIALS.management);
      await management.send(new DescribeImagesCommand({ Owners: ['self'] }));
      await rejectsWith(management.send(describeAttribute), 'InternalError', 500);
      await sts(sandbox, SAMPLE_CREDENTIALS.management).send(new GetCallerIdentityCommand({}));
    });
    await withSandbox({ faults: { internalError: 1, services: ['sts'] } }, async (sandbox) => {
      await rejectsWith(sts(sandbox, SAMPLE_CREDENTIALS.management).send(new GetCallerIdentityCommand({})), 'InternalFailure', 500);
    });
  });

  it('lets the SDK default retries ride out faults, every call ending with the right answer', async () => {
    await withSandbox({ seed: 3, faults: { internalError: 0.2, unavailable: 0.1, drop: 0.1, throttle: 0.1 } }, async (sandbox) => {
      const management = ec2(sandbox, SAMPLE_CREDENTIALS.management, 'us-east-1', 10);
      for (let i = 0; i < 15; i += 1) {
        const result = await management.send(describeAttribute);
        assert.deepEqual(result.LaunchPermissions, [{ OrganizationArn: SAMPLE_IDS.organization.arn }]);
      }
      const { faults } = sandbox.stats;
      assert.ok(faults.internalError + faults.unavailable + faults.drop + faults.throttle > 0);
    });
  });
});
