import type { Rule } from '../core/index.js';
import { describeSource, originOf } from './helpers.js';

export const invalidGrantee: Rule = {
  id: 'invalid-grantee',
  meta: {
    description: 'A sharing value that AWS will reject: not a 12-digit account id, a malformed ARN, an unknown group.',
    help:
      'Packer does not validate account ids or ARNs: the build runs for its full length and then fails when ' +
      'ModifyImageAttribute rejects the whole launch-permission change (InvalidAMIAttributeItemValue), or ' +
      'the share silently goes to the wrong place. Account ids are 12 digits without hyphens; organization ARNs ' +
      'are arn:aws:organizations::<management account>:organization/o-<id> (not :account/o-), OU ARNs ' +
      'arn:aws:organizations::<management account>:ou/o-<id>/ou-<id>; the only group is "all".',
    defaultSeverity: 'error',
    docs: 'rule-invalid-grantee',
    messages: {
      invalid: '{name}: {source}: {problem}',
    },
  },
  checkImage(subject, context) {
    for (const entry of [...subject.launch.invalid, ...subject.snapshot.invalid]) {
      context.report({
        messageId: 'invalid',
        data: { name: subject.name, source: describeSource(entry), problem: entry.problem },
        location: entry.location,
        related: originOf(entry),
        key: `${entry.field}:${entry.raw}`,
      });
    }
  },
};
