/**
 * Who the credentials are, and role sessions into other accounts (sts:AssumeRole), in the core
 * model's terms.
 */
import { AssumeRoleCommand, GetCallerIdentityCommand, type STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity } from '@smithy/types';
import { AmiguardError } from '../core/index.js';

export interface CallerIdentity {
  readonly account: string;
  readonly arn: string;
  /** `aws`, `aws-cn`, `aws-us-gov`: the partition role ARNs must name. */
  readonly partition: string;
}

export async function getCallerIdentity(sts: STSClient): Promise<CallerIdentity> {
  const result = await sts.send(new GetCallerIdentityCommand({}));
  const account = result.Account;
  const arn = result.Arn ?? '';
  if (account === undefined) throw new AmiguardError('AWS', 'GetCallerIdentity answered without an account id');
  return { account, arn, partition: /^arn:([^:]+):/.exec(arn)?.[1] ?? 'aws' };
}

export interface RoleTarget {
  readonly roleArn: string;
  readonly sessionName: string;
  readonly externalId?: string;
}

export function roleArn(partition: string, account: string, roleName: string): string {
  return `arn:${partition}:iam::${account}:role/${roleName}`;
}

export async function assumeRole(sts: STSClient, target: RoleTarget): Promise<AwsCredentialIdentity> {
  const result = await sts.send(
    new AssumeRoleCommand({
      RoleArn: target.roleArn,
      RoleSessionName: target.sessionName,
      ...(target.externalId === undefined ? {} : { ExternalId: target.externalId }),
    }),
  );
  const credentials = result.Credentials;
  if (credentials?.AccessKeyId === undefined || credentials.SecretAccessKey === undefined) {
    throw new AmiguardError('AWS', `AssumeRole ${target.roleArn} answered without credentials`);
  }
  return {
    accessKeyId: credentials.AccessKeyId,
    secretAccessKey: credentials.SecretAccessKey,
    ...(credentials.SessionToken === undefined ? {} : { sessionToken: credentials.SessionToken }),
    ...(credentials.Expiration === undefined ? {} : { expiration: credentials.Expiration }),
  };
}

/** Renew this long before expiry: the SDK itself treats credentials within 5 minutes of it as expired. */
const RENEW_BEFORE_MS = 10 * 60 * 1000;

/**
 * A credentials provider for one role session shared by every client of the account: it starts
 * from credentials already obtained and assumes the role again only when they near expiry (an
 * audit of a large account can outlast a one-hour session). Concurrent callers share one renewal.
 */
export function renewingCredentials(
  initial: AwsCredentialIdentity,
  renew: () => Promise<AwsCredentialIdentity>,
  now: () => number = Date.now,
): () => Promise<AwsCredentialIdentity> {
  let current: Promise<AwsCredentialIdentity> = Promise.resolve(initial);
  let expiration = initial.expiration?.getTime();
  let renewing = false;
  return async () => {
    if (expiration !== undefined && !renewing && expiration - now() < RENEW_BEFORE_MS) {
      renewing = true;
      current = renew().then(
        (credentials) => {
          expiration = credentials.expiration?.getTime();
          renewing = false;
          return credentials;
        },
        (error: unknown) => {
          renewing = false;
          throw error;
        },
      );
    }
    return current;
  };
}
