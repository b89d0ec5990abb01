import { sourceLocation } from '../../src/core/index.js';
import type { Finding, Report, ReportRule } from '../../src/core/index.js';

const TOOL = { name: 'amiguard', version: '0.1.0', informationUri: 'https://github.com/amiguard/amiguard' };

const RULES: readonly ReportRule[] = [
  {
    id: 'unresolved-sharing',
    description: 'A sharing value depends on something unknown',
    help: 'The value of ami_users or ami_groups depends on a variable with no value, so who can launch the AMI is not known until the build runs. Give the variable a value or a default.',
    docs: 'unresolved-sharing',
    severity: 'note',
  },
  {
    id: 'public-ami',
    description: 'An AMI is public',
    help: 'Anyone with an AWS account can launch a public AMI and read its snapshots. Remove "all" from ami_groups, or add a public exception to the policy.',
    docs: 'public-ami',
    severity: 'error',
  },
  {
    id: 'unapproved-account',
    description: 'An AMI is shared with an account the policy does not approve',
    help: 'Share only with the accounts listed under `accounts` in the policy file; add the account there if the share is meant.',
    docs: 'unapproved-account',
    severity: 'warning',
  },
  {
    id: 'public-snapshot',
    description: 'A snapshot of an AMI is public',
    help: 'A public snapshot lets anyone create a volume holding the AMI\'s disk. Remove the "all" group from its create-volume permission.',
    docs: 'public-snapshot',
    severity: 'error',
  },
];

const WEB = 'examples/web server.pkr.hcl';

/** Given out of order, so that the formatters' sorting shows in their output. */
const FINDINGS: readonly Finding[] = [
  {
    ruleId: 'unapproved-account',
    severity: 'warning',
    message: 'AMI of builder "amazon-ebs.base" is shared with account 444455556666, which the policy does not approve',
    location: sourceLocation('examples/base.pkr.json', 9, 21, 9, 35),
    related: [],
    fingerprint: 'b4f1a9e07c3d2e51',
  },
  {
    ruleId: 'public-snapshot',
    severity: 'error',
    message: 'snapshot snap-0a1b2c3d4e5f60718 of ami-0123456789abcdef0 is public',
    location: { kind: 'aws', account: '111122223333', region: 'us-east-1', resourceId: 'snap-0a1b2c3d4e5f60718' },
    related: [
      {
        message: 'the AMI it backs',
        location: { kind: 'aws', account: '111122223333', region: 'us-east-1', resourceId: 'ami-0123456789abcdef0' },
      },
    ],
    fingerprint: '0d3c9f2a61b87e45',
    remediation: 'amiguard unshare ami-0123456789abcdef0 --public --region us-east-1',
  },
  {
    ruleId: 'unresolved-sharing',
    severity: 'note',
    message: 'ami_users depends on variable "extra_accounts", which has no value',
    location: sourceLocation(WEB, 21, 3, 23, 4),
    related: [{ message: 'variable "extra_accounts" is declared here', location: sourceLocation('examples/variables.pkr.hcl', 7, 1, 7, 27) }],
    fingerprint: '5e6f7a8b9c0d1e2f',
  },
  {
    ruleId: 'public-ami',
    severity: 'error',
    message: 'AMI of builder "amazon-ebs.web" is public: ami_groups includes "all"',
    location: sourceLocation(WEB, 14, 16, 14, 35),
    related: [
      { message: 'variable "groups" is defined here', location: sourceLocation('examples/variables.pkr.hcl', 2, 13, 2, 20) },
    ],
    fingerprint: '9a8b7c6d5e4f3a2b',
    remediation: 'remove "all" from ami_groups, or add a public exception for this AMI to the policy',
  },
  {
    ruleId: 'unapproved-account',
    severity: 'warning',
    message: 'ami-0fedcba9876543210 is shared with account 999988887777, which the policy does not approve',
    location: { kind: 'aws', account: '444455556666', region: 'eu-west-1', resourceId: 'ami-0fedcba9876543210' },
    related: [],
    fingerprint: 'c1d2e3f4a5b6c7d8',
  },
];

export function sampleReport(): Report {
  return {
    tool: TOOL,
    findings: FINDINGS,
    rules: RULES,
    artifacts: ['examples/variables.pkr.hcl', WEB, 'examples/base.pkr.json', 'examples/clean.pkr.hcl'],
  };
}

export function emptyReport(): Report {
  return { tool: TOOL, findings: [], rules: RULES, artifacts: ['examples/clean.pkr.hcl'] };
}
