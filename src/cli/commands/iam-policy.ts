import { UsageError } from '../../core/index.js';
import { iamPolicyFor } from '../../aws/operations.js';
import { parseCommandArgs } from '../args.js';
import type { Io } from '../io.js';
import { OUTPUT_OPTIONS, outputFrom, outputHelp, withReport } from '../output.js';
import type { Command } from './command.js';

/** Built by the CLI with the command table, so that it can list every AWS command's needs. */
export function makeIamPolicyCommand(commands: () => readonly Command[]): Command {
  return {
    name: 'iam-policy',
    summary: 'Print the least-privilege IAM policy a command needs',
    help: `Usage: amiguard iam-policy [COMMAND...] [options]

Prints an IAM identity policy (JSON) with exactly the actions the named commands call, built
from the permissions each AWS operation declares in amiguard's code. With no COMMAND, the
union for every command that talks to AWS.

Options:
${outputHelp('json (default: the policy document) or text (the IAM actions, one a line)')}

Exit codes: 0 printed, 2 a name that is not a command calling AWS, or bad arguments.

Examples:
  amiguard iam-policy show
  amiguard iam-policy share unshare > amiguard-share-policy.json
`,
    async run(args: readonly string[], io: Io): Promise<number> {
      const parsed = parseCommandArgs('iam-policy', args, OUTPUT_OPTIONS);
      const out = outputFrom(parsed, ['json', 'text'] as const, 'json');
      const awsCommands = commands().filter((command) => command.operations !== undefined);
      const names = parsed.positionals.length > 0 ? parsed.positionals : awsCommands.map((command) => command.name);
      const selected = names.map((name) => {
        const command = awsCommands.find((candidate) => candidate.name === name);
        if (command === undefined) {
          throw new UsageError(`"${name}" does not call AWS or is not a command`, `commands that call AWS: ${awsCommands.map((c) => c.name).join(', ')}`);
        }
        return command;
      });
      const sid = `Amiguard${selected.map((command) => command.name.replace(/(^|-)(\w)/g, (_m, _d, c: string) => c.toUpperCase())).join('')}`.slice(0, 100);
      const policy = iamPolicyFor(selected.flatMap((command) => command.operations ?? []), sid);
      const text = out.format === 'json' ? `${JSON.stringify(policy, null, 2)}\n` : policy.Statement.flatMap((statement) => statement.Action).map((action) => `${action}\n`).join('');
      await withReport(io, out, async (report) => report.stdout.write(text));
      return 0;
    },
  };
}
