import type { AwsOperation } from '../../aws/operations.js';
import type { Io } from '../io.js';

export interface Command {
  readonly name: string;
  /** One line for the command list. */
  readonly summary: string;
  /** The whole `--help` text, with examples. */
  readonly help: string;
  /** The AWS operations the command may call: the source of `amiguard iam-policy COMMAND`. */
  readonly operations?: readonly AwsOperation[];
  /** Returns the exit code; only the CLI's entry point sets it on the process. */
  run(args: readonly string[], io: Io): Promise<number>;
}
