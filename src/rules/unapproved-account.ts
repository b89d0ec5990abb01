import type { Rule } from '../core/index.js';
import { reportUnapproved, UNAPPROVED_MESSAGES } from './helpers.js';

export const unapprovedAccount: Rule = {
  id: 'unapproved-account',
  meta: {
    description: 'An AMI or its snapshots are shared with an AWS account the policy does not approve.',
    help:
      'Every account in ami_users or snapshot_users can launch the AMI (or read its disks) for as long as the ' +
      'share exists. List the accounts you mean to share with under allow.accounts in amiguard.yaml; anything ' +
      'else is reported. Prefer sharing with an organization or OU, which follows account moves.',
    defaultSeverity: 'error',
    docs: 'rule-unapproved-account',
    messages: UNAPPROVED_MESSAGES,
  },
  checkImage(subject, context) {
    reportUnapproved(subject, context, 'account', (grantee) =>
      grantee.kind === 'account' && context.policy.accounts.has(grantee.id),
    );
  },
};
