import type { AccountMembership, ResolvedPolicy, Rule } from '../core/index.js';
import { reportUnapproved, UNAPPROVED_MESSAGES, type Approval } from './helpers.js';
import { isApprovedOu } from './unapproved-ou.js';

export const unapprovedAccount: Rule = {
  id: 'unapproved-account',
  meta: {
    description: 'An AMI or its snapshots are shared with an AWS account the policy does not approve.',
    help:
      'Every account in ami_users or snapshot_users can launch the AMI (or read its disks) for as long as the ' +
      'share exists. List the accounts you mean to share with under allow.accounts in amiguard.yaml; anything ' +
      'else is reported. In an audit, an account that belongs to an approved organization or OU is approved ' +
      'too, when Organizations can be read. Prefer sharing with an organization or OU, which follows account moves.',
    defaultSeverity: 'error',
    docs: 'rule-unapproved-account',
    messages: {
      ...UNAPPROVED_MESSAGES,
      unresolvedMembership:
        '{name}: {source} shares the {target} with {what}, which is not in {allowKey}; whether it belongs to an approved organization or OU could not be resolved: {reason}',
    },
  },
  checkImage(subject, context) {
    reportUnapproved(subject, context, 'account', (grantee): Approval => {
      if (grantee.kind !== 'account' || context.policy.accounts.has(grantee.id)) return { approved: true };
      if (context.directory === undefined) return { approved: false };
      return approvedByOrganization(context.directory.membership(grantee.id), context.policy);
    });
  },
};

/** The org-aware allow list: an account inside an approved organization or OU is approved. */
function approvedByOrganization(membership: AccountMembership, policy: ResolvedPolicy): Approval {
  const approvesGroups = policy.organizations.size > 0 || policy.ous.size > 0;
  if (!membership.known) return approvesGroups ? { approved: false, unresolved: membership.reason } : { approved: false };
  if (membership.organizationArn !== undefined && policy.organizations.has(membership.organizationArn)) return { approved: true };
  return membership.ouArns.some((arn) => isApprovedOu(arn, policy)) ? { approved: true } : { approved: false };
}
