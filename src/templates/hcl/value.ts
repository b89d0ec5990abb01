import type { SourceLocation } from '../../core/index.js';
import type { TypeSpec } from './types.js';

/**
 * Where a value is seen and where it came from. `site` is where the value is written or used in
 * the expression being evaluated; a reference (`var.x`, `local.y`) moves the site to the
 * reference and keeps the first definition it went through as `origin`, named by `via`.
 */
export interface Provenance {
  readonly site?: SourceLocation;
  readonly origin?: SourceLocation;
  readonly via?: string;
}

export interface StringValue extends Provenance {
  readonly kind: 'string';
  readonly value: string;
}

export interface NumberValue extends Provenance {
  readonly kind: 'number';
  readonly value: number;
}

export interface BoolValue extends Provenance {
  readonly kind: 'bool';
  readonly value: boolean;
}

export interface NullValue extends Provenance {
  readonly kind: 'null';
  /**
   * A null of a known type (`type = list(string)`, `default = null`), as cty keeps it: it unifies
   * as that type in a conditional, where an untyped `null` takes the other arm's type.
   */
  readonly type?: TypeSpec;
}

/**
 * A tuple (`[...]`, and what functions return), or one of cty's collections: a list, or a set
 * (distinct items in cty's order, see `setOrder` in types.ts), made by a conversion to a list or
 * set type or by a set function. Which one matters where cty tells them apart: a conditional's
 * arms are unified to one type (a set and a tuple make a set), a set has no index and is not a
 * list to `concat()`.
 */
export interface ListValue extends Provenance {
  readonly kind: 'list';
  readonly items: readonly Value[];
  /** Absent: a tuple. */
  readonly collection?: 'list' | 'set';
  /** A collection's element type, when it is known without looking at the items (an empty `list(string)`). */
  readonly element?: TypeSpec;
}

/** An object or map; iteration follows HCL's lexical key order (see `sortedEntries`). */
export interface ObjectValue extends Provenance {
  readonly kind: 'object';
  readonly entries: ReadonlyMap<string, Value>;
}

/** A value that cannot be known before the build, with the root cause. */
export interface UnknownValue extends Provenance {
  readonly kind: 'unknown';
  readonly reason: string;
  readonly mayInclude?: readonly string[];
  /** In a list: stands for any number of elements (`concat(known, unknown)`), not exactly one. */
  readonly spread?: boolean;
}

/** An expression Packer would reject (wrong type, missing key): `try()` falls back from it. */
export interface ErrorValue extends Provenance {
  readonly kind: 'error';
  readonly message: string;
}

export type Value = StringValue | NumberValue | BoolValue | NullValue | ListValue | ObjectValue | UnknownValue | ErrorValue;

export const NULL: NullValue = { kind: 'null' };
const TRUE: BoolValue = { kind: 'bool', value: true };
const FALSE: BoolValue = { kind: 'bool', value: false };
export const EMPTY_LIST: ListValue = { kind: 'list', items: [] };

export function str(value: string, site?: SourceLocation): StringValue {
  return site === undefined ? { kind: 'string', value } : { kind: 'string', value, site };
}

export function num(value: number, site?: SourceLocation): NumberValue {
  return site === undefined ? { kind: 'number', value } : { kind: 'number', value, site };
}

export function bool(value: boolean): BoolValue {
  return value ? TRUE : FALSE;
}

export function list(items: readonly Value[], site?: SourceLocation): ListValue {
  return site === undefined ? { kind: 'list', items } : { kind: 'list', items, site };
}

/** A list or set of one element type: `items` are already converted to it (and distinct and ordered, for a set). */
export function collection(kind: 'list' | 'set', items: readonly Value[], element: TypeSpec): ListValue {
  return { kind: 'list', items, collection: kind, element };
}

/** A list of strings: what `split`, `compact`, `sort` and `formatlist` return. */
export function stringList(items: readonly Value[]): ListValue {
  return collection('list', items, { kind: 'string' });
}

export function object(entries: ReadonlyMap<string, Value>, site?: SourceLocation): ObjectValue {
  return site === undefined ? { kind: 'object', entries } : { kind: 'object', entries, site };
}

export function unknown(reason: string, extra: { mayInclude?: readonly string[]; spread?: boolean } = {}): UnknownValue {
  const value: { kind: 'unknown'; reason: string; mayInclude?: readonly string[]; spread?: boolean } = { kind: 'unknown', reason };
  if (extra.mayInclude !== undefined && extra.mayInclude.length > 0) value.mayInclude = extra.mayInclude;
  if (extra.spread === true) value.spread = true;
  return value;
}

export function error(message: string): ErrorValue {
  return { kind: 'error', message };
}

/** The same value, seen at `site`. */
export function at<T extends Value>(value: T, site: SourceLocation | undefined): T {
  if (site === undefined && value.site === undefined) return value;
  return withProvenance(value, site, value.origin, value.via);
}

/**
 * The value of a reference used at `site`: every element's site moves to the use site, and the
 * first reference a value goes through records where it was defined (`origin`) and how (`via`).
 */
export function throughReference(value: Value, site: SourceLocation, via: string, budget: Budget): Value {
  budget.spend(1);
  if (budget.exhausted) return at(unknown(BUDGET_EXHAUSTED), site);
  const traced = value.via === undefined;
  const origin = traced ? value.site : value.origin;
  const named = traced ? via : value.via;
  if (value.kind === 'list') {
    const items = value.items.map((item) => throughReference(item, site, via, budget));
    return withProvenance(value, site, origin, named, items);
  }
  if (value.kind === 'object') {
    const entries = new Map<string, Value>();
    for (const [key, entry] of value.entries) entries.set(key, throughReference(entry, site, via, budget));
    return withProvenance(value, site, origin, named, entries);
  }
  return withProvenance(value, site, origin, named);
}

/** Removes sites everywhere: values given on the command line have no place in a file. */
export function withoutSites(value: Value): Value {
  if (value.kind === 'list') return withProvenance(value, undefined, value.origin, value.via, value.items.map(withoutSites));
  if (value.kind === 'object') {
    const entries = new Map<string, Value>();
    for (const [key, entry] of value.entries) entries.set(key, withoutSites(entry));
    return withProvenance(value, undefined, value.origin, value.via, entries);
  }
  return withProvenance(value, undefined, value.origin, value.via);
}

/**
 * A copy of `value` with exactly this provenance. Each kind is built with its fields in one
 * order, the provenance last, so that the values of a large file share a few hidden classes
 * (a spread then `delete` gave every copy a dictionary of its own, issue 11).
 */
function withProvenance<T extends Value>(
  value: T,
  site: SourceLocation | undefined,
  origin: SourceLocation | undefined,
  via: string | undefined,
  contents?: readonly Value[] | ReadonlyMap<string, Value>,
): T {
  const copy = bare(value, contents);
  if (site !== undefined) copy.site = site;
  if (origin !== undefined) copy.origin = origin;
  if (via !== undefined) copy.via = via;
  return copy as T;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** The value without provenance; a list's items or an object's entries replaced by `contents` if given. */
function bare(value: Value, contents: readonly Value[] | ReadonlyMap<string, Value> | undefined): Mutable<Value> {
  switch (value.kind) {
    case 'string':
    case 'number':
    case 'bool':
      return { kind: value.kind, value: value.value } as Mutable<StringValue | NumberValue | BoolValue>;
    case 'null':
      return value.type === undefined ? { kind: 'null' } : { kind: 'null', type: value.type };
    case 'list': {
      const copy: Mutable<ListValue> = { kind: 'list', items: Array.isArray(contents) ? contents : value.items };
      if (value.collection !== undefined) copy.collection = value.collection;
      if (value.element !== undefined) copy.element = value.element;
      return copy;
    }
    case 'object':
      return { kind: 'object', entries: contents instanceof Map ? contents : value.entries };
    case 'unknown': {
      const copy: Mutable<UnknownValue> = { kind: 'unknown', reason: value.reason };
      if (value.mayInclude !== undefined) copy.mayInclude = value.mayInclude;
      if (value.spread !== undefined) copy.spread = value.spread;
      return copy;
    }
    case 'error':
      return { kind: 'error', message: value.message };
  }
}

/** Every reason why evaluation stopped at one of amiguard's own limits starts with this. */
export const EVALUATION_STOPPED = 'evaluation stopped: ';

/** Whether an unknown comes from one of amiguard's limits rather than from the configuration. */
export function stoppedAtLimit(reason: string): boolean {
  return reason.startsWith(EVALUATION_STOPPED);
}

/** Evaluation steps allowed per configuration, plus a share per character of input. */
export const BASE_BUDGET = 500_000;
export const BUDGET_PER_CHARACTER = 1;

export const BUDGET_EXHAUSTED =
  `${EVALUATION_STOPPED}the configuration needs more than amiguard's evaluation budget ` +
  `(${BASE_BUDGET} steps plus ${BUDGET_PER_CHARACTER} per character of input)`;

/** Counts evaluation work so that a hostile configuration ends with an unknown, not a hang. */
export class Budget {
  private remaining: number;

  constructor(limit: number) {
    this.remaining = limit;
  }

  spend(amount: number): void {
    this.remaining -= amount;
  }

  get exhausted(): boolean {
    return this.remaining < 0;
  }
}

/** HCL iterates objects and maps in lexical key order. */
export function sortedEntries(value: ObjectValue): [string, Value][] {
  return [...value.entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The first unknown or error inside a value, which makes an operation on it unknown. */
export function firstUnknown(value: Value): UnknownValue | ErrorValue | undefined {
  if (value.kind === 'unknown' || value.kind === 'error') return value;
  if (value.kind === 'list') {
    for (const item of value.items) {
      const found = firstUnknown(item);
      if (found !== undefined) return found;
    }
  } else if (value.kind === 'object') {
    for (const entry of value.entries.values()) {
      const found = firstUnknown(entry);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

const MAX_MAY_INCLUDE = 50;

/** The known strings a value holds, for an unknown's `mayInclude`. */
export function collectStrings(value: Value, into: Set<string> = new Set()): Set<string> {
  if (into.size >= MAX_MAY_INCLUDE) return into;
  switch (value.kind) {
    case 'string':
      into.add(value.value);
      break;
    case 'number':
      into.add(formatNumber(value.value));
      break;
    case 'bool':
      into.add(String(value.value));
      break;
    case 'list':
      for (const item of value.items) collectStrings(item, into);
      break;
    case 'object':
      for (const entry of value.entries.values()) collectStrings(entry, into);
      break;
    case 'unknown':
      for (const candidate of value.mayInclude ?? []) into.add(candidate);
      break;
    default:
      break;
  }
  return into;
}

/** Structural equality of known values (HCL's `==`: types must match too). */
export function equal(a: Value, b: Value): boolean {
  switch (a.kind) {
    case 'string':
    case 'number':
    case 'bool':
      return b.kind === a.kind && b.value === a.value;
    case 'null':
      return b.kind === 'null';
    case 'list':
      return b.kind === 'list' && a.items.length === b.items.length && a.items.every((item, index) => {
        const other = b.items[index];
        return other !== undefined && equal(item, other);
      });
    case 'object':
      if (b.kind !== 'object' || a.entries.size !== b.entries.size) return false;
      for (const [key, entry] of a.entries) {
        const other = b.entries.get(key);
        if (other === undefined || !equal(entry, other)) return false;
      }
      return true;
    default:
      return false;
  }
}

/** Numbers as HCL prints them in strings: integers without a fraction. */
export function formatNumber(value: number): string {
  return Number.isInteger(value) ? value.toFixed(0) : String(value);
}

/** A primitive as a string (HCL converts numbers and bools), or undefined. */
export function asString(value: Value): string | undefined {
  switch (value.kind) {
    case 'string':
      return value.value;
    case 'number':
      return formatNumber(value.value);
    case 'bool':
      return String(value.value);
    default:
      return undefined;
  }
}

export function describeKind(value: Value): string {
  switch (value.kind) {
    case 'string':
      return 'a string';
    case 'number':
      return 'a number';
    case 'bool':
      return 'a bool';
    case 'null':
      return 'null';
    case 'list':
      return value.collection === 'set' ? 'a set' : 'a list';
    case 'object':
      return 'an object';
    case 'unknown':
      return 'an unknown value';
    case 'error':
      return 'an invalid value';
  }
}
