import type { Rule } from '../core/index.js';
import { reportUnapproved, UNAPPROVED_MESSAGES } from './helpers.js';

export const unapprovedOrganization: Rule = {
  id: 'unapproved-organization',
  meta: {
    description: 'An AMI is shared with an AWS Organization the policy does not approve.',
    help:
      'Sharing with an organization lets every account in it, now and later, launch the AMI. List the ' +
      'organizations you mean to share with under allow.organizations in amiguard.yaml.',
    defaultSeverity: 'error',
    docs: 'rule-unapproved-organization',
    messages: UNAPPROVED_MESSAGES,
  },
  checkImage(subject, context) {
    reportUnapproved(subject, context, 'organization', (grantee) => ({
      approved: grantee.kind === 'organization' && context.policy.organizations.has(grantee.arn),
    }));
  },
};
