/**
 * The SDK clients of one audit: sessions of its own (one per account, so that an assumed role's
 * credentials are shared by the account's regions), each client metered and, for EC2, paced by
 * the audit's rate limiter. They are destroyed with the audit; the caller's session is left as is.
 */
import type { EC2Client } from '@aws-sdk/client-ec2';
import type { OrganizationsClient } from '@aws-sdk/client-organizations';
import type { STSClient } from '@aws-sdk/client-sts';
import { meterClient, type AwsCall } from '../aws/call-meter.js';
import type { RateLimiter } from '../aws/rate-limit.js';
import { AwsSession, type AwsOptions } from '../aws/session.js';

export class AuditClients {
  private readonly sessions: AwsSession[] = [];
  private readonly metered = new WeakSet<object>();

  constructor(
    private readonly base: AwsOptions,
    private readonly limiter: RateLimiter,
    private readonly onCall: (call: AwsCall) => void,
  ) {}

  /** A session with the caller's credentials, or with the given ones (an assumed role). */
  session(credentials?: AwsOptions['credentials']): AwsSession {
    const session = new AwsSession(credentials === undefined ? this.base : { ...this.base, credentials });
    this.sessions.push(session);
    return session;
  }

  ec2(session: AwsSession, account: string, region: string): EC2Client {
    const client = session.ec2(region);
    if (!this.metered.has(client)) {
      meterClient(client, { account, region, service: 'ec2', limiter: this.limiter, onCall: this.onCall });
      // The stack is complete before the first request, so it can be resolved once per command
      // class instead of per request: a third of the SDK's CPU time per call, which is what bounds
      // a fast sandbox run. (A client option the session does not set.)
      client.config.cacheMiddleware = true;
      this.metered.add(client);
    }
    return client;
  }

  sts(session: AwsSession, account: string, region: string): STSClient {
    const client = session.sts(region);
    if (!this.metered.has(client)) {
      meterClient(client, { account, region, service: 'sts', onCall: this.onCall });
      this.metered.add(client);
    }
    return client;
  }

  organizations(session: AwsSession, account: string, region: string): OrganizationsClient {
    const client = session.organizations(region);
    if (!this.metered.has(client)) {
      meterClient(client, { account, region, service: 'organizations', onCall: this.onCall });
      this.metered.add(client);
    }
    return client;
  }

  destroy(): void {
    for (const session of this.sessions) session.destroy();
    this.sessions.length = 0;
  }
}
