import { AmiguardError } from '../core/index.js';
import { TOOL } from '../version.js';
import type { Command } from './commands/command.js';
import { auditCommand } from './commands/audit.js';
import { baselineCommand } from './commands/baseline.js';
import { blockPublicAccessCommand } from './commands/block-public-access.js';
import { fixCommand, undoCommand } from './commands/fix.js';
import { makeIamPolicyCommand } from './commands/iam-policy.js';
import { lintCommand } from './commands/lint.js';
import { makePublicCommand } from './commands/make-public.js';
import { rulesCommand } from './commands/rules.js';
import { sandboxCommand } from './commands/sandbox.js';
import { makePrivateCommand, shareCommand, unshareCommand } from './commands/share.js';
import { showCommand } from './commands/show.js';
import { processIo, type Io } from './io.js';

export const COMMANDS: readonly Command[] = [
  lintCommand,
  baselineCommand,
  showCommand,
  shareCommand,
  unshareCommand,
  makePrivateCommand,
  makePublicCommand,
  blockPublicAccessCommand,
  auditCommand,
  fixCommand,
  undoCommand,
  makeIamPolicyCommand(() => COMMANDS),
  rulesCommand,
  sandboxCommand,
];

function overview(): string {
  const width = Math.max(...COMMANDS.map((command) => command.name.length));
  return `amiguard ${TOOL.version}: who can launch our AMIs, and is that who we meant?

Usage: amiguard COMMAND [options]

Commands:
${COMMANDS.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`).join('\n')}

Run amiguard COMMAND --help for a command's options and examples.

Examples:
  amiguard lint                      check the Packer templates under the current folder
  amiguard lint --format sarif --output amiguard.sarif

Exit codes: 0 clean, 1 findings at or above --fail-on, 2 could not do the job.
`;
}

/**
 * The CLI: runs one command and returns its exit code. Known failures (AmiguardError) print a
 * message and a hint and give 2; anything else is a bug and shows its stack.
 */
export async function run(argv: readonly string[], io: Io = processIo()): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === '-h' || name === '--help' || name === 'help') {
    const topic = name === 'help' ? COMMANDS.find((command) => command.name === args[0]) : undefined;
    io.stdout.write(topic?.help ?? overview());
    return 0;
  }
  if (name === '--version' || name === '-v' || name === 'version') {
    io.stdout.write(`${TOOL.version}\n`);
    return 0;
  }
  const command = COMMANDS.find((candidate) => candidate.name === name);
  if (command === undefined) {
    io.stderr.write(`amiguard: error: unknown command "${name}"\n  hint: the commands are ${COMMANDS.map((c) => c.name).join(', ')}; run amiguard --help\n`);
    return 2;
  }
  if (args.includes('-h') || args.includes('--help')) {
    io.stdout.write(command.help);
    return 0;
  }
  try {
    return await command.run(args, io);
  } catch (error) {
    if (error instanceof AmiguardError) {
      io.stderr.write(`amiguard ${command.name}: error: ${error.message}\n`);
      if (error.hint !== undefined) io.stderr.write(`  hint: ${error.hint}\n`);
      if (io.env['AMIGUARD_DEBUG'] !== undefined && error.cause !== undefined) {
        io.stderr.write(`  cause: ${error.cause instanceof Error ? (error.cause.stack ?? error.cause.message) : String(error.cause)}\n`);
      }
      return 2;
    }
    io.stderr.write(`amiguard ${command.name}: internal error (this is a bug in amiguard; please report it with the command you ran):\n`);
    io.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return 2;
  }
}
