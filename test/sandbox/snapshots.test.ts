import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CreateVolumePermission, DescribeSnapshotsCommandInput, EC2Client } from '@aws-sdk/client-ec2';
import {
  DescribeSnapshotAttributeCommand,
  DescribeSnapshotsCommand,
  ModifySnapshotAttributeCommand,
  ResetSnapshotAttributeCommand,
  paginateDescribeSnapshots,
} from '@aws-sdk/client-ec2';
import { SAMPLE_CREDENTIALS, SAMPLE_IDS, generateEstate } from '../../src/sandbox/index.js';
import { ec2, rejectsWith, withSandbox } from './helpers.js';

const { snapshots, accounts } = SAMPLE_IDS;

async function volumePermissions(client: EC2Client, snapshotId: string): Promise<CreateVolumePermission[]> {
  const result = await client.send(new DescribeSnapshotAttributeCommand({ SnapshotId: snapshotId, Attribute: 'createVolumePermission' }));
  assert.equal(result.SnapshotId, snapshotId);
  return result.CreateVolumePermissions ?? [];
}

async function snapshotIds(client: EC2Client, input: DescribeSnapshotsCommandInput): Promise<string[]> {
  const { Snapshots = [] } = await client.send(new DescribeSnapshotsCommand(input));
  return Snapshots.map((snapshot) => snapshot.SnapshotId ?? '').sort();
}

describe('DescribeSnapshots', () => {
  it('pages owned snapshots with the SDK paginator', async () => {
    const estate = generateEstate({ accounts: 1, regions: 1, amisPerRegion: 12, seed: 9 });
    await withSandbox({ estate }, async (sandbox) => {
      const client = ec2(sandbox, sandbox.credentials('002000000000'));
      const pages: number[] = [];
      const ids: string[] = [];
      for await (const page of paginateDescribeSnapshots({ client, pageSize: 5 }, { OwnerIds: ['self'] })) {
        pages.push(page.Snapshots?.length ?? 0);
        ids.push(...(page.Snapshots ?? []).map((snapshot) => snapshot.SnapshotId ?? ''));
      }
      assert.deepEqual(pages, [5, 5, 2]);
      assert.deepEqual([...ids].sort(), await snapshotIds(client, { OwnerIds: ['self'] }));
      await rejectsWith(client.send(new DescribeSnapshotsCommand({ SnapshotIds: [ids[0] ?? ''], MaxResults: 5 })), 'InvalidParameterCombination');
      await rejectsWith(client.send(new DescribeSnapshotsCommand({ OwnerIds: ['self'], MaxResults: 3 })), 'InvalidParameterValue');
    });
  });

  it('lists public snapshots with RestorableByUserIds=all, except those hidden by block-all-sharing', async () => {
    await withSandbox({}, async (sandbox) => {
      const prod = ec2(sandbox, SAMPLE_CREDENTIALS.prod);
      assert.deepEqual(await snapshotIds(prod, { RestorableByUserIds: ['all'] }), [snapshots.publicDemo, snapshots.privateWithPublicSnapshot].sort());
      const dev = ec2(sandbox, SAMPLE_CREDENTIALS.dev);
      assert.deepEqual(await snapshotIds(dev, { OwnerIds: ['self'], RestorableByUserIds: ['all'] }), [snapshots.privateWithPublicSnapshot]);

      // prod's ap-southeast-2 snapshot is public, but block-all-sharing treats it as private.
      const devSydney = ec2(sandbox, SAMPLE_CREDENTIALS.dev, 'ap-southeast-2');
      assert.deepEqual(await snapshotIds(devSydney, { RestorableByUserIds: ['all'] }), []);
      await rejectsWith(devSydney.send(new DescribeSnapshotsCommand({ SnapshotIds: [snapshots.prodPublicOld] })), 'InvalidSnapshot.NotFound');
      const prodSydney = ec2(sandbox, SAMPLE_CREDENTIALS.prod, 'ap-southeast-2');
      assert.deepEqual(await volumePermissions(prodSydney, snapshots.prodPublicOld), [{ Group: 'all' }]);
    });
  });

  it('shows snapshots shared with the caller, and scopes RestorableBy like AWS', async () => {
    await withSandbox({}, async (sandbox) => {
      const dev = ec2(sandbox, SAMPLE_CREDENTIALS.dev, 'eu-west-1');
      assert.deepEqual(await snapshotIds(dev, { OwnerIds: [accounts.prod] }), [snapshots.customerKeyShared]);
      assert.ok((await snapshotIds(dev, { RestorableByUserIds: ['self'] })).includes(snapshots.customerKeyShared));
      const prod = ec2(sandbox, SAMPLE_CREDENTIALS.prod, 'eu-west-1');
      assert.deepEqual(await snapshotIds(prod, { RestorableByUserIds: [accounts.dev] }), [snapshots.customerKeyShared]);
      assert.deepEqual(await snapshotIds(prod, { Filters: [{ Name: 'encrypted', Values: ['true'] }, { Name: 'owner-id', Values: ['2222*'] }] }), [
        snapshots.defaultKeyEncrypted,
        snapshots.customerKeyShared,
      ].sort());
      const { Snapshots = [] } = await prod.send(new DescribeSnapshotsCommand({ SnapshotIds: [snapshots.defaultKeyEncrypted] }));
      assert.match(Snapshots[0]?.KmsKeyId ?? '', /^arn:aws:kms:eu-west-1:222222222222:key\/[0-9a-f-]{36}$/);
    });
  });

  it('answers malformed and unknown snapshot ids as AWS does', async () => {
    await withSandbox({}, async (sandbox) => {
      const prod = ec2(sandbox, SAMPLE_CREDENTIALS.prod);
      await rejectsWith(prod.send(new DescribeSnapshotsCommand({ SnapshotIds: ['snap-12'] })), 'InvalidParameterValue', 400);
      const notFound = await rejectsWith(prod.send(new DescribeSnapshotsCommand({ SnapshotIds: ['snap-0123456789abcdef0'] })), 'InvalidSnapshot.NotFound');
      assert.equal(notFound.message, "The snapshot 'snap-0123456789abcdef0' does not exist.");
      await rejectsWith(
        prod.send(new DescribeSnapshotAttributeCommand({ SnapshotId: 'snap-0123456789abcdef0', Attribute: 'createVolumePermission' })),
        'InvalidSnapshot.NotFound',
      );
    });
  });
});

describe('create volume permissions', () => {
  it('adds and removes in both request forms and reads them back', async () => {
    await withSandbox({}, async (sandbox) => {
      const prod = ec2(sandbox, SAMPLE_CREDENTIALS.prod);
      const id = snapshots.sharedWithOutsider;
      await prod.send(new ModifySnapshotAttributeCommand({ SnapshotId: id, CreateVolumePermission: { Add: [{ UserId: accounts.dev }, { UserId: accounts.dev }] } }));
      assert.deepEqual(await volumePermissions(prod, id), [{ UserId: accounts.outsider }, { UserId: accounts.dev }]);
      await prod.send(
        new ModifySnapshotAttributeCommand({ SnapshotId: id, Attribute: 'createVolumePermission', OperationType: 'remove', UserIds: [accounts.outsider, '123456789012'] }),
      );
      assert.deepEqual(await volumePermissions(prod, id), [{ UserId: accounts.dev }]);
      await prod.send(new ModifySnapshotAttributeCommand({ SnapshotId: id, Attribute: 'createVolumePermission', OperationType: 'add', UserIds: [accounts.management] }));
      assert.deepEqual(await volumePermissions(prod, id), [{ UserId: accounts.dev }, { UserId: accounts.management }]);
      await prod.send(new ResetSnapshotAttributeCommand({ SnapshotId: id, Attribute: 'createVolumePermission' }));
      assert.deepEqual(await volumePermissions(prod, id), []);
    });
  });

  it('refuses to add and remove in one call, and bad account ids, changing nothing', async () => {
    await withSandbox({}, async (sandbox) => {
      const prod = ec2(sandbox, SAMPLE_CREDENTIALS.prod);
      const id = snapshots.sharedWithOutsider;
      await rejectsWith(
        prod.send(
          new ModifySnapshotAttributeCommand({
            SnapshotId: id,
            CreateVolumePermission: { Add: [{ UserId: accounts.dev }], Remove: [{ UserId: accounts.outsider }] },
          }),
        ),
        'InvalidParameterCombination',
        400,
      );
      await rejectsWith(
        prod.send(new ModifySnapshotAttributeCommand({ SnapshotId: id, CreateVolumePermission: { Add: [{ UserId: accounts.dev }, { UserId: 'abc' }] } })),
        'InvalidUserID.Malformed',
      );
      await rejectsWith(
        prod.send(new ModifySnapshotAttributeCommand({ SnapshotId: id, OperationType: 'add', GroupNames: ['everyone'] })),
        'InvalidParameterValue',
      );
      assert.deepEqual(await volumePermissions(prod, id), [{ UserId: accounts.outsider }]);
    });
  });

  it('refuses any sharing of a snapshot encrypted with aws/ebs, and making an encrypted snapshot public', async () => {
    await withSandbox({}, async (sandbox) => {
      const prod = ec2(sandbox, SAMPLE_CREDENTIALS.prod, 'eu-west-1');
      const defaultKey = await rejectsWith(
        prod.send(new ModifySnapshotAttributeCommand({ SnapshotId: snapshots.defaultKeyEncrypted, CreateVolumePermission: { Add: [{ UserId: accounts.dev }] } })),
        'OperationNotPermitted',
        400,
      );
      assert.equal(defaultKey.message, 'Encrypted snapshots with EBS default key cannot be shared');
      await rejectsWith(
        prod.send(new ModifySnapshotAttributeCommand({ SnapshotId: snapshots.customerKeyShared, CreateVolumePermission: { Add: [{ Group: 'all' }] } })),
        'OperationNotPermitted',
      );
      assert.deepEqual(await volumePermissions(prod, snapshots.defaultKeyEncrypted), []);
      assert.deepEqual(await volumePermissions(prod, snapshots.customerKeyShared), [{ UserId: accounts.dev }]);
    });
  });

  it('lets only the owner read or change the permission, and validates fully under DryRun', async () => {
    await withSandbox({}, async (sandbox) => {
      const dev = ec2(sandbox, SAMPLE_CREDENTIALS.dev, 'eu-west-1');
      await rejectsWith(
        dev.send(new DescribeSnapshotAttributeCommand({ SnapshotId: snapshots.customerKeyShared, Attribute: 'createVolumePermission' })),
        'AuthFailure',
      );
      await rejectsWith(
        dev.send(new ModifySnapshotAttributeCommand({ SnapshotId: snapshots.customerKeyShared, CreateVolumePermission: { Remove: [{ UserId: accounts.dev }] } })),
        'AuthFailure',
      );
      const devVirginia = ec2(sandbox, SAMPLE_CREDENTIALS.dev);
      await rejectsWith(
        devVirginia.send(
          new ModifySnapshotAttributeCommand({ SnapshotId: snapshots.privateWithPublicSnapshot, CreateVolumePermission: { Remove: [{ Group: 'all' }] }, DryRun: true }),
        ),
        'DryRunOperation',
        412,
      );
      assert.deepEqual(await volumePermissions(devVirginia, snapshots.privateWithPublicSnapshot), [{ Group: 'all' }]);
      await devVirginia.send(
        new ModifySnapshotAttributeCommand({ SnapshotId: snapshots.privateWithPublicSnapshot, CreateVolumePermission: { Remove: [{ Group: 'all' }] } }),
      );
      assert.deepEqual(await volumePermissions(devVirginia, snapshots.privateWithPublicSnapshot), []);
    });
  });
});
