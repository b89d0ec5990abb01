/**
 * The sandbox checks SigV4 signatures against the access key's secret, as AWS does, so that a
 * credentials mix-up (one account's key id with another's secret, a stale session secret) fails
 * in tests as it would in AWS. Through the real SDK, and on the wire for what the SDK never sends.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DescribeImagesCommand } from '@aws-sdk/client-ec2';
import { DescribeOrganizationCommand } from '@aws-sdk/client-organizations';
import { AssumeRoleCommand, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { SAMPLE_CREDENTIALS, SAMPLE_IDS } from '../../src/sandbox/index.js';
import { ec2, organizations, rejectsWith, signV4, sts, withSandbox } from './helpers.js';

const MISMATCH = /^The request signature we calculated does not match the signature you provided\. Check your AWS Secret Access Key and signing method\./;
const { management, dev } = SAMPLE_CREDENTIALS;
const mixedUp = { accessKeyId: management.accessKeyId, secretAccessKey: dev.secretAccessKey };

describe('SigV4 signature verification', () => {
  it('a wrong secret is SignatureDoesNotMatch (403) in EC2 and STS, InvalidSignatureException in Organizations', async () => {
    await withSandbox({}, async (sandbox) => {
      const images = await rejectsWith(ec2(sandbox, mixedUp).send(new DescribeImagesCommand({ Owners: ['self'] })), 'SignatureDoesNotMatch', 403);
      assert.match(images.message, MISMATCH);
      await rejectsWith(sts(sandbox, mixedUp).send(new GetCallerIdentityCommand({})), 'SignatureDoesNotMatch', 403);
      await rejectsWith(organizations(sandbox, mixedUp).send(new DescribeOrganizationCommand({})), 'InvalidSignatureException', 400);
      const right = await ec2(sandbox, management).send(new DescribeImagesCommand({ Owners: ['self'] }));
      assert.ok((right.Images ?? []).length > 0, 'the right secret still works');
    });
  });

  it('a role session signed with anything but its own secret is refused', async () => {
    await withSandbox({}, async (sandbox) => {
      const { Credentials: session } = await sts(sandbox, management).send(
        new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${SAMPLE_IDS.accounts.prod}:role/OrganizationAccountAccessRole`, RoleSessionName: 'signature-test' }),
      );
      assert.ok(session?.AccessKeyId !== undefined && session.SessionToken !== undefined && session.SecretAccessKey !== undefined);
      const wrong = { accessKeyId: session.AccessKeyId, secretAccessKey: management.secretAccessKey, sessionToken: session.SessionToken };
      await rejectsWith(ec2(sandbox, wrong).send(new DescribeImagesCommand({ Owners: ['self'] })), 'SignatureDoesNotMatch', 403);
      const right = { ...wrong, secretAccessKey: session.SecretAccessKey };
      assert.equal((await sts(sandbox, right).send(new GetCallerIdentityCommand({}))).Account, SAMPLE_IDS.accounts.prod);
    });
  });

  it('checks the scope date, the signed body and that host and the date are signed', async () => {
    await withSandbox({}, async (sandbox) => {
      const body = 'Action=DescribeImages&Version=2016-11-15&Owner.1=self';
      const request = { url: sandbox.url, body, accessKeyId: management.accessKeyId, secret: management.secretAccessKey, region: 'us-east-1', service: 'ec2' };
      const send = async (headers: Record<string, string>, sent = body): Promise<{ status: number; text: string }> => {
        const response = await fetch(sandbox.url, { method: 'POST', headers, body: sent });
        return { status: response.status, text: await response.text() };
      };
      assert.equal((await send(signV4(request))).status, 200, 'a correct signature passes');
      const otherDay = await send(signV4({ ...request, scopeDate: '20240101' }));
      assert.equal(otherDay.status, 403);
      assert.match(otherDay.text, /<Code>SignatureDoesNotMatch<\/Code><Message>Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: &apos;20240101&apos; != &apos;\d{8}&apos;/);
      const tampered = await send(signV4(request), body.replace('self', 'amazon'));
      assert.equal(tampered.status, 403);
      assert.match(tampered.text, /<Code>SignatureDoesNotMatch<\/Code>/);
      const headers = signV4(request);
      const hostUnsigned = await send({ ...headers, authorization: (headers['authorization'] ?? '').replace('content-type;host;x-amz-date', 'content-type;x-amz-date') });
      assert.equal(hostUnsigned.status, 400);
      assert.match(hostUnsigned.text, /<Code>IncompleteSignature<\/Code>/);
    });
  });
});
