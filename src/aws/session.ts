import { EC2Client, type EC2ClientConfig } from '@aws-sdk/client-ec2';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { STSClient } from '@aws-sdk/client-sts';
import type { InitializeMiddleware, MiddlewareStack } from '@smithy/types';
import { NoRegion } from './no-role.js';
import { noteFailedOperation } from './errors.js';

export interface AwsOptions {
  /** `--region`; otherwise the SDK's default chain (AWS_REGION, the profile). */
  readonly region?: string;
  readonly profile?: string;
  /** `--endpoint-url`; the SDK also reads AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_EC2 itself. */
  readonly endpoint?: string;
  /** Fixed credentials (an assumed role); otherwise the SDK's default chain. */
  readonly credentials?: NonNullable<EC2ClientConfig['credentials']>;
  readonly maxAttempts?: number;
}

type Service = 'ec2' | 'sts' | 'organizations';

/**
 * One client per (credentials, region, service), reused for every call: the SDK pools
 * connections per client, and credentials are resolved once per account.
 */
export class AwsSession {
  private readonly clients = new Map<string, EC2Client | STSClient | OrganizationsClient>();

  constructor(readonly options: AwsOptions = {}) {}

  ec2(region: string): EC2Client {
    return this.client('ec2', region, (config) => {
      const client = new EC2Client(config);
      recordFailedOperations(client, 'ec2');
      return client;
    });
  }

  sts(region: string): STSClient {
    return this.client('sts', region, (config) => {
      const client = new STSClient(config);
      recordFailedOperations(client, 'sts');
      return client;
    });
  }

  organizations(region: string): OrganizationsClient {
    return this.client('organizations', region, (config) => {
      const client = new OrganizationsClient(config);
      recordFailedOperations(client, 'organizations');
      return client;
    });
  }

  /** The region to use when the user names none: --region, else the SDK's default chain. */
  async defaultRegion(): Promise<string> {
    if (this.options.region !== undefined) return this.options.region;
    const probe = new EC2Client(this.baseConfig(undefined));
    try {
      const region = await probe.config.region();
      if (typeof region === 'string' && region !== '') return region;
    } catch {
      // no region configured anywhere: said below
    } finally {
      probe.destroy();
    }
    throw new NoRegion();
  }

  destroy(): void {
    for (const client of this.clients.values()) client.destroy();
    this.clients.clear();
  }

  private client<T extends EC2Client | STSClient | OrganizationsClient>(
    service: Service,
    region: string,
    make: (config: ReturnType<AwsSession['baseConfig']>) => T,
  ): T {
    const key = `${service}/${region}`;
    const existing = this.clients.get(key);
    if (existing !== undefined) return existing as T;
    const client = make(this.baseConfig(region));
    this.clients.set(key, client);
    return client;
  }

  private baseConfig(region: string | undefined) {
    return {
      ...(region === undefined ? {} : { region }),
      ...(this.options.profile === undefined ? {} : { profile: this.options.profile }),
      ...(this.options.endpoint === undefined ? {} : { endpoint: this.options.endpoint }),
      ...(this.options.credentials === undefined ? {} : { credentials: this.options.credentials }),
      maxAttempts: this.options.maxAttempts ?? 6,
    };
  }
}

/** Marks every error a client throws with the operation that threw it, for errors.ts to name. */
function recordFailedOperations<Input extends object, Output extends object>(
  client: { readonly middlewareStack: MiddlewareStack<Input, Output> },
  service: Service,
): void {
  const middleware: InitializeMiddleware<Input, Output> = (next, context) => async (args) => {
    try {
      return await next(args);
    } catch (error) {
      noteFailedOperation(error, service, (context.commandName ?? 'Unknown').replace(/Command$/, ''));
      throw error;
    }
  };
  client.middlewareStack.add(middleware, { step: 'initialize', name: 'amiguardFailedOperation' });
}
