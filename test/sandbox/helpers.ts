import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { EC2Client } from '@aws-sdk/client-ec2';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { STSClient } from '@aws-sdk/client-sts';
import type { Sandbox, SandboxOptions } from '../../src/sandbox/index.js';
import { SAMPLE_ESTATE, startSandbox } from '../../src/sandbox/index.js';

export interface Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

/** An EC2 client of the real SDK pointed at the sandbox; `maxAttempts: 1` unless retries are wanted. */
export function ec2(sandbox: Sandbox, credentials: Credentials, region = 'us-east-1', maxAttempts = 1): EC2Client {
  return new EC2Client({ endpoint: sandbox.url, region, credentials, maxAttempts });
}

export function sts(sandbox: Sandbox, credentials: Credentials): STSClient {
  return new STSClient({ endpoint: sandbox.url, region: 'us-east-1', credentials, maxAttempts: 1 });
}

export function organizations(sandbox: Sandbox, credentials: Credentials): OrganizationsClient {
  return new OrganizationsClient({ endpoint: sandbox.url, region: 'us-east-1', credentials, maxAttempts: 1 });
}

/** Asserts that the SDK call failed with this error name (and HTTP status, when given). */
export async function rejectsWith(call: Promise<unknown>, name: string, status?: number): Promise<Error> {
  try {
    await call;
  } catch (error) {
    assert.ok(error instanceof Error, `expected an Error, got ${String(error)}`);
    assert.equal(error.name, name, `expected ${name}, got ${error.name}: ${error.message}`);
    if (status !== undefined) {
      const metadata = (error as { $metadata?: { httpStatusCode?: number } }).$metadata;
      assert.equal(metadata?.httpStatusCode, status);
    }
    return error;
  }
  assert.fail(`expected the call to fail with ${name}`);
}

/** Runs a test body against a fresh sandbox (throttling off unless asked), then closes it. */
export async function withSandbox(
  options: Partial<SandboxOptions>,
  body: (sandbox: Sandbox) => Promise<void>,
): Promise<void> {
  const sandbox = await startSandbox({ estate: SAMPLE_ESTATE, speed: Number.POSITIVE_INFINITY, ...options });
  try {
    await body(sandbox);
    assert.deepEqual(sandbox.stats.unexpectedErrors, []);
  } finally {
    await sandbox.close();
  }
}

/**
 * Headers of a form POST to `url` signed with SigV4 (host, content type and date signed), written
 * from the AWS documentation independently of the sandbox's verifier, for requests the SDK will
 * not make. `date` defaults to now; `scopeDate` to its day.
 */
export function signV4(request: {
  url: string;
  body: string;
  accessKeyId: string;
  secret: string;
  region: string;
  service: string;
  date?: Date;
  scopeDate?: string;
}): Record<string, string> {
  const amzDate = (request.date ?? new Date()).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  const day = request.scopeDate ?? amzDate.slice(0, 8);
  const host = new URL(request.url).host;
  const contentType = 'application/x-www-form-urlencoded';
  const hash = (data: string): string => createHash('sha256').update(data).digest('hex');
  const hmac = (key: string | Buffer, data: string): Buffer => createHmac('sha256', key).update(data).digest();
  const canonical = ['POST', '/', '', `content-type:${contentType}`, `host:${host}`, `x-amz-date:${amzDate}`, '', 'content-type;host;x-amz-date', hash(request.body)].join('\n');
  const scope = `${day}/${request.region}/${request.service}/aws4_request`;
  const key = hmac(hmac(hmac(hmac(`AWS4${request.secret}`, day), request.region), request.service), 'aws4_request');
  const signature = hmac(key, `AWS4-HMAC-SHA256\n${amzDate}\n${scope}\n${hash(canonical)}`).toString('hex');
  return {
    'content-type': contentType,
    'x-amz-date': amzDate,
    authorization: `AWS4-HMAC-SHA256 Credential=${request.accessKeyId}/${scope}, SignedHeaders=content-type;host;x-amz-date, Signature=${signature}`,
  };
}
