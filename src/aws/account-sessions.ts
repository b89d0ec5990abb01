/**
 * Reaching the accounts of an estate, for audit and for fix/undo alike: the credentials' own
 * account as it is, any other through a role of the same name in it, assumed once per account and
 * renewed before it expires (an audit of a large account can outlast a one-hour role session).
 */
import type { STSClient } from '@aws-sdk/client-sts';
import { toAmiguardError } from './errors.js';
import { NoRoleForAccount } from './no-role.js';
import { assumeRole, getCallerIdentity, renewingCredentials, roleArn, type CallerIdentity, type RoleTarget } from './roles.js';
import { AwsSession, type AwsOptions } from './session.js';

/** How to reach accounts other than the credentials' own. */
export { NoRoleForAccount };

export interface AccountReach {
  /** The role's name in every account (e.g. OrganizationAccountAccessRole). */
  readonly role?: string;
  /** The external id the role's trust policy asks for. */
  readonly externalId?: string;
  /** The role session's name, as CloudTrail shows it (amiguard-audit, amiguard-fix). */
  readonly sessionName: string;
}

/** The role to assume in `account`, or undefined for the credentials' own account. */
export function roleTargetFor(caller: CallerIdentity, account: string, reach: AccountReach): RoleTarget | undefined {
  if (account === caller.account) return undefined;
  if (reach.role === undefined) throw new NoRoleForAccount(account, caller.account);
  return { roleArn: roleArn(caller.partition, account, reach.role), sessionName: reach.sessionName, ...(reach.externalId === undefined ? {} : { externalId: reach.externalId }) };
}

/** A credentials provider for the role: assumed now (an error if it cannot be), renewed before expiry. */
export async function roleCredentials(sts: STSClient, target: RoleTarget): Promise<NonNullable<AwsOptions['credentials']>> {
  const first = await assumeRole(sts, target);
  return renewingCredentials(first, () => assumeRole(sts, target));
}

/** One session per account, opened on first use (the role assumed once), shared and destroyed together. */
export class AccountSessions {
  private readonly sessions = new Map<string, Promise<AwsSession>>();
  private caller: Promise<CallerIdentity> | undefined;

  constructor(
    /** The session of the credentials themselves; destroyed with the others. */
    readonly base: AwsSession,
    private readonly reach: AccountReach,
  ) {}

  sessionFor(account: string): Promise<AwsSession> {
    let session = this.sessions.get(account);
    if (session === undefined) {
      session = this.open(account);
      this.sessions.set(account, session);
    }
    return session;
  }

  destroy(): void {
    for (const session of this.sessions.values()) void session.then((opened) => (opened === this.base ? undefined : opened.destroy()), () => undefined);
    this.base.destroy();
  }

  private async open(account: string): Promise<AwsSession> {
    const region = await this.base.defaultRegion();
    const sts = this.base.sts(region);
    this.caller ??= getCallerIdentity(sts).catch((error: unknown) => {
      this.caller = undefined;
      throw toAmiguardError(error, { service: 'sts', action: 'GetCallerIdentity', region });
    });
    const target = roleTargetFor(await this.caller, account, this.reach);
    if (target === undefined) return this.base;
    const credentials = await roleCredentials(sts, target).catch((error: unknown) => {
      throw toAmiguardError(error, { service: 'sts', action: 'AssumeRole', region, resource: target.roleArn });
    });
    return new AwsSession({ ...this.base.options, credentials });
  }
}
