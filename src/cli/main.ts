import { AmiguardError } from '../core/index.js';
import { TOOL } from '../version.js';
import type { Command } from './commands/command.js';
import { errorHint, errorMessage } from './errors.js';
import { printable, processIo, type Io } from './io.js';
import { nearest } from './suggest.js';

/**
 * A command's name and one-line summary, and how to load the rest. Modules load only for the
 * command that runs (or whose --help is asked for): `lint` and `--version` must not pay for the
 * AWS SDK, which the AWS commands pull in and which costs more start-up than everything else.
 */
export interface CommandEntry {
  readonly name: string;
  /** The same line as the command's own `summary` (a test keeps them equal). */
  readonly summary: string;
  load(): Promise<Command>;
}

export const COMMANDS: readonly CommandEntry[] = [
  {
    name: 'lint',
    summary: 'Check templates and scripts for public or unapproved AMI and snapshot sharing',
    load: async () => (await import('./commands/lint.js')).lintCommand,
  },
  {
    name: 'baseline',
    summary: 'Record the current lint findings, so that amiguard lint --baseline fails only on new ones',
    load: async () => (await import('./commands/baseline.js')).baselineCommand,
  },
  {
    name: 'show',
    summary: 'Show who can launch AMIs: launch and snapshot permissions, encryption, block public access',
    load: async () => (await import('./commands/show.js')).showCommand,
  },
  {
    name: 'share',
    summary: 'Let accounts, an organization or an OU launch AMIs (never public)',
    load: async () => (await import('./commands/share.js')).shareCommand,
  },
  {
    name: 'unshare',
    summary: 'Remove launch permissions: accounts, an organization, an OU, public, or everyone',
    load: async () => (await import('./commands/share.js')).unshareCommand,
  },
  {
    name: 'make-private',
    summary: 'Remove the public grant from AMIs (other shares stay)',
    load: async () => (await import('./commands/share.js')).makePrivateCommand,
  },
  {
    name: 'make-public',
    summary: 'Make an AMI launchable by every AWS account (needs an explicit flag)',
    load: async () => (await import('./commands/make-public.js')).makePublicCommand,
  },
  {
    name: 'block-public-access',
    summary: 'Show, enable or disable block public access for AMIs and snapshots, per region',
    load: async () => (await import('./commands/block-public-access.js')).blockPublicAccessCommand,
  },
  {
    name: 'audit',
    summary: 'Audit every region of every account: public and unapproved AMI and snapshot sharing',
    load: async () => (await import('./commands/audit.js')).auditCommand,
  },
  {
    name: 'fix',
    summary: 'Plan, and with --apply carry out, the removal of what the policy forbids (journaled, undoable)',
    load: async () => (await import('./commands/fix.js')).fixCommand,
  },
  {
    name: 'undo',
    summary: 'Put back what a fix journal records as removed (verified, idempotent; public only with consent)',
    load: async () => (await import('./commands/fix.js')).undoCommand,
  },
  {
    name: 'iam-policy',
    summary: 'Print the least-privilege IAM policy a command needs',
    load: async () => {
      // It lists every other command's AWS operations, so it is the one command that loads them all.
      const others = await Promise.all(COMMANDS.filter((entry) => entry.name !== 'iam-policy').map((entry) => entry.load()));
      return (await import('./commands/iam-policy.js')).makeIamPolicyCommand(() => others);
    },
  },
  {
    name: 'rules',
    summary: 'List the rules, with their default severity and what they find',
    load: async () => (await import('./commands/rules.js')).rulesCommand,
  },
  {
    name: 'sandbox',
    summary: 'Run a local EC2-compatible endpoint with a sample estate, to try amiguard without AWS',
    load: async () => (await import('./commands/sandbox.js')).sandboxCommand,
  },
];

/** The command called `name`, loaded; undefined when there is none. */
export async function loadCommand(name: string | undefined): Promise<Command | undefined> {
  return COMMANDS.find((entry) => entry.name === name)?.load();
}

function overview(): string {
  const width = Math.max(...COMMANDS.map((command) => command.name.length));
  return `amiguard ${TOOL.version}: who can launch our AMIs, and is that who we meant?

Usage: amiguard COMMAND [options]

Commands:
${COMMANDS.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`).join('\n')}

Run amiguard COMMAND --help for a command's options and examples.

Examples:
  amiguard lint                      check the templates and scripts under the current folder
  amiguard lint --format sarif --output amiguard.sarif

Exit codes: 0 clean, 1 findings at or above --fail-on, 2 could not do the job.

Environment: AMIGUARD_CACHE_DIR (an absolute folder for the start-up code cache, or off; default
~/.cache/amiguard), AMIGUARD_DEBUG=1 (the underlying cause of an error), NO_COLOR.
`;
}

/**
 * The CLI: runs one command and returns its exit code. Known failures (AmiguardError) print a
 * message and a hint and give 2; anything else is a bug and shows its stack. Output that could not
 * be written (a full disk) gives 2 as well, whatever the command found: its result was not seen.
 */
export async function run(argv: readonly string[], io: Io = processIo()): Promise<number> {
  const code = await runCommand(argv, io);
  const lost = io.stdout.lost ?? io.stderr.lost;
  if (lost === undefined) return code;
  io.stderr.write(`amiguard: error: ${printable(lost)}; the output is incomplete\n`);
  return 2;
}

async function runCommand(argv: readonly string[], io: Io): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === '-h' || name === '--help' || name === 'help') {
    const topic = name === 'help' ? await loadCommand(args[0]) : undefined;
    io.stdout.write(topic?.help ?? overview());
    return 0;
  }
  if (name === '--version' || name === '-V' || name === '-v' || name === 'version') {
    io.stdout.write(`${TOOL.version}\n`);
    return 0;
  }
  const command = await loadCommand(name);
  if (command === undefined) {
    const suggestion = nearest(name, COMMANDS.map((entry) => entry.name));
    const didYouMean = suggestion === undefined ? '' : `did you mean "${suggestion}"? `;
    io.stderr.write(`amiguard: error: unknown command "${printable(name)}"\n  hint: ${didYouMean}the commands are ${COMMANDS.map((c) => c.name).join(', ')}; run amiguard --help\n`);
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
      // Messages carry paths, policy keys and AWS text: escaped, so a terminal obeys none of their control characters.
      io.stderr.write(`amiguard ${command.name}: error: ${printable(errorMessage(error))}\n`);
      const hint = errorHint(error);
      if (hint !== undefined) io.stderr.write(`  hint: ${printable(hint)}\n`);
      if (io.env['AMIGUARD_DEBUG'] !== undefined && error.cause !== undefined) {
        io.stderr.write(`  cause: ${printableLines(error.cause instanceof Error ? (error.cause.stack ?? error.cause.message) : String(error.cause))}\n`);
      }
      return 2;
    }
    io.stderr.write(`amiguard ${command.name}: internal error (this is a bug in amiguard; please report it with the command you ran):\n`);
    io.stderr.write(`${printableLines(error instanceof Error ? (error.stack ?? error.message) : String(error))}\n`);
    return 2;
  }
}

/** A stack trace keeps its line breaks; anything else unprintable is escaped. */
function printableLines(text: string): string {
  return text.split('\n').map(printable).join('\n');
}
