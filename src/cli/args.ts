import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from '../core/index.js';
import { nearest } from './suggest.js';

type Options = NonNullable<ParseArgsConfig['options']>;

export interface ParsedArgs {
  readonly values: Readonly<Record<string, string | boolean | (string | boolean)[] | undefined>>;
  readonly positionals: readonly string[];
  /** Options in command-line order, for flags whose order matters (`--var`, `--var-file`). */
  readonly ordered: readonly { readonly name: string; readonly value: string | undefined }[];
}

/** node:util's parser with its errors turned into usage errors that name the command's help. */
export function parseCommandArgs(command: string, args: readonly string[], options: Options): ParsedArgs {
  try {
    const { values, positionals, tokens } = parseArgs({
      args: [...args],
      options,
      allowPositionals: true,
      strict: true,
      tokens: true,
    });
    const ordered = tokens.flatMap((token) =>
      token.kind === 'option' ? [{ name: token.name, value: token.value }] : [],
    );
    return { values, positionals, ordered };
  } catch (error) {
    if (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS')) {
      const unknown = /^Unknown option '(--?[^']+)'/.exec(error.message)?.[1];
      const flags = Object.entries(options).flatMap(([name, option]) => [`--${name}`, ...(option.short === undefined ? [] : [`-${option.short}`])]);
      const suggestion = unknown === undefined ? undefined : nearest(unknown.split('=')[0] ?? unknown, flags);
      throw new UsageError(
        error.message.replace(/\. To specify a positional.*$/s, ''),
        `${suggestion === undefined ? '' : `did you mean ${suggestion}? `}run: amiguard ${command} --help`,
      );
    }
    throw error;
  }
}

/** Reads a one-of option (`--format`), naming the allowed values when it is wrong. */
export function choice<T extends string>(name: string, value: unknown, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`--${name} must be one of ${allowed.join(', ')}; got "${String(value)}"`);
}
