import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DescribeImagesCommandInput, EC2Client, LaunchPermission } from '@aws-sdk/client-ec2';
import {
  DescribeImageAttributeCommand,
  DescribeImagesCommand,
  DisableImageBlockPublicAccessCommand,
  ModifyImageAttributeCommand,
  ResetImageAttributeCommand,
  paginateDescribeImages,
} from '@aws-sdk/client-ec2';
import { SAMPLE_CREDENTIALS, SAMPLE_ESTATE, SAMPLE_IDS, generateEstate } from '../../src/sandbox/index.js';
import { ec2, rejectsWith, withSandbox } from './helpers.js';

const { images, accounts, organization } = SAMPLE_IDS;

async function launchPermissions(client: EC2Client, imageId: string): Promise<LaunchPermission[]> {
  const result = await client.send(new DescribeImageAttributeCommand({ ImageId: imageId, Attribute: 'launchPermission' }));
  return result.LaunchPermissions ?? [];
}

async function imageIds(client: EC2Client, input: DescribeImagesCommandInput): Promise<string[]> {
  const { Images = [] } = await client.send(new DescribeImagesCommand(input));
  return Images.map((image) => image.ImageId ?? '').sort();
}

describe('DescribeImages', () => {
  it('pages owned AMIs with the SDK paginator, each AMI once', async () => {
    const estate = generateEstate({ accounts: 2, regions: 1, amisPerRegion: 23, seed: 5 });
    await withSandbox({ estate }, async (sandbox) => {
      const client = ec2(sandbox, sandbox.credentials('002000000001'));
      const pages: number[] = [];
      const ids: string[] = [];
      for await (const page of paginateDescribeImages({ client, pageSize: 5 }, { Owners: ['self'], MaxResults: 5 })) {
        pages.push(page.Images?.length ?? 0);
        ids.push(...(page.Images ?? []).map((image) => image.ImageId ?? ''));
      }
      assert.deepEqual(pages, [5, 5, 5, 5, 3]);
      assert.equal(new Set(ids).size, 23);
      assert.deepEqual([...ids].sort(), await imageIds(client, { Owners: ['self'] }));
    });
  });

  it('refuses MaxResults with ImageIds, out-of-range MaxResults and foreign tokens', async () => {
    await withSandbox({ estate: generateEstate({ accounts: 1, regions: 1, amisPerRegion: 12 }) }, async (sandbox) => {
      const client = ec2(sandbox, sandbox.credentials('002000000000'));
      const [someId = ''] = await imageIds(client, { Owners: ['self'] });
      await rejectsWith(client.send(new DescribeImagesCommand({ ImageIds: [someId], MaxResults: 5 })), 'InvalidParameterCombination', 400);
      await rejectsWith(client.send(new DescribeImagesCommand({ Owners: ['self'], MaxResults: 4 })), 'InvalidParameterValue');
      const first = await client.send(new DescribeImagesCommand({ Owners: ['self'], MaxResults: 5 }));
      assert.ok(first.NextToken !== undefined);
      await rejectsWith(
        client.send(new DescribeImagesCommand({ Owners: ['self'], MaxResults: 6, NextToken: first.NextToken })),
        'InvalidPaginationToken',
      );
    });
  });

  it('answers InvalidAMIID.Malformed and InvalidAMIID.NotFound', async () => {
    await withSandbox({}, async (sandbox) => {
      const client = ec2(sandbox, SAMPLE_CREDENTIALS.management);
      const malformed = await rejectsWith(client.send(new DescribeImagesCommand({ ImageIds: ['ami-12345'] })), 'InvalidAMIID.Malformed', 400);
      assert.equal(malformed.message, 'Invalid id: "ami-12345" (expecting "ami-...")');
      await rejectsWith(client.send(new DescribeImagesCommand({ ImageIds: ['ami-1234567g'] })), 'InvalidAMIID.Malformed');
      const notFound = await rejectsWith(client.send(new DescribeImagesCommand({ ImageIds: ['ami-12345678'] })), 'InvalidAMIID.NotFound');
      assert.equal(notFound.message, "The image id '[ami-12345678]' does not exist");
      // An AMI of another region, and a private AMI of another account, do not exist for the caller.
      await rejectsWith(client.send(new DescribeImagesCommand({ ImageIds: [images.goldenCopyUnshared] })), 'InvalidAMIID.NotFound');
      await rejectsWith(client.send(new DescribeImagesCommand({ ImageIds: [images.privateWithPublicSnapshot] })), 'InvalidAMIID.NotFound');
      await rejectsWith(
        client.send(new DescribeImageAttributeCommand({ ImageId: 'ami-0123', Attribute: 'launchPermission' })),
        'InvalidAMIID.Malformed',
      );
    });
  });

  it('shows an account its AMIs, public ones, and those shared with it directly, by organization or by OU', async () => {
    await withSandbox({}, async (sandbox) => {
      const prod = ec2(sandbox, SAMPLE_CREDENTIALS.prod);
      assert.deepEqual(
        await imageIds(prod, {}),
        [images.goldenOrgShared, images.publicDemo, images.marketplace, images.prodOuShared, images.sharedWithOutsider, images.devToolsShared].sort(),
      );
      assert.deepEqual(await imageIds(prod, { Owners: ['self'] }), [images.prodOuShared, images.sharedWithOutsider].sort());
      assert.deepEqual(await imageIds(prod, { Owners: [accounts.dev] }), [images.devToolsShared]);
    });
  });

  it('scopes ExecutableUsers as AWS does: self includes org and OU shares, another account only direct shares', async () => {
    await withSandbox({}, async (sandbox) => {
      const prod = ec2(sandbox, SAMPLE_CREDENTIALS.prod);
      assert.deepEqual(
        await imageIds(prod, { ExecutableUsers: ['self'] }),
        [images.goldenOrgShared, images.marketplace, images.prodOuShared, images.devToolsShared].sort(),
      );
      assert.deepEqual(await imageIds(prod, { ExecutableUsers: [accounts.prod] }), await imageIds(prod, { ExecutableUsers: ['self'] }));
      assert.deepEqual(await imageIds(prod, { ExecutableUsers: ['all'] }), [images.publicDemo]);
      const management = ec2(sandbox, SAMPLE_CREDENTIALS.management);
      // The golden AMI reaches the dev account through the organization, which ExecutableBy=<id> does not show.
      assert.deepEqual(await imageIds(management, { ExecutableUsers: [accounts.dev] }), []);
      assert.deepEqual(await imageIds(management, { ExecutableUsers: [accounts.prod] }), [images.marketplace]);
      const dev = ec2(sandbox, SAMPLE_CREDENTIALS.dev);
      assert.ok((await imageIds(dev, { ExecutableUsers: ['self'] })).includes(images.goldenOrgShared));
      await rejectsWith(dev.send(new DescribeImagesCommand({ ExecutableUsers: ['everyone'] })), 'InvalidUserID.Malformed');
    });
  });

  it('filters by is-public, name wildcards, tags, state and owner-id', async () => {
    await withSandbox({}, async (sandbox) => {
      const prod = ec2(sandbox, SAMPLE_CREDENTIALS.prod);
      assert.deepEqual(await imageIds(prod, { Filters: [{ Name: 'is-public', Values: ['true'] }] }), [images.publicDemo]);
      assert.deepEqual(await imageIds(prod, { Filters: [{ Name: 'name', Values: ['golden-*'] }] }), [images.goldenOrgShared]);
      assert.deepEqual(await imageIds(prod, { Filters: [{ Name: 'name', Values: ['dev-?ools-1.4', 'nothing'] }] }), [images.devToolsShared]);
      assert.deepEqual(
        await imageIds(prod, { Filters: [{ Name: 'tag:Team', Values: ['payments'] }, { Name: 'name', Values: ['*legacy*'] }] }),
        [images.sharedWithOutsider],
      );
      assert.deepEqual(await imageIds(prod, { Filters: [{ Name: 'owner-id', Values: [accounts.management] }, { Name: 'state', Values: ['available'] }] }), [
        images.goldenOrgShared,
        images.publicDemo,
        images.marketplace,
      ].sort());
      await rejectsWith(prod.send(new DescribeImagesCommand({ Filters: [{ Name: 'colour', Values: ['x'] }] })), 'InvalidParameterValue');
    });
  });

  it('hides disabled AMIs unless IncludeDisabled, and only their owner sees them', async () => {
    await withSandbox({}, async (sandbox) => {
      const dev = ec2(sandbox, SAMPLE_CREDENTIALS.dev);
      assert.ok(!(await imageIds(dev, { Owners: ['self'] })).includes(images.devDisabled));
      const { Images = [] } = await dev.send(new DescribeImagesCommand({ Owners: ['self'], IncludeDisabled: true }));
      assert.equal(Images.find((image) => image.ImageId === images.devDisabled)?.State, 'disabled');
    });
  });

  it('reports Public, block devices and product codes of an AMI', async () => {
    await withSandbox({}, async (sandbox) => {
      const management = ec2(sandbox, SAMPLE_CREDENTIALS.management);
      const { Images = [] } = await management.send(new DescribeImagesCommand({ ImageIds: [images.publicDemo, images.marketplace] }));
      const demo = Images.find((image) => image.ImageId === images.publicDemo);
      assert.equal(demo?.Public, true);
      assert.equal(demo?.BlockDeviceMappings?.[0]?.Ebs?.SnapshotId, SAMPLE_IDS.snapshots.publicDemo);
      const marketplace = Images.find((image) => image.ImageId === images.marketplace);
      assert.equal(marketplace?.Public, false);
      assert.deepEqual(marketplace?.ProductCodes, [{ ProductCodeId: 'a1b2c3d4e5f6g7h8i9j0k1l2m', ProductCodeType: 'marketplace' }]);
    });
  });
});

describe('launch permissions', () => {
  it('adds and removes with the LaunchPermission structure and reads them back', async () => {
    await withSandbox({}, async (sandbox) => {
      const prod = ec2(sandbox, SAMPLE_CREDENTIALS.prod);
      const id = images.prodOuShared;
      await prod.send(
        new ModifyImageAttributeCommand({
          ImageId: id,
          LaunchPermission: { Add: [{ UserId: '123456789012' }, { OrganizationArn: organization.arn }] },
        }),
      );
      assert.deepEqual(await launchPermissions(prod, id), [
        { OrganizationalUnitArn: organization.prodOuArn },
        { UserId: '123456789012' },
        { OrganizationArn: organization.arn },
      ]);
      await prod.send(
        new ModifyImageAttributeCommand({
          ImageId: id,
          LaunchPermission: { Remove: [{ OrganizationalUnitArn: organization.prodOuArn }], Add: [{ UserId: '210987654321' }] },
        }),
      );
      assert.deepEqual(await launchPermissions(prod, id), [
        { UserId: '123456789012' },
        { OrganizationArn: organization.arn },
        { UserId: '210987654321' },
      ]);
    });
  });

  it('adds and removes with the legacy OperationType form', async () => {
    await withSandbox({}, async (sandbox) => {
      const prod = ec2(sandbox, SAMPLE_CREDENTIALS.prod);
      const id = images.sharedWithOutsider;
      await prod.send(
        new ModifyImageAttributeCommand({
          ImageId: id,
          Attribute: 'launchPermission',
          OperationType: 'add',
          UserIds: ['123456789012'],
          OrganizationalUnitArns: [organization.devOuArn],
        }),
      );
      assert.deepEqual(await launchPermissions(prod, id), [
        { UserId: accounts.outsider },
        { UserId: '123456789012' },
        { OrganizationalUnitArn: organization.devOuArn },
      ]);
      await prod.send(
        new ModifyImageAttributeCommand({ ImageId: id, Attribute: 'launchPermission', OperationType: 'remove', UserIds: [accounts.outsider] }),
      );
      assert.deepEqual(await launchPermissions(prod, id), [{ UserId: '123456789012' }, { OrganizationalUnitArn: organization.devOuArn }]);
      await rejectsWith(
        prod.send(new ModifyImageAttributeCommand({ ImageId: id, Attribute: 'launchPermission', UserIds: ['123456789012'] })),
        'MissingParameter',
      );
    });
  });

  it('does not duplicate an entry added twice, and removing an absent entry changes nothing', async () => {
    await withSandbox({}, async (sandbox) => {
      const prod = ec2(sandbox, SAMPLE_CREDENTIALS.prod);
      const id = images.sharedWithOutsider;
      await prod.send(new ModifyImageAttributeCommand({ ImageId: id, LaunchPermission: { Add: [{ UserId: accounts.outsider }, { UserId: accounts.outsider }] } }));
      assert.deepEqual(await launchPermissions(prod, id), [{ UserId: accounts.outsider }]);
      await prod.send(new ModifyImageAttributeCommand({ ImageId: id, LaunchPermission: { Remove: [{ UserId: '123456789012' }] } }));
      assert.deepEqual(await launchPermissions(prod, id), [{ UserId: accounts.outsider }]);
    });
  });

  it('rejects the whole call when one item is invalid', async () => {
    await withSandbox({}, async (sandbox) => {
      const prod = ec2(sandbox, SAMPLE_CREDENTIALS.prod);
      const id = images.sharedWithOutsider;
      const bad = await rejectsWith(
        prod.send(new ModifyImageAttributeCommand({ ImageId: id, LaunchPermission: { Add: [{ UserId: '123456789012' }, { UserId: '1234-5678-9012' }] } })),
        'InvalidAMIAttributeItemValue',
        400,
      );
      assert.equal(bad.message, 'Invalid attribute item value "1234-5678-9012" for userId item type.');
      await rejectsWith(
        prod.send(
          new ModifyImageAttributeCommand({
            ImageId: id,
            LaunchPermission: { Add: [{ OrganizationArn: `arn:aws:organizations::${accounts.management}:account/${organization.id}` }] },
          }),
        ),
        'InvalidAMIAttributeItemValue',
      );
      await rejectsWith(
        prod.send(new ModifyImageAttributeCommand({ ImageId: id, Attribute: 'launchPermission', OperationType: 'add', UserGroups: ['everyone'] })),
        'InvalidAMIAttributeItemValue',
      );
      await rejectsWith(
        prod.send(new ModifyImageAttributeCommand({ ImageId: id, LaunchPermission: { Remove: [{ UserId: accounts.outsider }, { OrganizationalUnitArn: 'ou-sbx1-prod0001' }] } })),
        'InvalidAMIAttributeItemValue',
      );
      assert.deepEqual(await launchPermissions(prod, id), [{ UserId: accounts.outsider }]);
      await rejectsWith(prod.send(new ModifyImageAttributeCommand({ ImageId: id })), 'InvalidParameterCombination');
    });
  });

  it('lets only the owner read or change the launch permission', async () => {
    await withSandbox({}, async (sandbox) => {
      const prod = ec2(sandbox, SAMPLE_CREDENTIALS.prod);
      const denied = await rejectsWith(
        prod.send(new DescribeImageAttributeCommand({ ImageId: images.marketplace, Attribute: 'launchPermission' })),
        'AuthFailure',
        400,
      );
      assert.equal(denied.message, `Not authorized for image:${images.marketplace}`);
      await rejectsWith(
        prod.send(new ModifyImageAttributeCommand({ ImageId: images.marketplace, LaunchPermission: { Add: [{ UserId: accounts.dev }] } })),
        'AuthFailure',
      );
      await rejectsWith(prod.send(new ResetImageAttributeCommand({ ImageId: images.marketplace, Attribute: 'launchPermission' })), 'AuthFailure');
      // A private AMI of another account is not there at all for the caller.
      await rejectsWith(
        prod.send(new ModifyImageAttributeCommand({ ImageId: images.privateWithPublicSnapshot, LaunchPermission: { Add: [{ UserId: accounts.prod }] } })),
        'InvalidAMIID.NotFound',
      );
      const description = await prod.send(new DescribeImageAttributeCommand({ ImageId: images.marketplace, Attribute: 'description' }));
      assert.equal(description.Description?.Value, 'Marketplace firewall appliance');
      const management = ec2(sandbox, SAMPLE_CREDENTIALS.management);
      assert.deepEqual(await launchPermissions(management, images.marketplace), [{ UserId: accounts.prod }]);
    });
  });

  it('refuses Group=all while block public access for AMIs is on, then allows it once disabled', async () => {
    await withSandbox({}, async (sandbox) => {
      const prod = ec2(sandbox, SAMPLE_CREDENTIALS.prod);
      const makePublic = new ModifyImageAttributeCommand({ ImageId: images.prodOuShared, LaunchPermission: { Add: [{ Group: 'all' }] } });
      const blocked = await rejectsWith(prod.send(makePublic), 'OperationNotPermitted', 400);
      assert.match(blocked.message, /block public access for AMIs is enabled for this account/);
      assert.equal(sandbox.state.image(images.prodOuShared)?.public, false);
      await prod.send(new DisableImageBlockPublicAccessCommand({}));
      await prod.send(makePublic);
      const { Images = [] } = await prod.send(new DescribeImagesCommand({ ImageIds: [images.prodOuShared] }));
      assert.equal(Images[0]?.Public, true);
    });
  });

  it('refuses to make a Marketplace AMI public and to share an AMI whose snapshot uses aws/ebs', async () => {
    await withSandbox({}, async (sandbox) => {
      const management = ec2(sandbox, SAMPLE_CREDENTIALS.management);
      await rejectsWith(
        management.send(new ModifyImageAttributeCommand({ ImageId: images.marketplace, LaunchPermission: { Add: [{ Group: 'all' }] } })),
        'OperationNotPermitted',
      );
      const prod = ec2(sandbox, SAMPLE_CREDENTIALS.prod, 'eu-west-1');
      const defaultKey = await rejectsWith(
        prod.send(new ModifyImageAttributeCommand({ ImageId: images.defaultKeyEncrypted, LaunchPermission: { Add: [{ UserId: accounts.dev }] } })),
        'InvalidParameter',
      );
      assert.match(defaultKey.message, /AWS Managed CMK can't be shared/);
      assert.deepEqual(await launchPermissions(prod, images.defaultKeyEncrypted), []);
      // Sharing with a customer managed key is allowed.
      await prod.send(new ModifyImageAttributeCommand({ ImageId: images.customerKeyShared, LaunchPermission: { Add: [{ UserId: accounts.management }] } }));
      assert.deepEqual(await launchPermissions(prod, images.customerKeyShared), [{ UserId: accounts.dev }, { UserId: accounts.management }]);
    });
  });

  it('keeps an account within its quota of public AMIs per region', async () => {
    const estate = {
      ...SAMPLE_ESTATE,
      accounts: SAMPLE_ESTATE.accounts.map((account) => (account.id === accounts.management ? { ...account, publicImageQuota: 1 } : account)),
    };
    await withSandbox({ estate }, async (sandbox) => {
      const management = ec2(sandbox, SAMPLE_CREDENTIALS.management);
      await rejectsWith(
        management.send(new ModifyImageAttributeCommand({ ImageId: images.goldenOrgShared, LaunchPermission: { Add: [{ Group: 'all' }] } })),
        'ResourceLimitExceeded',
      );
      assert.equal(sandbox.state.image(images.goldenOrgShared)?.public, false);
    });
  });

  it('validates fully under DryRun and changes nothing', async () => {
    await withSandbox({}, async (sandbox) => {
      const prod = ec2(sandbox, SAMPLE_CREDENTIALS.prod);
      const id = images.sharedWithOutsider;
      const dryRun = await rejectsWith(
        prod.send(new ModifyImageAttributeCommand({ ImageId: id, LaunchPermission: { Remove: [{ UserId: accounts.outsider }] }, DryRun: true })),
        'DryRunOperation',
        412,
      );
      assert.equal(dryRun.message, 'Request would have succeeded, but DryRun flag is set.');
      await rejectsWith(
        prod.send(new ModifyImageAttributeCommand({ ImageId: id, LaunchPermission: { Add: [{ UserId: '42' }] }, DryRun: true })),
        'InvalidAMIAttributeItemValue',
      );
      await rejectsWith(prod.send(new ResetImageAttributeCommand({ ImageId: id, Attribute: 'launchPermission', DryRun: true })), 'DryRunOperation');
      await rejectsWith(
        prod.send(new ModifyImageAttributeCommand({ ImageId: images.prodOuShared, LaunchPermission: { Add: [{ Group: 'all' }] }, DryRun: true })),
        'OperationNotPermitted',
      );
      assert.deepEqual(await launchPermissions(prod, id), [{ UserId: accounts.outsider }]);
      await rejectsWith(prod.send(new DescribeImagesCommand({ Owners: ['self'], DryRun: true })), 'DryRunOperation', 412);
    });
  });

  it('resets the launch permission to none, and changes the description', async () => {
    await withSandbox({}, async (sandbox) => {
      const management = ec2(sandbox, SAMPLE_CREDENTIALS.management);
      await management.send(new ResetImageAttributeCommand({ ImageId: images.publicDemo, Attribute: 'launchPermission' }));
      assert.deepEqual(await launchPermissions(management, images.publicDemo), []);
      const { Images = [] } = await management.send(new DescribeImagesCommand({ ImageIds: [images.publicDemo] }));
      assert.equal(Images[0]?.Public, false);
      await management.send(new ModifyImageAttributeCommand({ ImageId: images.publicDemo, Description: { Value: 'now private' } }));
      const description = await management.send(new DescribeImageAttributeCommand({ ImageId: images.publicDemo, Attribute: 'description' }));
      assert.equal(description.Description?.Value, 'now private');
    });
  });
});
