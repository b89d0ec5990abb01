import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DescribeImagesCommand, ModifyImageAttributeCommand } from '@aws-sdk/client-ec2';
import type { Sandbox } from '../../src/sandbox/index.js';
import { SAMPLE_CREDENTIALS, SAMPLE_IDS } from '../../src/sandbox/index.js';
import { ec2, rejectsWith, signV4, withSandbox } from './helpers.js';

/** A Query request as the wire carries it, SigV4-signed with the key's secret (or `secret`). */
async function post(
  sandbox: Sandbox,
  body: string,
  scope: { accessKeyId?: string; secret?: string; region?: string; service?: string } = {},
): Promise<{ status: number; contentType: string | null; text: string }> {
  const { accessKeyId = SAMPLE_CREDENTIALS.management.accessKeyId, secret = SAMPLE_CREDENTIALS.management.secretAccessKey, region = 'us-east-1', service = 'ec2' } = scope;
  const headers = signV4({ url: sandbox.url, body, accessKeyId, secret, region, service });
  const response = await fetch(sandbox.url, { method: 'POST', headers, body });
  return { status: response.status, contentType: response.headers.get('content-type'), text: await response.text() };
}

describe('EC2 Query protocol on the wire', () => {
  it('answers in the 2016-11-15 namespace with EC2 element names', async () => {
    await withSandbox({}, async (sandbox) => {
      const images = await post(sandbox, `Action=DescribeImages&Version=2016-11-15&ImageId.1=${SAMPLE_IDS.images.publicDemo}`);
      assert.equal(images.status, 200);
      assert.equal(images.contentType, 'text/xml;charset=UTF-8');
      assert.match(images.text, /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<DescribeImagesResponse xmlns="http:\/\/ec2\.amazonaws\.com\/doc\/2016-11-15\/"><requestId>[0-9a-f-]{36}<\/requestId><imagesSet><item><imageId>ami-/);
      assert.match(images.text, /<isPublic>true<\/isPublic>/);
      assert.match(images.text, /<blockDeviceMapping><item><deviceName>\/dev\/xvda<\/deviceName><ebs><snapshotId>snap-/);
      const attribute = await post(
        sandbox,
        `Action=DescribeImageAttribute&Version=2016-11-15&ImageId=${SAMPLE_IDS.images.goldenOrgShared}&Attribute=launchPermission`,
      );
      assert.match(attribute.text, /<launchPermission><item><organizationArn>arn:aws:organizations::111111111111:organization\/o-sandbox0001<\/organizationArn><\/item><\/launchPermission>/);
      const modify = await post(
        sandbox,
        `Action=ModifyImageAttribute&Version=2016-11-15&ImageId=${SAMPLE_IDS.images.goldenOrgShared}&Attribute=launchPermission&OperationType=add&UserId.1=123456789012`,
      );
      assert.match(modify.text, /<ModifyImageAttributeResponse xmlns="[^"]+"><requestId>[^<]+<\/requestId><return>true<\/return><\/ModifyImageAttributeResponse>$/);
    });
  });

  it('writes errors as <Response><Errors><Error> with a RequestID', async () => {
    await withSandbox({}, async (sandbox) => {
      const unknown = await post(sandbox, 'Action=DescribeUnicorns&Version=2016-11-15');
      assert.equal(unknown.status, 400);
      assert.match(
        unknown.text,
        /<Response><Errors><Error><Code>InvalidAction<\/Code><Message>The action DescribeUnicorns is not valid for this web service\.<\/Message><\/Error><\/Errors><RequestID>[0-9a-f-]{36}<\/RequestID><\/Response>$/,
      );
      const parameter = await post(sandbox, 'Action=DescribeImages&Version=2016-11-15&Owners.1=self');
      assert.equal(parameter.status, 400);
      assert.match(parameter.text, /<Code>UnknownParameter<\/Code><Message>The parameter Owners\.1 is not recognized<\/Message>/);
      const unsigned = await fetch(sandbox.url, { method: 'POST', body: 'Action=DescribeImages&Version=2016-11-15' });
      assert.equal(unsigned.status, 401);
      assert.match(await unsigned.text(), /<Code>MissingAuthenticationToken<\/Code>/);
    });
  });

  it('routes STS by the credential scope and answers in its own XML', async () => {
    await withSandbox({}, async (sandbox) => {
      const identity = await post(sandbox, 'Action=GetCallerIdentity&Version=2011-06-15', { service: 'sts' });
      assert.match(
        identity.text,
        /^<GetCallerIdentityResponse xmlns="https:\/\/sts\.amazonaws\.com\/doc\/2011-06-15\/"><GetCallerIdentityResult><Arn>arn:aws:iam::111111111111:user\/admin<\/Arn>/,
      );
      const denied = await post(sandbox, 'Action=GetCallerIdentity&Version=2011-06-15', { service: 'sts', accessKeyId: 'AKIANOBODY0000000000' });
      assert.equal(denied.status, 403);
      assert.match(denied.text, /^<ErrorResponse xmlns="https:\/\/sts\.amazonaws\.com\/doc\/2011-06-15\/"><Error><Type>Sender<\/Type><Code>InvalidClientTokenId<\/Code>/);
    });
  });
});

describe('regions and permissions', () => {
  it('answers AuthFailure in a region the account has not enabled', async () => {
    await withSandbox({}, async (sandbox) => {
      await rejectsWith(ec2(sandbox, SAMPLE_CREDENTIALS.management, SAMPLE_IDS.regions.disabled).send(new DescribeImagesCommand({})), 'AuthFailure', 401);
    });
  });

  it('answers UnauthorizedOperation (HTTP 403) to a principal the estate denies the action, DryRun included', async () => {
    await withSandbox({}, async (sandbox) => {
      const auditor = ec2(sandbox, SAMPLE_CREDENTIALS.auditor);
      const change = { ImageId: SAMPLE_IDS.images.goldenOrgShared, LaunchPermission: { Add: [{ UserId: '123456789012' }] } };
      await rejectsWith(auditor.send(new ModifyImageAttributeCommand({ ...change, DryRun: true })), 'UnauthorizedOperation', 403);
      await rejectsWith(auditor.send(new ModifyImageAttributeCommand(change)), 'UnauthorizedOperation', 403);
      const { Images = [] } = await auditor.send(new DescribeImagesCommand({ Owners: ['self'] }));
      assert.equal(Images.length, 3);
      assert.deepEqual(sandbox.state.image(SAMPLE_IDS.images.goldenOrgShared)?.launchPermissions, [{ organizationArn: SAMPLE_IDS.organization.arn }]);
    });
  });
});
