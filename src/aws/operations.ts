/**
 * Every AWS operation amiguard calls, with the IAM permission it needs: the data iam-policy
 * builds least-privilege policies from (Cloud Custodian's pattern). A test runs each command
 * against the sandbox and checks that every SDK command it sends is listed here for it.
 */
export const AWS_OPERATIONS = {
  DescribeRegions: { iam: 'ec2:DescribeRegions', why: 'find the regions enabled for the account' },
  DescribeImages: { iam: 'ec2:DescribeImages', why: 'find AMIs by id or name' },
  DescribeImageAttribute: { iam: 'ec2:DescribeImageAttribute', why: 'read who may launch an AMI' },
  ModifyImageAttribute: { iam: 'ec2:ModifyImageAttribute', why: 'add or remove launch permissions' },
  DescribeSnapshots: { iam: 'ec2:DescribeSnapshots', why: 'read the AMI\'s snapshots and their encryption' },
  DescribeSnapshotAttribute: { iam: 'ec2:DescribeSnapshotAttribute', why: 'read who may create volumes from a snapshot' },
  ModifySnapshotAttribute: { iam: 'ec2:ModifySnapshotAttribute', why: 'add or remove create-volume permissions' },
  GetImageBlockPublicAccessState: { iam: 'ec2:GetImageBlockPublicAccessState', why: 'read image block public access' },
  EnableImageBlockPublicAccess: { iam: 'ec2:EnableImageBlockPublicAccess', why: 'turn on image block public access' },
  DisableImageBlockPublicAccess: { iam: 'ec2:DisableImageBlockPublicAccess', why: 'turn off image block public access' },
  GetSnapshotBlockPublicAccessState: { iam: 'ec2:GetSnapshotBlockPublicAccessState', why: 'read snapshot block public access' },
  EnableSnapshotBlockPublicAccess: { iam: 'ec2:EnableSnapshotBlockPublicAccess', why: 'turn on snapshot block public access' },
  DisableSnapshotBlockPublicAccess: { iam: 'ec2:DisableSnapshotBlockPublicAccess', why: 'turn off snapshot block public access' },
  GetCallerIdentity: { iam: undefined, why: 'learn which account the credentials belong to (needs no permission)' },
  AssumeRole: { iam: 'sts:AssumeRole', why: 'read other accounts through a role' },
  DescribeOrganization: { iam: 'organizations:DescribeOrganization', why: 'learn the organization the account belongs to' },
  ListAccounts: { iam: 'organizations:ListAccounts', why: 'list the accounts of the organization' },
  ListRoots: { iam: 'organizations:ListRoots', why: 'walk the organization\'s tree of OUs' },
  ListOrganizationalUnitsForParent: { iam: 'organizations:ListOrganizationalUnitsForParent', why: 'walk the organization\'s tree of OUs' },
  ListAccountsForParent: { iam: 'organizations:ListAccountsForParent', why: 'learn which OU each account is in' },
} as const;

export type AwsOperation = keyof typeof AWS_OPERATIONS;

export interface IamPolicyDocument {
  readonly Version: '2012-10-17';
  readonly Statement: readonly { readonly Sid: string; readonly Effect: 'Allow'; readonly Action: readonly string[]; readonly Resource: '*' }[];
}

/**
 * A least-privilege identity policy for the given operations. EC2's image and snapshot
 * attribute actions do not support narrowing by resource tag uniformly, so Resource is "*".
 */
export function iamPolicyFor(operations: readonly AwsOperation[], sid: string): IamPolicyDocument {
  const actions = [...new Set(operations.flatMap((operation) => {
    const iam = AWS_OPERATIONS[operation].iam;
    return iam === undefined ? [] : [iam];
  }))].sort();
  return { Version: '2012-10-17', Statement: [{ Sid: sid, Effect: 'Allow', Action: actions, Resource: '*' }] };
}
