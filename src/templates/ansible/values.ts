import type { SourceLocation } from '../../core/index.js';

/**
 * A value as Ansible would see it once templated. `location` is where it is written;
 * after a `{{ reference }}` it is the use site, `origin` the definition and `via` the reference.
 */
export type Value = Known | Unknown;
export type Known = ScalarValue | ListValue | MapValue;

interface Place {
  readonly location: SourceLocation;
  readonly origin?: SourceLocation;
  readonly via?: string;
}

export interface ScalarValue extends Place {
  readonly kind: 'scalar';
  readonly value: string | number | boolean | null;
}

export interface ListValue extends Place {
  readonly kind: 'list';
  readonly items: readonly Value[];
}

export interface MapValue extends Place {
  readonly kind: 'map';
  readonly entries: ReadonlyMap<string, Value>;
}

export interface Unknown extends Place {
  readonly kind: 'unknown';
  /** What could not be known, named: `variable "accounts" is not defined ...`, `"instance" is a registered result`. */
  readonly reason: string;
  /** Set when the value is an undefined variable, so that `| default(...)` can replace it. */
  readonly undefinedName?: string;
  /** Values it may take where the expression shows them (both arms of an inline `if`). */
  readonly mayInclude?: readonly string[];
}

export function scalar(value: string | number | boolean | null, location: SourceLocation): ScalarValue {
  return { kind: 'scalar', value, location };
}

export function unknown(reason: string, location: SourceLocation, extra: { undefinedName?: string; mayInclude?: readonly string[] } = {}): Unknown {
  return { kind: 'unknown', reason, location, ...extra };
}

/** A value reached through a reference, moved to where the reference is used (its items too). */
export function relocate(value: Value, location: SourceLocation, via: string): Value {
  // A value made at the use site (an undefined variable, a run-time result) has no definition to point to.
  const defined = value.origin ?? (samePlace(value.location, location) ? undefined : value.location);
  const moved = { location, via, ...(defined === undefined ? {} : { origin: defined }) };
  switch (value.kind) {
    case 'list':
      return { ...value, ...moved, items: value.items.map((item) => relocate(item, location, via)) };
    case 'map': {
      const entries = new Map<string, Value>();
      for (const [key, entry] of value.entries) entries.set(key, relocate(entry, location, via));
      return { ...value, ...moved, entries };
    }
    default:
      return { ...value, ...moved };
  }
}

function samePlace(a: SourceLocation, b: SourceLocation): boolean {
  return a.file === b.file && a.line === b.line && a.column === b.column;
}

/** Python's `str()` of a scalar, which is what Ansible sends for a number or a boolean. */
export function pythonString(value: string | number | boolean | null): string {
  if (value === null) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  return String(value);
}

/** Ansible's boolean conversion (`module_utils.parsing.convert_bool`); undefined when it is not a boolean. */
export function ansibleBool(value: string | number | boolean | null): boolean | undefined {
  if (typeof value === 'boolean') return value;
  const text = pythonString(value).toLowerCase();
  if (['yes', 'on', '1', 'true', 't', 'y', '1.0'].includes(text)) return true;
  if (['no', 'off', '0', 'false', 'f', 'n', '0.0', 'none', ''].includes(text)) return false;
  return undefined;
}

/** The strings a value shows, for `mayInclude`. */
export function stringsOf(value: Value): string[] {
  switch (value.kind) {
    case 'scalar':
      return value.value === null ? [] : [pythonString(value.value)];
    case 'list':
      return value.items.flatMap(stringsOf);
    case 'map':
      return [...value.entries.values()].flatMap(stringsOf);
    default:
      return [...(value.mayInclude ?? [])];
  }
}
