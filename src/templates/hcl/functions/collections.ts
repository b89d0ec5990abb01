/**
 * Packer's collection and number functions that the first function table did not have
 * (go-cty `function/stdlib/{collection,set,sequence,number}.go`, Packer's `alltrue`,
 * `anytrue`, `sum`). A set is a list value marked as a set, its items in cty's order (`setOrder`).
 */
import { convert, DYNAMIC, unify, type TypeSpec } from '../types.js';
import { asString, bool, collection, describeKind, equal, error, firstUnknown, list, num, str, stringList, unknown, type ListValue, type Value } from '../value.js';
import { argumentError, needInteger, needList, needNumber, needString, strict, type FunctionSpec } from './spec.js';

/** Range results beyond this are not built: no sharing value needs them. */
const MAX_RANGE = 10_000;

/**
 * go-cty converts a tuple passed as a list or set to one element type: a mix of strings,
 * numbers and bools becomes strings (`distinct([1, "1"])` is `["1"]`).
 */
export function unifyPrimitives(items: readonly Value[]): Value[] {
  const kinds = new Set(items.filter((item) => item.kind !== 'null').map((item) => item.kind));
  if (kinds.size < 2 || ![...kinds].every((kind) => kind === 'string' || kind === 'number' || kind === 'bool')) return [...items];
  return items.map((item) => {
    const value = asString(item);
    return value === undefined || item.kind === 'string' ? item : { ...item, kind: 'string', value } as Value;
  });
}

/** Removes repeated values, keeping the first of each. */
function distinctItems(items: readonly Value[]): Value[] {
  const result: Value[] = [];
  for (const item of items) {
    if (item.kind !== 'unknown' && result.some((kept) => kept.kind !== 'unknown' && equal(kept, item))) continue;
    result.push(item);
  }
  return result;
}

function compareCodePoints(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  for (let index = 0; index < Math.min(x.length, y.length); index += 1) {
    const difference = (x[index]?.codePointAt(0) ?? 0) - (y[index]?.codePointAt(0) ?? 0);
    if (difference !== 0) return difference;
  }
  return x.length - y.length;
}

/**
 * An argument as go-cty converts it to a `list(any)` or `set(any)` parameter: its elements
 * converted to the one type they unify to. A tuple of a number and a bool has none: the error is
 * cty's (`all set elements must have the same type`).
 */
export function asCollection(name: string, value: ListValue, position: number, kind: 'list' | 'set'): ListValue | Value {
  const converted = convert(value, { kind, element: DYNAMIC });
  if ('mismatch' in converted) return argumentError(name, position, converted.mismatch);
  return converted.value;
}

/**
 * The known arguments of a set function as go-cty's set functions take them: each a set of one
 * element type, then all converted to the type their element types unify to (an empty set of no
 * type does not count), or the error. Wholly unknown arguments are left out.
 */
export function setArguments(name: string, args: readonly Value[]): { readonly sets: readonly ListValue[]; readonly element: TypeSpec } | Value {
  const sets: [number, ListValue][] = [];
  for (const [index, arg] of args.entries()) {
    if (arg.kind === 'unknown') continue;
    const value = needList(name, arg, index + 1);
    if (value.kind !== 'list') return value;
    const set = asCollection(name, value, index + 1, 'set');
    if (set.kind !== 'list') return set;
    sets.push([index, set]);
  }
  const types = sets.flatMap(([, set]) => (set.items.length === 0 && (set.element ?? DYNAMIC).kind === 'dynamic' ? [] : [set.element ?? DYNAMIC]));
  const element = types.length === 0 ? DYNAMIC : unify(types);
  if (element === undefined) return error(`function ${name}(): given sets must all have compatible element types`);
  const converted: ListValue[] = [];
  for (const [index, set] of sets) {
    const result = convert(set, { kind: 'set', element });
    if ('mismatch' in result) return argumentError(name, index + 1, result.mismatch);
    if (result.value.kind === 'list') converted.push(result.value);
  }
  return { sets: converted, element };
}

/** `sort` takes a list of strings: numbers and bools convert, anything else is an error. */
function sortStrings(items: readonly Value[]): Value[] | Value {
  const strings: [string, Value][] = [];
  for (const [index, item] of items.entries()) {
    if (item.kind === 'null') return error(`function sort(): given list element ${index} is null; a null string cannot be sorted`);
    const value = asString(item);
    if (value === undefined) return argumentError('sort', 1, `list of string required, found ${describeKind(item)} at element ${index}`);
    strings.push([value, item.kind === 'string' ? item : str(value, item.site)]);
  }
  return strings.sort(([a], [b]) => compareCodePoints(a, b)).map(([, item]) => item);
}

function lists(name: string, args: readonly Value[]): Value[][] | Value {
  const result: Value[][] = [];
  for (const [index, arg] of args.entries()) {
    const value = needList(name, arg, index + 1);
    if (value.kind !== 'list') return value;
    result.push([...value.items]);
  }
  return result;
}

/** Packer converts the argument to a list of bools first, so any other element is an error. */
function booleans(name: string, input: Value | undefined, decisive: boolean): Value {
  const value = needList(name, input, 1);
  if (value.kind !== 'list') return value;
  const truths: (boolean | Value)[] = [];
  for (const item of value.items) {
    if (item.kind === 'unknown') {
      truths.push(item);
      continue;
    }
    // A null counts as false, as in Packer's alltrue/anytrue.
    const truth = item.kind === 'null' ? false : item.kind === 'bool' ? item.value : item.kind === 'string' && (item.value === 'true' || item.value === 'false') ? item.value === 'true' : undefined;
    if (truth === undefined) return argumentError(name, 1, `list of bool required, found ${describeKind(item)}`);
    truths.push(truth);
  }
  if (truths.includes(decisive)) return bool(decisive);
  return truths.find((truth): truth is Value => typeof truth !== 'boolean') ?? bool(!decisive);
}

export const COLLECTION_FUNCTIONS: ReadonlyMap<string, FunctionSpec> = new Map<string, FunctionSpec>([
  ['alltrue', { minArgs: 1, maxArgs: 1, mode: 'lenient', run: ([input]) => booleans('alltrue', input, false) }],
  ['anytrue', { minArgs: 1, maxArgs: 1, mode: 'lenient', run: ([input]) => booleans('anytrue', input, true) }],
  ['chunklist', strict(2, 2, ([input, sizeArg]) => {
    const given = needList('chunklist', input, 1);
    if (given.kind !== 'list') return given;
    const value = asCollection('chunklist', given, 1, 'list');
    if (value.kind !== 'list') return value;
    const size = needInteger('chunklist', sizeArg, 2);
    if (typeof size !== 'number') return size;
    if (size < 0) return error('function chunklist(): the size argument must be positive');
    if (value.items.length === 0) return list([]);
    if (size === 0) return list([value]);
    const chunks: Value[] = [];
    for (let start = 0; start < value.items.length; start += size) chunks.push(list(value.items.slice(start, start + size)));
    return list(chunks);
  })],
  ['setintersection', strict(1, undefined, (args) => {
    const given = setArguments('setintersection', args);
    if (!('sets' in given)) return given;
    const [first, ...others] = given.sets;
    const items = (first?.items ?? []).filter((item) => others.every((other) => other.items.some((candidate) => equal(candidate, item))));
    return collection('set', items, given.element);
  })],
  ['setproduct', strict(1, undefined, (args) => {
    const sets = lists('setproduct', args);
    if (!Array.isArray(sets)) return sets;
    let total = 1;
    for (const set of sets) total *= set.length;
    if (total > MAX_RANGE) return unknown(`function setproduct() is not evaluated for more than ${MAX_RANGE} combinations`);
    let product: Value[][] = [[]];
    for (const set of sets) product = product.flatMap((prefix) => set.map((item) => [...prefix, item]));
    const combinations = total === 0 ? [] : product.map((items) => list(items));
    // The product of sets is a set (of tuples, which cty orders by hash: the order stays).
    return args.some((arg) => arg.kind === 'list' && arg.collection === 'set') ? { ...list(combinations), collection: 'set' } : list(combinations);
  })],
  ['slice', strict(3, 3, ([input, startArg, endArg]) => {
    const value = needList('slice', input, 1);
    if (value.kind !== 'list') return value;
    if (value.collection === 'set') {
      return argumentError('slice', 1, 'cannot slice a set, because its elements do not have indices; explicitly convert to a list if the ordering of the result is not important');
    }
    const start = needInteger('slice', startArg, 2);
    if (typeof start !== 'number') return start;
    const end = needInteger('slice', endArg, 3);
    if (typeof end !== 'number') return end;
    const length = value.items.length;
    if (start < 0) return argumentError('slice', 2, 'start index must not be less than zero');
    if (start > length) return argumentError('slice', 2, 'start index must not be greater than the length of the list');
    if (end < 0) return argumentError('slice', 3, 'end index must not be less than zero');
    if (end > length) return argumentError('slice', 3, 'end index must not be greater than the length of the list');
    if (start > end) return argumentError('slice', 2, 'start index must not be greater than end index');
    // A slice of a list is a list, of a tuple a tuple.
    const items = value.items.slice(start, end);
    return value.collection === 'list' ? collection('list', items, value.element ?? DYNAMIC) : list(items);
  })],
  ['range', strict(1, 3, (args) => {
    const numbers: number[] = [];
    for (const [index, arg] of args.entries()) {
      const value = needNumber('range', arg, index + 1);
      if (typeof value !== 'number') return value;
      numbers.push(value);
    }
    const [a = 0, b, c] = numbers;
    const [start, end] = b === undefined ? [0, a] : [a, b];
    const step = c ?? (end < start ? -1 : 1);
    if (step === 0) return argumentError('range', 3, 'step must not be zero');
    if (Math.abs((end - start) / step) > MAX_RANGE) return unknown(`function range() is not evaluated for more than ${MAX_RANGE} numbers`);
    const items: Value[] = [];
    for (let current = start; step > 0 ? current < end : current > end; current += step) items.push(num(current));
    return list(items);
  })],
  ['sum', strict(1, 1, ([input]) => {
    const value = needList('sum', input, 1);
    if (value.kind !== 'list') return value;
    if (value.items.length === 0) return argumentError('sum', 1, 'cannot sum an empty list');
    let total = 0;
    for (const item of value.items) {
      const next = item.kind === 'null' ? undefined : needNumber('sum', item, 1);
      if (typeof next !== 'number') return argumentError('sum', 1, 'argument must be list, set, or tuple of number values');
      total += next;
    }
    return num(total);
  })],
  ['index', strict(2, 2, ([collection, needle]) => {
    const value = needList('index', collection, 1);
    if (value.kind !== 'list' || value.collection === 'set') return value.kind === 'unknown' ? value : error('function index(): argument must be a list or tuple');
    if (value.items.length === 0) return error('function index(): cannot search an empty list');
    const items = unifyPrimitives([...value.items, needle ?? NULL_SENTINEL]);
    const target = items.pop();
    const found = items.findIndex((item) => target !== undefined && equal(item, target));
    return found === -1 ? error('function index(): item not found') : num(found);
  })],
  ['distinct', { minArgs: 1, maxArgs: 1, mode: 'lenient', run: ([input]) => {
    const given = needList('distinct', input, 1);
    if (given.kind !== 'list') return given;
    const value = asCollection('distinct', given, 1, 'list');
    if (value.kind !== 'list') return value;
    return collection('list', distinctItems(value.items), value.element ?? DYNAMIC);
  } }],
  ['sort', strict(1, 1, ([input]) => {
    const value = needList('sort', input, 1);
    if (value.kind !== 'list') return value;
    const sorted = sortStrings(value.items);
    return Array.isArray(sorted) ? stringList(sorted) : sorted;
  })],
  ['contains', { minArgs: 2, maxArgs: 2, mode: 'lenient', run: ([collection, needle]) => {
    const value = needList('contains', collection, 1);
    if (value.kind !== 'list') return value;
    if (needle === undefined || firstUnknown(needle) !== undefined) return needle === undefined ? error('contains() needs a value') : (firstUnknown(needle) ?? needle);
    // go-cty compares without conversion: contains([1], "1") is false.
    const items = value.items;
    const target = needle;
    if (items.some((item) => firstUnknown(item) === undefined && equal(item, target))) return bool(true);
    const pending = items.find((item) => firstUnknown(item) !== undefined);
    return pending === undefined ? bool(false) : (firstUnknown(pending) ?? pending);
  } }],
  ['log', strict(2, 2, ([input, base]) => {
    const x = needNumber('log', input, 1);
    if (typeof x !== 'number') return x;
    const b = needNumber('log', base, 2);
    return typeof b === 'number' ? num(Math.log(x) / Math.log(b)) : b;
  })],
  ['pow', strict(2, 2, ([input, power]) => {
    const x = needNumber('pow', input, 1);
    if (typeof x !== 'number') return x;
    const p = needNumber('pow', power, 2);
    return typeof p === 'number' ? num(x ** p) : p;
  })],
  ['signum', strict(1, 1, ([input]) => {
    const x = needNumber('signum', input, 1);
    return typeof x === 'number' ? num(Math.sign(x) || 0) : x;
  })],
  ['parseint', strict(2, 2, ([input, baseArg]) => {
    const digits = needString('parseint', input, 1);
    if (typeof digits !== 'string') return digits;
    const base = needInteger('parseint', baseArg, 2);
    if (typeof base !== 'number') return base;
    return parseInteger(digits, base);
  })],
]);

const NULL_SENTINEL: Value = { kind: 'null' };

const DIGITS = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** Go's big.Int SetString as go-cty's parseint uses it: bases 2 to 62, an optional sign. */
function parseInteger(input: string, base: number): Value {
  if (base < 2 || base > 62) return argumentError('parseint', 2, 'base must be a whole number between 2 and 62 inclusive');
  const match = /^([+-]?)(.+)$/s.exec(input);
  const body = match?.[2] ?? '';
  const alphabet = DIGITS.slice(0, base);
  let result = 0n;
  for (const c of body) {
    const lookup = base <= 36 ? c.toLowerCase() : c;
    const digit = alphabet.indexOf(lookup);
    if (digit === -1) {
      return argumentError('parseint', 1, `cannot parse ${JSON.stringify(input)} as a base ${base} integer`);
    }
    result = result * BigInt(base) + BigInt(digit);
  }
  if (body === '') return argumentError('parseint', 1, `cannot parse ${JSON.stringify(input)} as a base ${base} integer`);
  return num(Number(match?.[1] === '-' ? -result : result));
}
