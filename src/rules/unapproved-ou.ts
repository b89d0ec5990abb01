import { organizationIdOf, type ResolvedPolicy, type Rule } from '../core/index.js';
import { reportUnapproved, UNAPPROVED_MESSAGES } from './helpers.js';

export const unapprovedOu: Rule = {
  id: 'unapproved-ou',
  meta: {
    description: 'An AMI is shared with an organizational unit the policy does not approve.',
    help:
      'Sharing with an OU lets every account in it and in its child OUs launch the AMI. List the OUs you mean ' +
      'to share with under allow.ous in amiguard.yaml; an OU of an approved organization is approved too.',
    defaultSeverity: 'error',
    docs: 'rule-unapproved-ou',
    messages: UNAPPROVED_MESSAGES,
  },
  checkImage(subject, context) {
    reportUnapproved(subject, context, 'ou', (grantee) => ({
      approved: grantee.kind === 'ou' && isApprovedOu(grantee.arn, context.policy),
    }));
  },
};

/** An OU is approved by name, or because it lies inside an approved organization. */
export function isApprovedOu(arn: string, policy: ResolvedPolicy): boolean {
  if (policy.ous.has(arn)) return true;
  const organization = organizationIdOf(arn);
  return [...policy.organizations.keys()].some((approved) => organizationIdOf(approved) === organization);
}
