import { ApiError } from './api-error.js';
import { isDenied } from './iam.js';
import type { OrganizationRecord, Principal, World } from './world.js';

/**
 * The read-only part of the Organizations JSON 1.1 API that audits use. Listing is for the
 * management account; DescribeOrganization for any member. See
 * https://docs.aws.amazon.com/organizations/latest/APIReference/API_ListAccounts.html
 */
export const ORGANIZATIONS_ACTIONS: readonly string[] = [
  'DescribeOrganization',
  'ListAccounts',
  'ListAccountsForParent',
  'ListOrganizationalUnitsForParent',
  'ListRoots',
];

const PARENT_ID = /^(?:r-[0-9a-z]{4,32}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})$/;
const MAX_PAGE = 20;

export function handleOrganizations(world: World, principal: Principal, action: string, body: unknown): unknown {
  if (!ORGANIZATIONS_ACTIONS.includes(action)) {
    throw new ApiError('UnknownOperationException', `The operation ${action} is not supported by the sandbox.`);
  }
  const input = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const org = world.organization;
  if (org === undefined || !org.accountParents.has(principal.accountId)) {
    throw new ApiError('AWSOrganizationsNotInUseException', 'Your account is not a member of an organization.');
  }
  const accessDenied = new ApiError('AccessDeniedException', "You don't have permissions to access this resource.");
  if (isDenied(principal, `organizations:${action}`)) throw accessDenied;
  if (action === 'DescribeOrganization') {
    return {
      Organization: {
        Id: org.id,
        Arn: org.arn,
        FeatureSet: 'ALL',
        MasterAccountArn: accountArn(org, org.managementAccountId),
        MasterAccountId: org.managementAccountId,
        MasterAccountEmail: world.accounts.get(org.managementAccountId)?.email,
        AvailablePolicyTypes: [{ Type: 'SERVICE_CONTROL_POLICY', Status: 'ENABLED' }],
      },
    };
  }
  if (principal.accountId !== org.managementAccountId) throw accessDenied;

  const page = <T>(items: readonly T[], key: string): { items: T[]; NextToken?: string } =>
    paginate(items, input['MaxResults'], input['NextToken'], key);
  switch (action) {
    case 'ListRoots': {
      const { items, ...rest } = page([org.rootId], 'roots');
      return { Roots: items.map((id) => ({ Id: id, Arn: org.rootArn, Name: 'Root', PolicyTypes: [] })), ...rest };
    }
    case 'ListAccounts': {
      const { items, ...rest } = page([...org.accountParents.keys()], 'accounts');
      return { Accounts: items.map((id) => describeAccount(world, org, id)), ...rest };
    }
    case 'ListAccountsForParent': {
      const parentId = readParent(org, input['ParentId']);
      const children = [...org.accountParents].filter(([, parent]) => parent === parentId).map(([id]) => id);
      const { items, ...rest } = page(children, `accounts/${parentId}`);
      return { Accounts: items.map((id) => describeAccount(world, org, id)), ...rest };
    }
    default: {
      const parentId = readParent(org, input['ParentId']);
      const units = [...org.units.values()].filter((unit) => unit.parentId === parentId);
      const { items, ...rest } = page(units, `units/${parentId}`);
      return { OrganizationalUnits: items.map((unit) => ({ Id: unit.id, Arn: unit.arn, Name: unit.name })), ...rest };
    }
  }
}

function readParent(org: OrganizationRecord, value: unknown): string {
  if (typeof value !== 'string') throw invalidInput('INVALID_INPUT', "Value null at 'parentId' failed to satisfy constraint: Member must not be null");
  if (!PARENT_ID.test(value)) throw invalidInput('INVALID_INPUT', `Value '${value}' at 'parentId' failed to satisfy constraint`);
  if (value !== org.rootId && !org.units.has(value)) {
    throw new ApiError('ParentNotFoundException', "We can't find a root or OU with the ParentId that you specified.");
  }
  return value;
}

function paginate<T>(items: readonly T[], maxResults: unknown, nextToken: unknown, key: string): { items: T[]; NextToken?: string } {
  if (maxResults !== undefined && (typeof maxResults !== 'number' || !Number.isInteger(maxResults) || maxResults < 1 || maxResults > MAX_PAGE)) {
    throw invalidInput('INVALID_INPUT', `Value '${String(maxResults)}' at 'maxResults' failed to satisfy constraint: Member must have value between 1 and ${MAX_PAGE}`);
  }
  let start = 0;
  if (nextToken !== undefined) {
    const match = typeof nextToken === 'string' ? /^(\d+)\.(.+)$/.exec(Buffer.from(nextToken, 'base64url').toString('utf8')) : null;
    if (match === null || match[2] !== key) throw invalidInput('INVALID_PAGINATION_TOKEN', 'The pagination token is not valid.');
    start = Number(match[1]);
  }
  const size = typeof maxResults === 'number' ? maxResults : MAX_PAGE;
  const end = start + size;
  return end < items.length
    ? { items: items.slice(start, end), NextToken: Buffer.from(`${end}.${key}`, 'utf8').toString('base64url') }
    : { items: items.slice(start) };
}

/** InvalidInputException carries a Reason code next to its message. */
class InvalidInputError extends ApiError {
  readonly reason: string;

  constructor(reason: string, message: string) {
    super('InvalidInputException', message);
    this.reason = reason;
  }
}

function invalidInput(reason: string, message: string): InvalidInputError {
  return new InvalidInputError(reason, message);
}

function accountArn(org: OrganizationRecord, accountId: string): string {
  return `arn:aws:organizations::${org.managementAccountId}:account/${org.id}/${accountId}`;
}

function describeAccount(world: World, org: OrganizationRecord, accountId: string): Record<string, unknown> {
  const account = world.accounts.get(accountId);
  return {
    Id: accountId,
    Arn: accountArn(org, accountId),
    Email: account?.email,
    Name: account?.name,
    Status: 'ACTIVE',
    State: 'ACTIVE',
    JoinedMethod: accountId === org.managementAccountId ? 'CREATED' : 'INVITED',
    JoinedTimestamp: (account?.joinedTimestamp.getTime() ?? 0) / 1000,
  };
}

/** Organizations' JSON error body. */
export function organizationsErrorBody(error: ApiError): string {
  const reason = error instanceof InvalidInputError ? { Reason: error.reason } : {};
  return JSON.stringify({ __type: error.code, Message: error.message, ...reason });
}
