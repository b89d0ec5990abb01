/**
 * Known failures: the CLI prints message, reason and hint and exits 2. Anything that is not an
 * AmiguardError is a bug and shows its stack.
 */
export type ErrorCode =
  | 'USAGE'
  | 'CONFIG'
  | 'INPUT'
  | 'AWS'
  | 'CREDENTIALS'
  | 'SANDBOX';

export class AmiguardError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;

  constructor(code: ErrorCode, message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AmiguardError';
    this.code = code;
    this.hint = options.hint;
  }
}

export class UsageError extends AmiguardError {
  constructor(message: string, hint?: string) {
    super('USAGE', message, hint === undefined ? {} : { hint });
    this.name = 'UsageError';
  }
}

/** A policy or configuration file that cannot be used: names the file and the field. */
export class ConfigurationError extends AmiguardError {
  constructor(message: string, options: { hint?: string; cause?: unknown } = {}) {
    super('CONFIG', message, options);
    this.name = 'ConfigurationError';
  }
}

/** An input the user named (a path, a var-file) that cannot be read at all. */
export class InputError extends AmiguardError {
  constructor(message: string, options: { hint?: string; cause?: unknown } = {}) {
    super('INPUT', message, options);
    this.name = 'InputError';
  }
}
