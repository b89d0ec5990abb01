import type { SourceLocation } from '../../core/index.js';

/**
 * A value a call sends, as far as the script shows it: the shape boto3 and the CLI's JSON share
 * (`{"Add": [{"Group": "all"}]}`), with every string located. What the script does not show (a
 * variable set at run time, a command's output) is `unknown` with the reason, never a guess.
 */
export type Value =
  | { readonly kind: 'string'; readonly value: string; readonly location: SourceLocation; readonly origin?: SourceLocation; readonly via?: string }
  | { readonly kind: 'list'; readonly items: readonly Value[]; readonly location: SourceLocation }
  | { readonly kind: 'map'; readonly entries: readonly MapEntry[]; readonly location: SourceLocation }
  | { readonly kind: 'none'; readonly location: SourceLocation }
  | UnknownValue;

export interface UnknownValue {
  readonly kind: 'unknown';
  readonly reason: string;
  readonly location: SourceLocation;
  /** Values it may take, where the script shows them (the literal assignments of a variable set several times). */
  readonly mayInclude?: readonly string[];
  readonly origin?: SourceLocation;
  readonly via?: string;
}

export interface MapEntry {
  /** Undefined when the key itself is not known. */
  readonly key: string | undefined;
  readonly value: Value;
}

export function unknownValue(reason: string, location: SourceLocation, mayInclude?: readonly string[]): UnknownValue {
  return { kind: 'unknown', reason, location, ...(mayInclude === undefined || mayInclude.length === 0 ? {} : { mayInclude }) };
}

/** The strings a value holds anywhere inside it, for `mayInclude`. */
export function stringsIn(value: Value, limit = 50): string[] {
  const found: string[] = [];
  const pending: Value[] = [value];
  while (pending.length > 0 && found.length < limit) {
    const next = pending.pop();
    if (next === undefined) break;
    if (next.kind === 'string') found.push(next.value);
    else if (next.kind === 'list') pending.push(...next.items);
    else if (next.kind === 'map') pending.push(...next.entries.map((entry) => entry.value));
    else if (next.kind === 'unknown') found.push(...(next.mayInclude ?? []));
  }
  return found;
}
