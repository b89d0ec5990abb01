import { RULES } from '../../rules/index.js';
import { parseCommandArgs } from '../args.js';
import type { Io } from '../io.js';
import type { Command } from './command.js';

export const rulesCommand: Command = {
  name: 'rules',
  summary: 'List the rules, with their default severity and what they find',
  help: `Usage: amiguard rules [--json]

Lists every rule amiguard checks, its default severity and a description. Change a rule's
severity, or turn it off, under "rules:" in the policy file.

Examples:
  amiguard rules
  amiguard rules --json
`,
  async run(args: readonly string[], io: Io): Promise<number> {
    const parsed = parseCommandArgs('rules', args, { json: { type: 'boolean' } });
    if (parsed.values['json'] === true) {
      const rules = RULES.map((rule) => ({
        id: rule.id,
        defaultSeverity: rule.meta.defaultSeverity,
        description: rule.meta.description,
        help: rule.meta.help,
      }));
      io.stdout.write(`${JSON.stringify(rules, null, 2)}\n`);
      return 0;
    }
    const width = Math.max(...RULES.map((rule) => rule.id.length));
    for (const rule of RULES) {
      io.stdout.write(`${rule.id.padEnd(width)}  ${rule.meta.defaultSeverity.padEnd(7)}  ${rule.meta.description}\n`);
    }
    return 0;
  },
};
