import assert from 'node:assert/strict';
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
