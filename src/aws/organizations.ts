/**
 * The read-only Organizations calls of an audit: the organization, its accounts, and its tree of
 * organizational units. Listing needs the management account (or a delegated administrator).
 */
import {
  DescribeOrganizationCommand,
  paginateListAccounts,
  paginateListAccountsForParent,
  paginateListOrganizationalUnitsForParent,
  paginateListRoots,
  type Account,
  type OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { AmiguardError } from '../core/index.js';

export interface OrganizationInfo {
  readonly id: string;
  readonly arn: string;
  readonly managementAccountId: string;
}

export interface OrganizationAccountInfo {
  readonly id: string;
  readonly name: string;
  /** `ACTIVE`, `SUSPENDED`, `PENDING_CLOSURE`, `CLOSED`... */
  readonly state: string;
}

export interface OrganizationalUnitInfo {
  readonly id: string;
  readonly arn: string;
  readonly name: string;
}

export async function describeOrganization(client: OrganizationsClient): Promise<OrganizationInfo> {
  const { Organization: organization } = await client.send(new DescribeOrganizationCommand({}));
  if (organization?.Id === undefined || organization.Arn === undefined || organization.MasterAccountId === undefined) {
    throw new AmiguardError('AWS', 'DescribeOrganization answered without the organization id, ARN or management account');
  }
  return { id: organization.Id, arn: organization.Arn, managementAccountId: organization.MasterAccountId };
}

function toAccountInfo(account: Account): OrganizationAccountInfo[] {
  if (account.Id === undefined) return [];
  // `Status` is being retired in favour of `State` (see the Account shape's documentation).
  return [{ id: account.Id, name: account.Name ?? '', state: account.State ?? account.Status ?? 'UNKNOWN' }];
}

export async function listOrganizationAccounts(client: OrganizationsClient): Promise<OrganizationAccountInfo[]> {
  const accounts: OrganizationAccountInfo[] = [];
  for await (const page of paginateListAccounts({ client }, {})) accounts.push(...(page.Accounts ?? []).flatMap(toAccountInfo));
  return accounts;
}

export async function listRootIds(client: OrganizationsClient): Promise<string[]> {
  const roots: string[] = [];
  for await (const page of paginateListRoots({ client }, {})) {
    for (const root of page.Roots ?? []) if (root.Id !== undefined) roots.push(root.Id);
  }
  return roots;
}

export async function listChildUnits(client: OrganizationsClient, parentId: string): Promise<OrganizationalUnitInfo[]> {
  const units: OrganizationalUnitInfo[] = [];
  for await (const page of paginateListOrganizationalUnitsForParent({ client }, { ParentId: parentId })) {
    for (const unit of page.OrganizationalUnits ?? []) {
      if (unit.Id !== undefined && unit.Arn !== undefined) units.push({ id: unit.Id, arn: unit.Arn, name: unit.Name ?? '' });
    }
  }
  return units;
}

export async function listChildAccounts(client: OrganizationsClient, parentId: string): Promise<OrganizationAccountInfo[]> {
  const accounts: OrganizationAccountInfo[] = [];
  for await (const page of paginateListAccountsForParent({ client }, { ParentId: parentId })) {
    accounts.push(...(page.Accounts ?? []).flatMap(toAccountInfo));
  }
  return accounts;
}
