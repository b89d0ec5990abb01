import type { Rule } from '../core/index.js';
import { describeSource, mayBePublic, originOf } from './helpers.js';

export const unresolvedSharing: Rule = {
  id: 'unresolved-sharing',
  meta: {
    description: 'Who the AMI is shared with depends on something amiguard cannot know from the template.',
    help:
      'A sharing field depends on a variable with no value, an environment variable, or an expression ' +
      'amiguard does not evaluate, so the result depends on how the build is run. Pass the values the build ' +
      'uses (--var, --var-file, --use-env) to check what it will really do, or give the variable a safe default.',
    defaultSeverity: 'warning',
    docs: 'rule-unresolved-sharing',
    messages: {
      unknown: '{name}: {source} cannot be resolved: {reason}',
      mayBePublic: '{name}: {source} may make the {target} public: {reason}',
    },
  },
  checkImage(subject, context) {
    // On a live AMI an unknown is a read that failed: the report's coverage names it, with the
    // IAM action, rather than a finding that asks for template variables.
    if (subject.origin === 'aws') return;
    const sides = [
      { unknowns: subject.launch.unknowns, target: 'AMI' },
      { unknowns: subject.snapshot.unknowns, target: 'snapshots' },
    ];
    for (const { unknowns, target } of sides) {
      for (const unknown of unknowns) {
        context.report({
          messageId: mayBePublic(unknown) ? 'mayBePublic' : 'unknown',
          data: { name: subject.name, source: describeSource(unknown), reason: unknown.reason, target },
          location: unknown.location,
          related: originOf(unknown),
          key: `${unknown.field}:${unknown.reason}`,
          remediation: 'pass the values the build uses with --var, --var-file or --use-env',
        });
      }
    }
  },
};
