/**
 * The organization's tree, for the org-aware allow list: which accounts are in the organization
 * and in which OUs (an account in a child OU is in every OU above it too, as AWS counts an OU
 * share). Read from the management account or a delegated administrator.
 */
import type { AccountMembership, OrganizationDirectory } from '../core/index.js';
import { awsErrorCode, failedAction, toAmiguardError } from '../aws/errors.js';
import {
  describeOrganization,
  listChildAccounts,
  listChildUnits,
  listRootIds,
  type OrganizationInfo,
} from '../aws/organizations.js';
import type { AwsSession } from '../aws/session.js';

export interface OrganizationMember {
  readonly id: string;
  readonly name: string;
  readonly state: string;
  /** The OUs the account is in, from the root down to its parent. */
  readonly ouArns: readonly string[];
}

export interface OrganizationUnit {
  readonly id: string;
  readonly arn: string;
  readonly name: string;
  /** The root or OU id it sits under. */
  readonly parentId: string;
  /** The OUs above it, from the root down, then its own ARN. */
  readonly path: readonly string[];
}

export interface AuditedOrganization extends OrganizationDirectory {
  readonly id: string;
  readonly arn: string;
  readonly managementAccountId: string;
  readonly accounts: readonly OrganizationMember[];
  readonly units: readonly OrganizationUnit[];
  /** Accounts in the OU or any OU below it; empty for an OU the organization does not have. */
  accountsIn(ouArn: string): string[];
}

/** Why the organization could not be read, and the IAM action that failed when a call did. */
export interface OrganizationUnavailable {
  readonly unavailable: string;
  readonly action?: string;
}

export async function readOrganizationDirectory(
  session: AwsSession,
  region: string,
): Promise<AuditedOrganization | OrganizationUnavailable> {
  const client = session.organizations(region);
  let organization: OrganizationInfo;
  try {
    organization = await describeOrganization(client);
  } catch (error) {
    if (awsErrorCode(error) === 'AWSOrganizationsNotInUseException') {
      return { unavailable: 'the account of the credentials is not in an organization' };
    }
    const context = { action: 'DescribeOrganization', service: 'organizations', region } as const;
    return { unavailable: toAmiguardError(error, context).message, action: failedAction(error, context) };
  }
  let action = 'ListRoots';
  try {
    const units: OrganizationUnit[] = [];
    const accounts: OrganizationMember[] = [];
    // Breadth first from the root: each parent with the OU path that leads to it.
    const parents: { id: string; path: readonly string[] }[] = (await listRootIds(client)).map((id) => ({ id, path: [] }));
    for (let next = parents.shift(); next !== undefined; next = parents.shift()) {
      const { id: parentId, path } = next;
      action = 'ListAccountsForParent';
      for (const account of await listChildAccounts(client, parentId)) accounts.push({ ...account, ouArns: path });
      action = 'ListOrganizationalUnitsForParent';
      for (const unit of await listChildUnits(client, parentId)) {
        const unitPath = [...path, unit.arn];
        units.push({ ...unit, parentId, path: unitPath });
        parents.push({ id: unit.id, path: unitPath });
      }
    }
    return organizationDirectory(organization, accounts, units);
  } catch (error) {
    const context = { action, service: 'organizations', region } as const;
    return {
      unavailable: `${toAmiguardError(error, context).message} (only the management account of ${organization.id} or a delegated administrator can list its accounts and OUs)`,
      action: failedAction(error, context),
    };
  }
}

function organizationDirectory(
  organization: OrganizationInfo,
  accounts: readonly OrganizationMember[],
  units: readonly OrganizationUnit[],
): AuditedOrganization {
  const byId = new Map(accounts.map((account) => [account.id, account]));
  return {
    ...organization,
    accounts,
    units,
    membership(accountId: string): AccountMembership {
      const member = byId.get(accountId);
      return member === undefined ? { known: true, ouArns: [] } : { known: true, organizationArn: organization.arn, ouArns: member.ouArns };
    },
    accountsIn(ouArn: string): string[] {
      return accounts.filter((account) => account.ouArns.includes(ouArn)).map((account) => account.id);
    },
  };
}
