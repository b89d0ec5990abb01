/**
 * Which accounts and regions an audit reads, and how it reaches each account: through the
 * account sessions fix and undo use too (src/aws/account-sessions.ts), here with the audit's
 * metered clients, one session per account shared by its regions.
 */
import { AmiguardError, parseGrantee } from '../core/index.js';
import { awsErrorCode, failedAction, toAmiguardError } from '../aws/errors.js';
import { listRegions, type RegionStatus } from '../aws/inventory-reads.js';
import { listOrganizationAccounts, type OrganizationAccountInfo } from '../aws/organizations.js';
import { NoRoleForAccount, roleCredentials, roleTargetFor } from '../aws/account-sessions.js';
import type { CallerIdentity, RoleTarget } from '../aws/roles.js';
import type { AwsSession } from '../aws/session.js';
import type { AuditClients } from './clients.js';
import type { AuditScope } from './read-inventory.js';
import type { AuditFailure } from './model.js';

const SESSION_NAME = 'amiguard-audit';

export interface AccountContext {
  readonly scope: AuditScope;
  readonly caller: CallerIdentity;
  readonly clients: AuditClients;
  /** The session of the credentials themselves. */
  readonly own: AwsSession;
  /** Where STS, Organizations and DescribeRegions are called. */
  readonly home: string;
}

/** The account ids to read, and the requested ones that cannot be. */
export async function accountsInScope(context: AccountContext): Promise<{ accounts: string[]; failures: AuditFailure[] }> {
  const { scope, caller } = context;
  const failures: AuditFailure[] = [];
  const requested: string[] = [];
  for (const raw of new Set(scope.accounts ?? [])) {
    const parsed = parseGrantee('account', raw);
    if (parsed.ok) requested.push(raw);
    else failures.push({ kind: 'account', account: raw, reason: parsed.problem });
  }
  if (scope.organization !== true) {
    return { accounts: scope.accounts === undefined ? [caller.account] : requested, failures };
  }
  let members: OrganizationAccountInfo[];
  try {
    members = await listOrganizationAccounts(context.clients.organizations(context.own, caller.account, context.home));
  } catch (error) {
    const mapped = toAmiguardError(error, { action: 'ListAccounts', service: 'organizations', region: context.home });
    throw new AmiguardError(mapped.code, `cannot list the accounts of the organization: ${mapped.message}`, {
      hint: 'an organization-wide audit needs the credentials of the management account or of a delegated administrator',
      cause: error,
    });
  }
  const active = members.filter((member) => member.state === 'ACTIVE').map((member) => member.id);
  if (scope.accounts === undefined) return { accounts: active, failures };
  const states = new Map(members.map((member) => [member.id, member.state]));
  for (const account of requested) {
    const state = states.get(account);
    if (state === undefined) failures.push({ kind: 'account', account, reason: `account ${account} is not in the organization` });
    else if (state !== 'ACTIVE') failures.push({ kind: 'account', account, reason: `account ${account} is ${state} in the organization, not ACTIVE` });
  }
  return { accounts: requested.filter((account) => states.get(account) === 'ACTIVE'), failures };
}

export type OpenedAccount =
  | { readonly failure: AuditFailure }
  | { readonly session: AwsSession; readonly regions: readonly string[]; readonly regionFailures: readonly AuditFailure[] };

/** A session for the account and the regions to read in it (those of the scope the account has enabled). */
export async function openAccount(context: AccountContext, account: string): Promise<OpenedAccount> {
  const { scope, caller, clients, home } = context;
  let session = context.own;
  let target: RoleTarget | undefined;
  try {
    target = roleTargetFor(caller, account, { ...(scope.role === undefined ? {} : { role: scope.role }), ...(scope.externalId === undefined ? {} : { externalId: scope.externalId }), sessionName: SESSION_NAME });
  } catch (error) {
    if (!(error instanceof NoRoleForAccount)) throw error;
    return { failure: { kind: 'account', account, reason: error.message, detail: { kind: 'no-role', account, caller: caller.account } } };
  }
  if (target !== undefined) {
    const sts = clients.sts(context.own, caller.account, home);
    try {
      session = clients.session(await roleCredentials(sts, target));
    } catch (error) {
      // STS answers AccessDenied alike for a missing account, a missing role and a trust policy that says no.
      const reason =
        awsErrorCode(error) === 'AccessDenied'
          ? `AWS denied sts:AssumeRole (AccessDenied): the account may not exist, or the role may be missing or not trust ${caller.arn}`
          : toAmiguardError(error, { action: 'AssumeRole', service: 'sts', region: home, resource: target.roleArn }).message;
      return { failure: { kind: 'account', account, reason: `cannot assume ${target.roleArn}: ${reason}`, action: 'sts:AssumeRole' } };
    }
  }

  let listed: RegionStatus[] | undefined;
  let listError: unknown;
  try {
    listed = await listRegions(clients.ec2(session, account, home));
  } catch (error) {
    listError = error;
  }
  if (scope.regions === 'all') {
    if (listed === undefined) {
      const mapped = toAmiguardError(listError, { action: 'DescribeRegions', service: 'ec2', region: home });
      return { failure: { kind: 'account', account, reason: `cannot list the regions of account ${account}: ${mapped.message}`, action: failedAction(listError, { service: 'ec2', action: 'DescribeRegions' }) } };
    }
    return { session, regions: listed.filter((region) => region.optInStatus !== 'not-opted-in').map((region) => region.name).sort(), regionFailures: [] };
  }
  // Without the region list, each named region is read and names its own failure.
  if (listed === undefined) return { session, regions: [...new Set(scope.regions)], regionFailures: [] };
  const statuses = new Map(listed.map((region) => [region.name, region.optInStatus]));
  const regions: string[] = [];
  const regionFailures: AuditFailure[] = [];
  for (const region of new Set(scope.regions)) {
    const status = statuses.get(region);
    if (status === undefined) regionFailures.push({ kind: 'region', account, region, reason: `${region} is not an EC2 region (DescribeRegions does not list it)` });
    else if (status === 'not-opted-in') regionFailures.push({ kind: 'region', account, region, reason: `${region} is not enabled for account ${account} (an opt-in region)` });
    else regions.push(region);
  }
  return { session, regions, regionFailures };
}
