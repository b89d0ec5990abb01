import type { Rule } from '../core/index.js';
import { reportPublicGrants } from './helpers.js';

export const publicAmi: Rule = {
  id: 'public-ami',
  meta: {
    description: 'An AMI is shared with everyone (launch permission group "all").',
    help:
      'A public AMI can be launched by every AWS account in the world, with whatever was baked into it: ' +
      'credentials, internal hostnames, licensed software. Remove "all" from ami_groups, share with accounts, ' +
      'organizations or OUs instead, or, if the AMI is meant to be public, add a public-exception to the policy ' +
      'with a reason and an expiry date.',
    defaultSeverity: 'error',
    docs: 'rule-public-ami',
    messages: {
      public: '{name}: {source} makes the AMI public: every AWS account can launch it',
      publicBlocked:
        '{name}: {source} makes the AMI public, which AWS refuses (OperationNotPermitted) while {block} blocks public sharing of AMIs in that region',
      expiredException:
        '{name}: {source} makes the AMI public, and the policy exception that allowed it expired on {expires} ({reason})',
    },
  },
  checkImage(subject, context) {
    reportPublicGrants('ami', subject, context, (field) =>
      `remove "all" from ${field}, or add a public-exception for this AMI to the policy`,
    );
  },
};
