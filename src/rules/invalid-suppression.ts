import type { Rule } from '../core/index.js';

export const invalidSuppression: Rule = {
  id: 'invalid-suppression',
  meta: {
    description: 'An amiguard-ignore comment that suppresses nothing: it gives no reason, names no known rule, or has a bad date.',
    help:
      'An inline suppression must name the rule and say why, so that a reviewer can judge it: ' +
      '`# amiguard-ignore public-ami: published on purpose (SEC-142)`, optionally with an expiry, ' +
      '`# amiguard-ignore public-ami until 2027-01-31: ...`. One without a reason, with an unknown rule id, ' +
      'or with a date that is not YYYY-MM-DD suppresses nothing. In a legacy JSON template the directive is a ' +
      'root-level key whose value is a string (Packer accepts only strings there): ' +
      '`"_amiguard-ignore": "public-ami: published on purpose (SEC-142)"`.',
    defaultSeverity: 'error',
    docs: 'rule-invalid-suppression',
    messages: {
      noReason: 'amiguard-ignore {text} gives no reason after a colon, so it suppresses nothing: write "amiguard-ignore RULE: why"',
      noRule: 'amiguard-ignore {text} names no rule, so it suppresses nothing: write "amiguard-ignore RULE: why"',
      unknownRule: 'amiguard-ignore {text} names "{rule}", which is not a rule (see amiguard rules); it suppresses nothing',
      badExpiry: 'amiguard-ignore {text} has expiry "{date}", which is not a date (YYYY-MM-DD); it suppresses nothing',
      notString: 'the "_amiguard-ignore" key must be a string: Packer refuses a template whose root-level "_" key is not one',
    },
  },
  checkDirective(directive, context) {
    const { problem } = directive;
    if (problem === undefined) return;
    const text = JSON.stringify(directive.text);
    const data = ((): Record<string, string> => {
      switch (problem.kind) {
        case 'unknownRule':
          return { text, rule: problem.rule };
        case 'badExpiry':
          return { text, date: problem.text };
        case 'noReason':
        case 'noRule':
        case 'notString':
          return { text };
      }
    })();
    context.report({ messageId: problem.kind, data, location: directive.location, key: directive.text });
  },
};
