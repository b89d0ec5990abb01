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

/**
 * What went wrong, as data: the facts a caller needs to word the error in its own terms. The
 * library's message and hint name no command-line flag; the CLI words these with its flags
 * (src/cli/errors.ts), a program can act on them.
 */
export type ErrorDetail =
  /** No usable credentials. */
  | { readonly kind: 'no-credentials' }
  /** The credentials lack an IAM permission; `command` is the command that needed it. */
  | { readonly kind: 'not-permitted'; readonly permission: string; readonly command?: string }
  /** The endpoint could not be reached. */
  | { readonly kind: 'unreachable'; readonly region?: string }
  /** AMIs that no searched region has. */
  | { readonly kind: 'ami-not-found'; readonly amis: readonly string[]; readonly regions: readonly string[] }
  /** Only the AMI's owner can read or change its permissions. */
  | { readonly kind: 'not-owner' }
  /** AWS refused a call in a region (AuthFailure): the region may not be enabled. */
  | { readonly kind: 'region-refused'; readonly region?: string }
  /** Regions asked for that the account has not enabled. */
  | { readonly kind: 'region-not-enabled'; readonly regions: readonly string[] }
  /** No region given and none configured. */
  | { readonly kind: 'no-region' }
  /** An account other than the credentials' own, with no role given to reach it. */
  | { readonly kind: 'no-role'; readonly account: string; readonly caller: string }
  /** A selection of AMIs with neither ids nor a name pattern. */
  | { readonly kind: 'no-selection' }
  /** A selection of AMIs with both ids and a name pattern. */
  | { readonly kind: 'ids-and-name' }
  /** A name pattern that matches no AMI the account owns. */
  | { readonly kind: 'no-name-match'; readonly pattern: string; readonly regions: readonly string[] }
  /** A change AWS accepted but does not show when read back. */
  | { readonly kind: 'change-not-shown' }
  /** Block public access for AMIs is on (set by the account) in the region, so no AMI can be made public. */
  | { readonly kind: 'image-block-public-access-on'; readonly region: string }
  /** The paths of one run are governed by different policy files. */
  | { readonly kind: 'several-policies' }
  /** The policy file named cannot be read. */
  | { readonly kind: 'policy-unreadable' }
  /** The baseline named cannot be read, or is not a baseline. */
  | { readonly kind: 'baseline-unreadable' }
  | { readonly kind: 'not-a-baseline' };

export class AmiguardError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  readonly detail: ErrorDetail | undefined;

  constructor(code: ErrorCode, message: string, options: { hint?: string; cause?: unknown; detail?: ErrorDetail } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AmiguardError';
    this.code = code;
    this.hint = options.hint;
    this.detail = options.detail;
  }
}

export class UsageError extends AmiguardError {
  constructor(message: string, hint?: string, detail?: ErrorDetail) {
    super('USAGE', message, { ...(hint === undefined ? {} : { hint }), ...(detail === undefined ? {} : { detail }) });
    this.name = 'UsageError';
  }
}

/** A policy or configuration file that cannot be used: names the file and the field. */
export class ConfigurationError extends AmiguardError {
  constructor(message: string, options: { hint?: string; cause?: unknown; detail?: ErrorDetail } = {}) {
    super('CONFIG', message, options);
    this.name = 'ConfigurationError';
  }
}

/** An input the user named (a path, a var-file) that cannot be read at all. */
export class InputError extends AmiguardError {
  constructor(message: string, options: { hint?: string; cause?: unknown; detail?: ErrorDetail } = {}) {
    super('INPUT', message, options);
    this.name = 'InputError';
  }
}
