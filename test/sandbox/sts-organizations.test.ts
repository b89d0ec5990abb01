import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DescribeImagesCommand, ModifyImageAttributeCommand } from '@aws-sdk/client-ec2';
import {
  DescribeOrganizationCommand,
  ListAccountsForParentCommand,
  ListOrganizationalUnitsForParentCommand,
  ListRootsCommand,
  paginateListAccounts,
} from '@aws-sdk/client-organizations';
import { AssumeRoleCommand, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import type { Estate } from '../../src/sandbox/index.js';
import { SAMPLE_CREDENTIALS, SAMPLE_ESTATE, SAMPLE_IDS } from '../../src/sandbox/index.js';
import type { Credentials } from './helpers.js';
import { ec2, organizations, rejectsWith, sts, withSandbox } from './helpers.js';

const { accounts, organization } = SAMPLE_IDS;

async function assume(client: ReturnType<typeof sts>, roleArn: string): Promise<Credentials> {
  const { Credentials: credentials } = await client.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'amiguard-test' }));
  const { AccessKeyId, SecretAccessKey, SessionToken } = credentials ?? {};
  assert.ok(AccessKeyId !== undefined && SecretAccessKey !== undefined && SessionToken !== undefined);
  return { accessKeyId: AccessKeyId, secretAccessKey: SecretAccessKey, sessionToken: SessionToken };
}

describe('STS', () => {
  it('tells the caller who it is', async () => {
    await withSandbox({}, async (sandbox) => {
      const identity = await sts(sandbox, SAMPLE_CREDENTIALS.management).send(new GetCallerIdentityCommand({}));
      assert.equal(identity.Account, accounts.management);
      assert.equal(identity.Arn, `arn:aws:iam::${accounts.management}:user/admin`);
      assert.match(identity.UserId ?? '', /^AIDA[A-Z2-7]{17}$/);
    });
  });

  it('assumes a role in another account and then acts as that account', async () => {
    await withSandbox({}, async (sandbox) => {
      const credentials = await assume(sts(sandbox, SAMPLE_CREDENTIALS.management), `arn:aws:iam::${accounts.prod}:role/OrganizationAccountAccessRole`);
      assert.match(credentials.accessKeyId, /^ASIA[A-Z2-7]{16}$/);
      const identity = await sts(sandbox, credentials).send(new GetCallerIdentityCommand({}));
      assert.equal(identity.Account, accounts.prod);
      assert.equal(identity.Arn, `arn:aws:sts::${accounts.prod}:assumed-role/OrganizationAccountAccessRole/amiguard-test`);

      const asProd = ec2(sandbox, credentials);
      const { Images = [] } = await asProd.send(new DescribeImagesCommand({ Owners: ['self'] }));
      assert.deepEqual(Images.map((image) => image.ImageId).sort(), [SAMPLE_IDS.images.prodOuShared, SAMPLE_IDS.images.sharedWithOutsider].sort());
      await asProd.send(new ModifyImageAttributeCommand({ ImageId: SAMPLE_IDS.images.sharedWithOutsider, LaunchPermission: { Remove: [{ UserId: accounts.outsider }] } }));
      assert.deepEqual(sandbox.state.image(SAMPLE_IDS.images.sharedWithOutsider)?.launchPermissions, []);
    });
  });

  it('applies the denials of a read-only role with UnauthorizedOperation', async () => {
    await withSandbox({}, async (sandbox) => {
      const credentials = await assume(sts(sandbox, SAMPLE_CREDENTIALS.management), `arn:aws:iam::${accounts.prod}:role/AmiguardAuditRole`);
      const asAuditor = ec2(sandbox, credentials);
      await asAuditor.send(new DescribeImagesCommand({ Owners: ['self'] }));
      const denied = await rejectsWith(
        asAuditor.send(new ModifyImageAttributeCommand({ ImageId: SAMPLE_IDS.images.sharedWithOutsider, LaunchPermission: { Remove: [{ UserId: accounts.outsider }] } })),
        'UnauthorizedOperation',
        403,
      );
      assert.match(denied.message, /is not authorized to perform: ec2:ModifyImageAttribute/);
      assert.deepEqual(sandbox.state.image(SAMPLE_IDS.images.sharedWithOutsider)?.launchPermissions, [{ userId: accounts.outsider }]);
    });
  });

  it('refuses roles that do not exist or do not trust the caller, like AWS', async () => {
    await withSandbox({}, async (sandbox) => {
      const fromDev = sts(sandbox, SAMPLE_CREDENTIALS.dev);
      const untrusted = await rejectsWith(
        fromDev.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${accounts.prod}:role/OrganizationAccountAccessRole`, RoleSessionName: 's1' })),
        'AccessDenied',
        403,
      );
      assert.equal(
        untrusted.message,
        `User: arn:aws:iam::${accounts.dev}:user/admin is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::${accounts.prod}:role/OrganizationAccountAccessRole`,
      );
      const fromManagement = sts(sandbox, SAMPLE_CREDENTIALS.management);
      await rejectsWith(fromManagement.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${accounts.prod}:role/NoSuchRole`, RoleSessionName: 's1' })), 'AccessDenied');
      await rejectsWith(fromManagement.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${accounts.outsider}:role/Any`, RoleSessionName: 's1' })), 'AccessDenied');
      await rejectsWith(fromManagement.send(new AssumeRoleCommand({ RoleArn: 'prod-role', RoleSessionName: 's1' })), 'ValidationError', 400);
      await rejectsWith(
        fromManagement.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${accounts.prod}:role/AmiguardAuditRole`, RoleSessionName: 's1', DurationSeconds: 7200 })),
        'ValidationError',
      );
    });
  });

  it('does not accept unknown keys or a session key without its token', async () => {
    await withSandbox({}, async (sandbox) => {
      const unknown = { accessKeyId: 'AKIAUNKNOWN000000000', secretAccessKey: 'x' };
      await rejectsWith(sts(sandbox, unknown).send(new GetCallerIdentityCommand({})), 'InvalidClientTokenId', 403);
      await rejectsWith(ec2(sandbox, unknown).send(new DescribeImagesCommand({})), 'AuthFailure', 401);
      await rejectsWith(organizations(sandbox, unknown).send(new DescribeOrganizationCommand({})), 'UnrecognizedClientException', 400);
      const credentials = await assume(sts(sandbox, SAMPLE_CREDENTIALS.management), `arn:aws:iam::${accounts.dev}:role/AmiguardAuditRole`);
      const withoutToken = { accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey };
      await rejectsWith(ec2(sandbox, withoutToken).send(new DescribeImagesCommand({})), 'AuthFailure', 401);
    });
  });
});

describe('Organizations', () => {
  it('lists accounts with the SDK paginator, roots, OUs and their accounts', async () => {
    await withSandbox({}, async (sandbox) => {
      const client = organizations(sandbox, SAMPLE_CREDENTIALS.management);
      const pages: string[][] = [];
      for await (const page of paginateListAccounts({ client, pageSize: 2 }, {})) pages.push((page.Accounts ?? []).map((account) => account.Id ?? ''));
      assert.deepEqual(pages, [[accounts.management, accounts.prod], [accounts.dev]]);

      const { Roots = [] } = await client.send(new ListRootsCommand({}));
      assert.deepEqual(Roots.map((root) => [root.Id, root.Arn]), [[organization.rootId, `arn:aws:organizations::${accounts.management}:root/${organization.id}/${organization.rootId}`]]);
      const { OrganizationalUnits = [] } = await client.send(new ListOrganizationalUnitsForParentCommand({ ParentId: organization.rootId }));
      assert.deepEqual(OrganizationalUnits.map((ou) => [ou.Id, ou.Name, ou.Arn]), [
        [organization.prodOu, 'Prod', organization.prodOuArn],
        [organization.devOu, 'Dev', organization.devOuArn],
      ]);
      const inProd = await client.send(new ListAccountsForParentCommand({ ParentId: organization.prodOu }));
      assert.deepEqual(inProd.Accounts?.map((account) => [account.Id, account.Name, account.Status]), [[accounts.prod, 'workloads-prod', 'ACTIVE']]);
      assert.ok(inProd.Accounts?.[0]?.JoinedTimestamp instanceof Date);
      await rejectsWith(client.send(new ListAccountsForParentCommand({ ParentId: 'ou-sbx1-zzzzzzzz' })), 'ParentNotFoundException', 400);
      await rejectsWith(client.send(new ListAccountsForParentCommand({ ParentId: 'prod' })), 'InvalidInputException', 400);
    });
  });

  it('describes the organization to members but lists it only for the management account', async () => {
    await withSandbox({}, async (sandbox) => {
      const member = organizations(sandbox, SAMPLE_CREDENTIALS.dev);
      const { Organization } = await member.send(new DescribeOrganizationCommand({}));
      assert.deepEqual([Organization?.Id, Organization?.Arn, Organization?.MasterAccountId], [organization.id, organization.arn, accounts.management]);
      await rejectsWith(member.send(new ListRootsCommand({})), 'AccessDeniedException', 400);
    });
  });

  it('answers AWSOrganizationsNotInUseException to an account outside any organization', async () => {
    const estate: Estate = {
      ...SAMPLE_ESTATE,
      accounts: [
        ...SAMPLE_ESTATE.accounts,
        { id: accounts.outsider, name: 'outsider', accessKeys: [{ accessKeyId: 'AKIASANDBOXOUTSIDER1', secretAccessKey: 'outsider-secret' }] },
      ],
    };
    await withSandbox({ estate }, async (sandbox) => {
      const outsider = organizations(sandbox, sandbox.credentials(accounts.outsider));
      await rejectsWith(outsider.send(new DescribeOrganizationCommand({})), 'AWSOrganizationsNotInUseException');
    });
  });
});
