import { RULES } from '../../rules/index.js';
import { choice, parseCommandArgs } from '../args.js';
import { writeOutputFile, type Io } from '../io.js';
import type { Command } from './command.js';

export const rulesCommand: Command = {
  name: 'rules',
  summary: 'List the rules, with their default severity and what they find',
  help: `Usage: amiguard rules [-f|--format text|json] [-o|--output FILE]

Lists every rule amiguard checks, its default severity and a description. Change a rule's
severity, or turn it off, under "rules:" in the policy file.

Options:
  -f, --format FORMAT  text (default) or json (--json is the same as --format json)
  -o, --output FILE    write the list to FILE instead of standard output

Exit codes: 0 listed, 2 bad arguments.

Examples:
  amiguard rules
  amiguard rules --format json
`,
  async run(args: readonly string[], io: Io): Promise<number> {
    const parsed = parseCommandArgs('rules', args, {
      json: { type: 'boolean' },
      format: { type: 'string', short: 'f' },
      output: { type: 'string', short: 'o' },
    });
    const format = parsed.values['json'] === true ? 'json' : choice('format', parsed.values['format'], ['text', 'json'] as const, 'text');
    const width = Math.max(...RULES.map((rule) => rule.id.length));
    const text =
      format === 'json'
        ? `${JSON.stringify(
            RULES.map((rule) => ({ id: rule.id, defaultSeverity: rule.meta.defaultSeverity, description: rule.meta.description, help: rule.meta.help })),
            null,
            2,
          )}\n`
        : RULES.map((rule) => `${rule.id.padEnd(width)}  ${rule.meta.defaultSeverity.padEnd(7)}  ${rule.meta.description}\n`).join('');
    const output = parsed.values['output'];
    if (typeof output === 'string') writeOutputFile(io, output, text);
    else io.stdout.write(text);
    return 0;
  },
};
