import { toBool, toNumber } from './evaluate.js';
import type { Expr } from './syntax.js';
import { equal, list, NULL, num, object, type Value } from './value.js';

/**
 * A type constraint (a variable's `type`, `convert()`'s second argument) as cty knows it; the
 * conversions to it are cty's. An untyped Packer variable takes its default's type; Terraform's stays `any`.
 */
export type TypeSpec =
  | { readonly kind: 'dynamic' | 'string' | 'number' | 'bool' }
  | { readonly kind: 'list' | 'set' | 'map'; readonly element: TypeSpec }
  | { readonly kind: 'tuple'; readonly elements: readonly TypeSpec[] }
  | { readonly kind: 'object'; readonly attributes: ReadonlyMap<string, ObjectAttribute> };

/** An object type's attribute; an `optional(type, default)` one that is missing is its default, or null. */
export interface ObjectAttribute {
  readonly type: TypeSpec;
  readonly optional: boolean;
  readonly default?: Value;
}

export const DYNAMIC: TypeSpec = { kind: 'dynamic' };

/**
 * A type expression (`list(string)`, `object({ a = optional(string) })`) as a type; what it does
 * not name is `any`. `evaluate` gives `optional()`'s default its value.
 */
export function typeSpec(expr: Expr, evaluate?: (expr: Expr) => Value): TypeSpec {
  const inner = (argument: Expr): TypeSpec => typeSpec(argument, evaluate);
  if (expr.type === 'reference') {
    switch (expr.name) {
      case 'string':
      case 'number':
      case 'bool':
        return { kind: expr.name };
      default:
        return DYNAMIC;
    }
  }
  if (expr.type !== 'call') return DYNAMIC;
  const [argument] = expr.args;
  switch (expr.name) {
    case 'list':
    case 'set':
    case 'map':
      return { kind: expr.name, element: argument === undefined ? DYNAMIC : inner(argument) };
    case 'optional':
      return argument === undefined ? DYNAMIC : inner(argument);
    case 'tuple':
      return argument?.type === 'tuple' ? { kind: 'tuple', elements: argument.items.map(inner) } : DYNAMIC;
    case 'object': {
      if (argument?.type !== 'object') return DYNAMIC;
      const attributes = new Map<string, ObjectAttribute>();
      for (const item of argument.items) {
        const key = item.key.type === 'literal' ? item.key.value : item.key.type === 'reference' ? item.key.name : undefined;
        if (typeof key !== 'string') continue;
        const optional = item.value.type === 'call' && item.value.name === 'optional';
        const fallback = optional && item.value.type === 'call' ? item.value.args[1] : undefined;
        const type = inner(item.value);
        attributes.set(key, fallback === undefined || evaluate === undefined ? { type, optional } : { type, optional, default: evaluate(fallback) });
      }
      return { kind: 'object', attributes };
    }
    default:
      return DYNAMIC;
  }
}

/** The type as Packer's messages write it: `tuple([string])`, `list(string)`. */
export function describeType(type: TypeSpec): string {
  switch (type.kind) {
    case 'dynamic':
      return 'any';
    case 'string':
    case 'number':
    case 'bool':
      return type.kind;
    case 'list':
    case 'set':
    case 'map':
      return `${type.kind}(${describeType(type.element)})`;
    case 'tuple':
      return `tuple([${type.elements.map(describeType).join(', ')}])`;
    case 'object':
      return `object({${[...type.attributes].map(([key, attribute]) => `${key} = ${describeType(attribute.type)}`).join(', ')}})`;
  }
}

export type Conversion = { readonly value: Value } | { readonly mismatch: string };

/**
 * Converts a value to a type as cty's convert.Convert does; the mismatch is worded as cty words
 * it (`tuple required`, `element 0: string required`). Unknown values convert to unknowns.
 */
export function convert(value: Value, type: TypeSpec): Conversion {
  if (value.kind === 'unknown' || value.kind === 'error' || value.kind === 'null' || type.kind === 'dynamic') return { value };
  const keep = <T extends Value>(converted: T): Conversion => ({ value: value.site === undefined ? converted : { ...converted, site: value.site } });
  const provenance = { ...(value.origin === undefined ? {} : { origin: value.origin }), ...(value.via === undefined ? {} : { via: value.via }) };
  switch (type.kind) {
    case 'string':
      if (value.kind === 'string') return { value };
      if (value.kind === 'number' || value.kind === 'bool') return { value: { ...value, kind: 'string', value: String(value.value) } };
      return { mismatch: 'string required' };
    case 'number': {
      // cty words a string that is not a number differently from a value of another type.
      if (value.kind !== 'number' && value.kind !== 'string') return { mismatch: 'number required' };
      const converted = toNumber(value);
      return converted === undefined ? { mismatch: 'a number is required' } : keep({ ...num(converted), ...provenance });
    }
    case 'bool': {
      if (value.kind !== 'bool' && value.kind !== 'string') return { mismatch: 'bool required' };
      // cty reads "1" and "0" as bools too.
      const converted = value.kind === 'string' && (value.value === '1' || value.value === '0') ? value.value === '1' : toBool(value);
      return converted === undefined ? { mismatch: 'a bool is required' } : keep({ kind: 'bool', value: converted, ...provenance });
    }
    case 'list':
    case 'set':
    case 'tuple': {
      if (value.kind !== 'list') return { mismatch: type.kind === 'tuple' ? 'tuple required' : `${type.kind} of ${describeType(type.element)} required` };
      if (type.kind === 'tuple' && type.elements.length !== value.items.length) return { mismatch: 'tuple required' };
      const items: Value[] = [];
      for (const [index, item] of value.items.entries()) {
        const elementType = type.kind === 'tuple' ? type.elements[index] : type.element;
        const converted = convert(item, elementType ?? DYNAMIC);
        if ('mismatch' in converted) return { mismatch: `element ${index}: ${converted.mismatch}` };
        items.push(converted.value);
      }
      return keep({ ...list(type.kind === 'set' ? asSet(items) : items), ...provenance });
    }
    case 'map':
    case 'object': {
      if (value.kind !== 'object') return { mismatch: type.kind === 'map' ? `map of ${describeType(type.element)} required` : 'object required' };
      const entries = new Map<string, Value>();
      if (type.kind === 'object') {
        for (const [key, attribute] of type.attributes) {
          if (!value.entries.has(key) && !attribute.optional) return { mismatch: `attribute "${key}" is required` };
        }
      }
      for (const [key, entry] of value.entries) {
        const entryType = type.kind === 'object' ? type.attributes.get(key)?.type : type.element;
        // An object type drops the attributes it does not declare.
        if (entryType === undefined) continue;
        const converted = convert(entry, entryType);
        if ('mismatch' in converted) return { mismatch: `${type.kind === 'map' ? 'element' : 'attribute'} "${key}": ${converted.mismatch}` };
        entries.set(key, converted.value);
      }
      if (type.kind === 'object') {
        // cty gives a missing optional attribute null, or the default optional() names (Terraform).
        for (const [key, attribute] of type.attributes) {
          if (entries.has(key) || !attribute.optional) continue;
          const filled = attribute.default === undefined ? undefined : convert(attribute.default, attribute.type);
          entries.set(key, filled === undefined || 'mismatch' in filled ? NULL : filled.value);
        }
      }
      return keep({ ...object(entries), ...provenance });
    }
  }
}

/**
 * A cty set: each value once, in cty's order for primitive elements (strings bytewise, numbers by
 * value, false before true). Sets of other values keep the order they came in.
 */
function asSet(items: readonly Value[]): Value[] {
  const distinct: Value[] = [];
  for (const item of items) if (!distinct.some((seen) => equal(seen, item))) distinct.push(item);
  const kind = distinct[0]?.kind;
  if (!distinct.every((item) => item.kind === kind)) return distinct;
  return distinct.sort((a, b) => {
    if (a.kind === 'string' && b.kind === 'string') return Buffer.compare(Buffer.from(a.value), Buffer.from(b.value));
    if (a.kind === 'number' && b.kind === 'number') return a.value - b.value;
    if (a.kind === 'bool' && b.kind === 'bool') return Number(a.value) - Number(b.value);
    return 0;
  });
}
