import type { Rule } from '../core/index.js';

export const parseError: Rule = {
  id: 'parse-error',
  meta: {
    description: 'A template or var-file that cannot be read, so its sharing cannot be checked.',
    help:
      'amiguard could not parse this file (a syntax error, a truncated or binary file, a var-file that does not ' +
      'load). Nothing in it was checked. Fix the file, or exclude it from the paths you lint.',
    defaultSeverity: 'error',
    docs: 'rule-parse-error',
    messages: {
      problem: '{message}',
    },
  },
  checkProblem(problem, context) {
    context.report({
      messageId: 'problem',
      data: { message: problem.message },
      location: problem.location,
      key: problem.message,
    });
  },
};
