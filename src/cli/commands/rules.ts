import { RULES } from '../../rules/index.js';
import { parseCommandArgs } from '../args.js';
import type { Io } from '../io.js';
import { OUTPUT_OPTIONS, outputFrom, outputHelp, withReport } from '../output.js';
import type { Command } from './command.js';

export const rulesCommand: Command = {
  name: 'rules',
  summary: 'List the rules, with their default severity and what they find',
  help: `Usage: amiguard rules [options]

Lists every rule amiguard checks, its default severity and a description. Change a rule's
severity, or turn it off, under "rules:" in the policy file.

Options:
${outputHelp('text (default) or json (--json is the same as --format json)')}

Exit codes: 0 listed, 2 bad arguments.

Examples:
  amiguard rules
  amiguard rules --format json
`,
  async run(args: readonly string[], io: Io): Promise<number> {
    const parsed = parseCommandArgs('rules', args, {
      json: { type: 'boolean' },
      ...OUTPUT_OPTIONS,
    });
    const out = outputFrom(parsed, ['text', 'json'] as const, 'text');
    const format = parsed.values['json'] === true ? 'json' : out.format;
    const width = Math.max(...RULES.map((rule) => rule.id.length));
    const text =
      format === 'json'
        ? `${JSON.stringify(
            RULES.map((rule) => ({ id: rule.id, defaultSeverity: rule.meta.defaultSeverity, description: rule.meta.description, help: rule.meta.help })),
            null,
            2,
          )}\n`
        : RULES.map((rule) => `${rule.id.padEnd(width)}  ${rule.meta.defaultSeverity.padEnd(7)}  ${rule.meta.description}\n`).join('');
    await withReport(io, { ...out, format }, async (report) => report.stdout.write(text));
    return 0;
  },
};
