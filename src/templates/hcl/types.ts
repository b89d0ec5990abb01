import { toBool, toNumber } from './evaluate.js';
import type { Expr } from './syntax.js';
import { collection, equal, list, NULL, num, object, str, type ListValue, type Value } from './value.js';

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
  if (value.kind === 'unknown' || value.kind === 'error' || type.kind === 'dynamic') return { value };
  // A null converts to a null of the type (cty keeps it typed).
  if (value.kind === 'null') return { value: { ...value, type } };
  const keep = (converted: Value): Conversion => ({ value: withProvenanceOf(converted, value) });
  switch (type.kind) {
    case 'string':
      if (value.kind === 'string') return { value };
      if (value.kind === 'number' || value.kind === 'bool') return keep(str(String(value.value)));
      return { mismatch: 'string required' };
    case 'number': {
      // cty words a string that is not a number differently from a value of another type.
      if (value.kind !== 'number' && value.kind !== 'string') return { mismatch: 'number required' };
      const converted = toNumber(value);
      return converted === undefined ? { mismatch: 'a number is required' } : keep(num(converted));
    }
    case 'bool': {
      if (value.kind !== 'bool' && value.kind !== 'string') return { mismatch: 'bool required' };
      // cty reads "1" and "0" as bools too.
      const converted = value.kind === 'string' && (value.value === '1' || value.value === '0') ? value.value === '1' : toBool(value);
      return converted === undefined ? { mismatch: 'a bool is required' } : keep({ kind: 'bool', value: converted });
    }
    case 'tuple': {
      if (value.kind !== 'list' || type.elements.length !== value.items.length) return { mismatch: 'tuple required' };
      const items: Value[] = [];
      for (const [index, item] of value.items.entries()) {
        const converted = convert(item, type.elements[index] ?? DYNAMIC);
        if ('mismatch' in converted) return { mismatch: `element ${index}: ${converted.mismatch}` };
        items.push(converted.value);
      }
      return keep(list(items));
    }
    case 'list':
    case 'set': {
      if (value.kind !== 'list') return { mismatch: `${type.kind} of ${describeType(type.element)} required` };
      const element = type.element.kind === 'dynamic' ? elementTypeOf(value) : type.element;
      // cty: a tuple whose elements have no type in common is no list or set of any type.
      if (element === undefined) return { mismatch: `all ${type.kind} elements must have the same type` };
      // A collection of this kind and primitive element type already is the value (issue 11: no copy).
      if (value.collection === type.kind && value.element?.kind === element.kind && PRIMITIVE_KINDS.has(element.kind)) return { value };
      const items: Value[] = [];
      for (const [index, item] of value.items.entries()) {
        const converted = convert(item, element);
        if ('mismatch' in converted) return { mismatch: `element ${index}: ${converted.mismatch}` };
        items.push(converted.value);
      }
      return keep(collection(type.kind, type.kind === 'set' ? setOrder(items) : items, element));
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
      return keep(object(entries));
    }
  }
}

const PRIMITIVE_KINDS: ReadonlySet<TypeSpec['kind']> = new Set(['string', 'number', 'bool']);

/** A converted value, new and without provenance, given the provenance of the value it was converted from. */
function withProvenanceOf(converted: Value, from: Value): Value {
  const target: { site?: Value['site']; origin?: Value['origin']; via?: Value['via'] } = converted;
  if (from.site !== undefined) target.site = from.site;
  if (from.origin !== undefined) target.origin = from.origin;
  if (from.via !== undefined) target.via = from.via;
  return converted;
}

/**
 * A cty set's items: each value once, in cty's order (set_internals.go `Less`): strings bytewise,
 * numbers by value, false before true, unknowns and then nulls last. Other values have no defined
 * order in cty (it orders them by hash); they keep the order they came in.
 */
export function setOrder(items: readonly Value[]): Value[] {
  const distinct: Value[] = [];
  // Primitives are told apart by a key, so that a large set costs no comparison of every pair.
  const primitives = new Set<string>();
  for (const item of items) {
    if (item.kind === 'string' || item.kind === 'number' || item.kind === 'bool') {
      const key = `${item.kind}:${String(item.value)}`;
      if (primitives.has(key)) continue;
      primitives.add(key);
    } else if (item.kind !== 'unknown' && distinct.some((seen) => seen.kind !== 'unknown' && equal(seen, item))) {
      continue;
    }
    distinct.push(item);
  }
  const rank = (item: Value): number => (item.kind === 'null' ? 2 : item.kind === 'unknown' || item.kind === 'error' ? 1 : 0);
  return distinct.sort((a, b) => {
    if (rank(a) !== rank(b)) return rank(a) - rank(b);
    if (a.kind === 'string' && b.kind === 'string') return Buffer.compare(Buffer.from(a.value), Buffer.from(b.value));
    if (a.kind === 'number' && b.kind === 'number') return a.value - b.value;
    if (a.kind === 'bool' && b.kind === 'bool') return Number(a.value) - Number(b.value);
    return 0;
  });
}

/**
 * A value's type as cty would see it, as far as amiguard can tell: an unknown value, null, or a
 * list of unknown length is `any` (cty's DynamicPseudoType), which converts to every type.
 */
export function typeOf(value: Value): TypeSpec {
  switch (value.kind) {
    case 'string':
    case 'number':
    case 'bool':
      return { kind: value.kind };
    case 'list': {
      if (value.items.some((item) => item.kind === 'unknown' && item.spread === true)) return DYNAMIC;
      if (value.collection === undefined) return { kind: 'tuple', elements: value.items.map(typeOf) };
      return { kind: value.collection, element: elementTypeOf(value) ?? DYNAMIC };
    }
    case 'object': {
      const attributes = new Map<string, ObjectAttribute>();
      for (const [key, entry] of value.entries) attributes.set(key, { type: typeOf(entry), optional: false });
      return { kind: 'object', attributes };
    }
    case 'null':
      return value.type ?? DYNAMIC;
    default:
      return DYNAMIC;
  }
}

/** The one type a list's items take (`any` when empty), or undefined when they have none in common. */
function elementTypeOf(value: ListValue): TypeSpec | undefined {
  if (value.element !== undefined) return value.element;
  return value.items.length === 0 ? DYNAMIC : unify(value.items.map(typeOf));
}

/**
 * The type all of `types` convert to, as cty's convert.UnifyUnsafe finds it (unify.go), or
 * undefined when there is none: same-kind collections and structures first, then the most
 * general of the types to which all others convert.
 */
export function unify(given: readonly TypeSpec[]): TypeSpec | undefined {
  // Repeated types change nothing, and cty's preference order costs the square of the count:
  // a list of 10,000 strings is one string type here.
  const seen = new Map<string, TypeSpec>();
  for (const type of given) if (!seen.has(describeType(type))) seen.set(describeType(type), type);
  const types = [...seen.values()];
  const count = (kind: TypeSpec['kind']): number => types.filter((type) => type.kind === kind).length;
  const [maps, lists, sets, objects, tuples, dynamics] = (['map', 'list', 'set', 'object', 'tuple', 'dynamic'] as const).map(count) as [number, number, number, number, number, number];
  const all = types.length;
  if (all === 0) return undefined;
  if (maps > 0 && maps + dynamics === all) return unifyCollections('map', types);
  if (maps > 0 && maps + objects + dynamics === all) {
    const asMap = unifyAsCollection('map', types);
    if (asMap !== undefined && dynamics === 0) return asMap;
  } else if (lists > 0 && lists + dynamics === all) {
    return unifyCollections('list', types);
  } else if (lists > 0 && lists + tuples + dynamics === all) {
    const asList = unifyAsCollection('list', types);
    if (asList !== undefined && dynamics === 0) return asList;
  } else if (sets > 0 && sets + dynamics === all) {
    return unifyCollections('set', types);
  } else if (objects > 0 && objects + dynamics === all) {
    return dynamics > 0 ? DYNAMIC : unifyObjects(types);
  } else if (tuples > 0 && tuples + dynamics === all) {
    return dynamics > 0 ? DYNAMIC : unifyTuples(types);
  } else if (objects > 0 && tuples > 0) {
    return undefined;
  }
  for (const index of preferenceOrder(types)) {
    const wanted = types[index];
    if (wanted !== undefined && types.every((type) => sameType(type, wanted) || convertible(type, wanted))) return wanted;
  }
  return undefined;
}

/** Lists (sets, maps) unify to a list of their unified element types; with an `any` among them, to `any`. */
function unifyCollections(kind: 'list' | 'set' | 'map', types: readonly TypeSpec[]): TypeSpec | undefined {
  if (types.some((type) => type.kind === 'dynamic')) return DYNAMIC;
  const element = unify(types.map((type) => ('element' in type ? type.element : DYNAMIC)));
  return element === undefined ? undefined : { kind, element };
}

/** Tuples (objects) taken as lists (maps) of all their element types, with the lists (maps) among the types. */
function unifyAsCollection(kind: 'list' | 'map', types: readonly TypeSpec[]): TypeSpec | undefined {
  const element = unify(types.flatMap(members));
  if (element === undefined) return undefined;
  const unified: TypeSpec = { kind, element };
  return types.every((type) => type.kind === kind || convertible(type, unified)) ? unifyCollections(kind, types.map((type) => (type.kind === kind ? type : unified))) : undefined;
}

function members(type: TypeSpec): TypeSpec[] {
  if (type.kind === 'tuple') return [...type.elements];
  if (type.kind === 'object') return [...type.attributes.values()].map((attribute) => attribute.type);
  return 'element' in type ? [type.element] : [];
}

/** Tuples of one length unify element by element; of different lengths, to a list. */
function unifyTuples(types: readonly TypeSpec[]): TypeSpec | undefined {
  const lengths = new Set(types.map((type) => (type.kind === 'tuple' ? type.elements.length : -1)));
  if (lengths.size > 1) return unifyAsCollection('list', types);
  const [length = 0] = lengths;
  const elements: TypeSpec[] = [];
  for (let index = 0; index < length; index += 1) {
    const element = unify(types.map((type) => (type.kind === 'tuple' ? (type.elements[index] ?? DYNAMIC) : DYNAMIC)));
    if (element === undefined) return undefined;
    elements.push(element);
  }
  return { kind: 'tuple', elements };
}

/** Objects with the same attribute names unify attribute by attribute; otherwise to a map. */
function unifyObjects(types: readonly TypeSpec[]): TypeSpec | undefined {
  const names = (type: TypeSpec): string => (type.kind === 'object' ? [...type.attributes.keys()].sort().join('\u0000') : '');
  const first = types[0];
  if (first?.kind !== 'object' || types.some((type) => names(type) !== names(first))) return unifyAsCollection('map', types);
  const attributes = new Map<string, ObjectAttribute>();
  for (const key of first.attributes.keys()) {
    const type = unify(types.map((candidate) => (candidate.kind === 'object' ? (candidate.attributes.get(key)?.type ?? DYNAMIC) : DYNAMIC)));
    if (type === undefined) return undefined;
    attributes.set(key, { type, optional: false });
  }
  return { kind: 'object', attributes };
}

/** cty's sortTypes: the most general types first (a topological order of compareTypes). */
function preferenceOrder(types: readonly TypeSpec[]): number[] {
  const edges = types.map((): number[] => []);
  const inDegree = types.map(() => 0);
  for (let i = 0; i < types.length; i += 1) {
    for (let j = i + 1; j < types.length; j += 1) {
      const a = types[i];
      const b = types[j];
      if (a === undefined || b === undefined) continue;
      const order = compareTypes(a, b);
      if (order < 0) edges[i]?.push(j);
      else if (order > 0) edges[j]?.push(i);
    }
  }
  for (const targets of edges) for (const target of targets) inDegree[target] = (inDegree[target] ?? 0) + 1;
  const queue = inDegree.flatMap((degree, index) => (degree === 0 ? [index] : []));
  for (let head = 0; head < queue.length; head += 1) {
    for (const target of edges[queue[head] ?? 0] ?? []) {
      inDegree[target] = (inDegree[target] ?? 0) - 1;
      if (inDegree[target] === 0) queue.push(target);
    }
  }
  return queue;
}

/** cty's compareTypes: negative when `a` is more general than `b`, positive when less, 0 when neither. */
function compareTypes(a: TypeSpec, b: TypeSpec): number {
  if (a.kind === 'dynamic' || b.kind === 'dynamic') return a.kind === b.kind ? 0 : a.kind === 'dynamic' ? 1 : -1;
  const primitive = (type: TypeSpec): boolean => type.kind === 'string' || type.kind === 'number' || type.kind === 'bool';
  if (primitive(a) && primitive(b)) return a.kind === b.kind || (a.kind !== 'string' && b.kind !== 'string') ? 0 : a.kind === 'string' ? -1 : 1;
  if ((a.kind === 'list' || a.kind === 'set' || a.kind === 'map') && b.kind === a.kind) return compareTypes(a.element, b.element);
  // cty tries a tuple or a list before a set, a list before a tuple, a map before an object; the
  // first one all others convert to wins (a set and a tuple make a set: a set is no tuple).
  const generality: Partial<Record<TypeSpec['kind'], Partial<Record<TypeSpec['kind'], number>>>> = {
    set: { tuple: 1, list: 1 },
    list: { tuple: -1 },
    map: { object: -1 },
  };
  const ahead = generality[a.kind]?.[b.kind];
  if (ahead !== undefined) return ahead;
  const behind = generality[b.kind]?.[a.kind];
  if (behind !== undefined) return -behind;
  const pairs: [TypeSpec, TypeSpec][] = [];
  if (a.kind === 'tuple' && b.kind === 'tuple') {
    if (a.elements.length !== b.elements.length) return 0;
    a.elements.forEach((element, index) => pairs.push([element, b.elements[index] ?? DYNAMIC]));
  } else if (a.kind === 'object' && b.kind === 'object') {
    if (a.attributes.size !== b.attributes.size) return 0;
    for (const [key, attribute] of a.attributes) {
      const other = b.attributes.get(key);
      if (other === undefined) return 0;
      pairs.push([attribute.type, other.type]);
    }
  } else {
    return 0;
  }
  const orders = pairs.map(([x, y]) => compareTypes(x, y));
  const aWider = orders.some((order) => order < 0);
  const bWider = orders.some((order) => order > 0);
  return aWider === bWider ? 0 : aWider ? -1 : 1;
}

function sameType(a: TypeSpec, b: TypeSpec): boolean {
  return describeType(a) === describeType(b);
}

/** Whether cty has a conversion (safe or unsafe) from one type to the other (conversion.go). */
export function convertible(from: TypeSpec, to: TypeSpec): boolean {
  if (to.kind === 'dynamic' || from.kind === 'dynamic' || sameType(from, to)) return true;
  switch (to.kind) {
    case 'string':
      return from.kind === 'number' || from.kind === 'bool';
    case 'number':
    case 'bool':
      return from.kind === 'string';
    case 'tuple':
      return from.kind === 'tuple' && from.elements.length === to.elements.length && from.elements.every((element, index) => convertible(element, to.elements[index] ?? DYNAMIC));
    case 'list':
    case 'set':
    case 'map': {
      if (to.kind === 'map' ? from.kind === 'map' : from.kind === 'list' || from.kind === 'set') return 'element' in from && convertible(from.element, to.element);
      if (from.kind !== (to.kind === 'map' ? 'object' : 'tuple')) return false;
      const elements = members(from);
      if (elements.length === 0 || to.element.kind !== 'dynamic') return elements.every((element) => convertible(element, to.element));
      const element = unify(elements);
      return element !== undefined && (element.kind !== 'dynamic' || elements.every((candidate) => candidate.kind === 'dynamic'));
    }
    case 'object':
      if (from.kind === 'map') return [...to.attributes.values()].every((attribute) => convertible(from.element, attribute.type));
      return from.kind === 'object' && [...to.attributes].every(([key, attribute]) => {
        const source = from.attributes.get(key);
        return source === undefined ? attribute.optional : convertible(source.type, attribute.type);
      });
  }
}
