import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  DescribeSnapshotsCommand,
  DisableImageBlockPublicAccessCommand,
  DisableSnapshotBlockPublicAccessCommand,
  EnableImageBlockPublicAccessCommand,
  EnableSnapshotBlockPublicAccessCommand,
  GetImageBlockPublicAccessStateCommand,
  GetSnapshotBlockPublicAccessStateCommand,
  ModifyImageAttributeCommand,
  ModifySnapshotAttributeCommand,
} from '@aws-sdk/client-ec2';
import type { ImageBlockPublicAccessEnabledState } from '@aws-sdk/client-ec2';
import { SAMPLE_CREDENTIALS, SAMPLE_IDS } from '../../src/sandbox/index.js';
import { ec2, rejectsWith, withSandbox } from './helpers.js';

describe('block public access for AMIs', () => {
  it('starts as AWS sets it: unblocked where the account has a public AMI, blocked elsewhere', async () => {
    await withSandbox({}, async (sandbox) => {
      const state = async (region: string): Promise<[string | undefined, string | undefined]> => {
        const result = await ec2(sandbox, SAMPLE_CREDENTIALS.management, region).send(new GetImageBlockPublicAccessStateCommand({}));
        return [result.ImageBlockPublicAccessState, result.ManagedBy];
      };
      assert.deepEqual(await state('us-east-1'), ['unblocked', 'account']);
      assert.deepEqual(await state('eu-west-1'), ['block-new-sharing', 'account']);
    });
  });

  it('decides that default from the estate, not from when the state is first asked for', async () => {
    await withSandbox({}, async (sandbox) => {
      // The public AMI made private before anything asked: the account had one, so it stays unblocked.
      const management = ec2(sandbox, SAMPLE_CREDENTIALS.management);
      await management.send(new ModifyImageAttributeCommand({ ImageId: SAMPLE_IDS.images.publicDemo, LaunchPermission: { Remove: [{ Group: 'all' }] } }));
      assert.equal(sandbox.state.image(SAMPLE_IDS.images.publicDemo)?.public, false);
      assert.equal((await management.send(new GetImageBlockPublicAccessStateCommand({}))).ImageBlockPublicAccessState, 'unblocked');
    });
  });

  it('enables and disables, and the state governs Group=all', async () => {
    await withSandbox({}, async (sandbox) => {
      const management = ec2(sandbox, SAMPLE_CREDENTIALS.management);
      const enabled = await management.send(new EnableImageBlockPublicAccessCommand({ ImageBlockPublicAccessState: 'block-new-sharing' }));
      assert.equal(enabled.ImageBlockPublicAccessState, 'block-new-sharing');
      assert.equal((await management.send(new GetImageBlockPublicAccessStateCommand({}))).ImageBlockPublicAccessState, 'block-new-sharing');
      // AMIs already public stay public.
      assert.equal(sandbox.state.image(SAMPLE_IDS.images.publicDemo)?.public, true);
      const makePublic = new ModifyImageAttributeCommand({ ImageId: SAMPLE_IDS.images.goldenOrgShared, LaunchPermission: { Add: [{ Group: 'all' }] } });
      await rejectsWith(management.send(makePublic), 'OperationNotPermitted');
      const disabled = await management.send(new DisableImageBlockPublicAccessCommand({}));
      assert.equal(disabled.ImageBlockPublicAccessState, 'unblocked');
      await management.send(makePublic);
      assert.equal(sandbox.state.image(SAMPLE_IDS.images.goldenOrgShared)?.public, true);
    });
  });

  it('refuses changes to a setting managed by a declarative policy', async () => {
    await withSandbox({}, async (sandbox) => {
      const dev = ec2(sandbox, SAMPLE_CREDENTIALS.dev, 'ap-southeast-2');
      const before = await dev.send(new GetImageBlockPublicAccessStateCommand({}));
      assert.deepEqual([before.ImageBlockPublicAccessState, before.ManagedBy], ['block-new-sharing', 'declarative-policy']);
      await rejectsWith(dev.send(new DisableImageBlockPublicAccessCommand({})), 'OperationNotPermitted', 400);
      assert.equal((await dev.send(new GetImageBlockPublicAccessStateCommand({}))).ImageBlockPublicAccessState, 'block-new-sharing');
    });
  });

  it('validates the requested state and honours DryRun', async () => {
    await withSandbox({}, async (sandbox) => {
      const prod = ec2(sandbox, SAMPLE_CREDENTIALS.prod);
      await rejectsWith(
        prod.send(new EnableImageBlockPublicAccessCommand({ ImageBlockPublicAccessState: 'unblocked' as ImageBlockPublicAccessEnabledState })),
        'InvalidParameterValue',
      );
      await rejectsWith(prod.send(new DisableImageBlockPublicAccessCommand({ DryRun: true })), 'DryRunOperation', 412);
      assert.equal(sandbox.state.imageBlockPublicAccess(SAMPLE_IDS.accounts.prod, 'us-east-1').state, 'block-new-sharing');
    });
  });
});

describe('block public access for snapshots', () => {
  it('block-all-sharing hides public snapshots from others without changing them; unblocking shows them again', async () => {
    await withSandbox({}, async (sandbox) => {
      const dev = ec2(sandbox, SAMPLE_CREDENTIALS.dev);
      const prod = ec2(sandbox, SAMPLE_CREDENTIALS.prod);
      const publicSnapshots = async (): Promise<string[]> =>
        ((await prod.send(new DescribeSnapshotsCommand({ RestorableByUserIds: ['all'], OwnerIds: [SAMPLE_IDS.accounts.dev] }))).Snapshots ?? []).map(
          (snapshot) => snapshot.SnapshotId ?? '',
        );
      assert.deepEqual(await publicSnapshots(), [SAMPLE_IDS.snapshots.privateWithPublicSnapshot]);
      const enabled = await dev.send(new EnableSnapshotBlockPublicAccessCommand({ State: 'block-all-sharing' }));
      assert.equal(enabled.State, 'block-all-sharing');
      assert.deepEqual(await publicSnapshots(), []);
      assert.deepEqual(sandbox.state.snapshot(SAMPLE_IDS.snapshots.privateWithPublicSnapshot)?.createVolumePermissions, [{ group: 'all' }]);
      const state = await dev.send(new GetSnapshotBlockPublicAccessStateCommand({}));
      assert.deepEqual([state.State, state.ManagedBy], ['block-all-sharing', 'account']);
      assert.equal((await dev.send(new DisableSnapshotBlockPublicAccessCommand({}))).State, 'unblocked');
      assert.deepEqual(await publicSnapshots(), [SAMPLE_IDS.snapshots.privateWithPublicSnapshot]);
    });
  });

  it('refuses new public sharing while blocked', async () => {
    await withSandbox({}, async (sandbox) => {
      const management = ec2(sandbox, SAMPLE_CREDENTIALS.management, 'eu-west-1');
      assert.equal((await management.send(new GetSnapshotBlockPublicAccessStateCommand({}))).State, 'block-new-sharing');
      const snapshotId = sandbox.state.image(SAMPLE_IDS.images.goldenCopyUnshared)?.snapshotIds[0] ?? '';
      await rejectsWith(
        management.send(new ModifySnapshotAttributeCommand({ SnapshotId: snapshotId, CreateVolumePermission: { Add: [{ Group: 'all' }] } })),
        'OperationNotPermitted',
      );
      await management.send(new ModifySnapshotAttributeCommand({ SnapshotId: snapshotId, CreateVolumePermission: { Add: [{ UserId: SAMPLE_IDS.accounts.prod }] } }));
      assert.deepEqual(sandbox.state.snapshot(snapshotId)?.createVolumePermissions, [{ userId: SAMPLE_IDS.accounts.prod }]);
    });
  });
});
