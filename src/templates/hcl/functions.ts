import type { SourceLocation } from '../../core/index.js';
import { COLLECTION_FUNCTIONS, setArguments } from './functions/collections.js';
import { ENCODING_FUNCTIONS } from './functions/encoding.js';
import { FILE_FUNCTIONS } from './functions/files.js';
import { FORMAT_FUNCTIONS } from './functions/format.js';
import { REGEX_FUNCTIONS } from './functions/regex.js';
import { TEMPLATE_FUNCTIONS } from './functions/templatefile.js';
import { argumentError, isValue, needList, needObject, needString, strict, type CallContext, type FunctionSpec } from './functions/spec.js';
import { graphemeClusters, STRING_FUNCTIONS } from './functions/strings.js';
import { convert, DYNAMIC, setOrder, typeOf, unify } from './types.js';
import {
  BUDGET_EXHAUSTED,
  at,
  asString,
  bool,
  collection,
  describeKind,
  EMPTY_LIST,
  error,
  firstUnknown,
  list,
  NULL,
  num,
  object,
  sortedEntries,
  str,
  stringList,
  unknown,
  type Value,
} from './value.js';

export type { CallContext } from './functions/spec.js';

/** A format's functions: those it evaluates, and those it leaves unknown with the reason. */
export interface FunctionSet {
  /** Named in the error for a function the tool does not know: `there is no function named "x" in Packer`. */
  readonly tool: string;
  readonly specs: ReadonlyMap<string, FunctionSpec>;
  readonly notEvaluated: ReadonlyMap<string, string>;
  /** Why a namespaced function (`provider::aws::arn_parse`) is not evaluated; unset: the tool has none. */
  readonly namespaced?: string;
}

/**
 * Calls an HCL function of the format's set. The functions that depend on the time, randomness,
 * secrets or the network (`timestamp`, `uuidv4`, `vault`), and the few that cannot shape a
 * sharing value, give an unknown that names them; a name the tool does not know is an error, as
 * the tool rejects the configuration.
 */
export function callFunction(name: string, rawArgs: readonly Value[], call: CallContext): Value {
  const functions = call.environment.functions;
  const spec = functions.specs.get(name);
  if (spec === undefined) {
    const why = functions.notEvaluated.get(name) ?? (name.includes('::') ? functions.namespaced : undefined);
    if (why !== undefined) return at(unknown(`function ${name}() is not evaluated: ${why}`), call.loc);
    // The tool rejects the configuration: `Call to unknown function`.
    return at(error(`there is no function named "${name}" in ${functions.tool}`), call.loc);
  }

  const expanded = call.expandFinal ? expandFinal(rawArgs, call.loc) : { args: rawArgs };
  if ('failure' in expanded) return expanded.failure;
  // convert()'s second argument is a type (`list(string)`), which is not a value.
  const args = name === 'convert' ? expanded.args.map((arg, index) => (index === 1 ? NULL : arg)) : expanded.args;
  if (name !== 'try' && name !== 'can') {
    const failed = args.find((arg) => arg.kind === 'error');
    if (failed !== undefined) return failed;
  }
  if (args.length < spec.minArgs || (spec.maxArgs !== undefined && args.length > spec.maxArgs)) {
    const expected = spec.maxArgs === spec.minArgs ? `${spec.minArgs}` : spec.maxArgs === undefined ? `at least ${spec.minArgs}` : `${spec.minArgs} to ${spec.maxArgs}`;
    return at(error(`function ${name}() takes ${expected} argument${expected === '1' ? '' : 's'}, found ${args.length}`), call.loc);
  }
  if (spec.mode === 'strict') {
    for (const arg of args) {
      const pending = firstUnknown(arg);
      if (pending !== undefined) return unknownAt(pending, call.loc);
    }
  }
  // Functions that copy lists cost as much as the lists are long.
  call.environment.budget.spend(args.reduce((total, arg) => total + (arg.kind === 'list' ? arg.items.length : 1), 0));
  if (call.environment.budget.exhausted) return at(unknown(BUDGET_EXHAUSTED), call.loc);
  return settle(spec.run(args, call), args, call.loc);
}

/** `f(xs...)`: the final list is spread into separate arguments. */
function expandFinal(args: readonly Value[], loc: SourceLocation): { args: readonly Value[] } | { failure: Value } {
  const last = args.at(-1);
  if (last === undefined) return { args };
  if (last.kind === 'unknown' || last.kind === 'error') return { failure: unknownAt(last, loc) };
  if (last.kind !== 'list') return { failure: at(error(`"..." needs a list, found ${describeKind(last)}`), loc) };
  return { args: [...args.slice(0, -1), ...last.items] };
}

/**
 * Gives a computed result a place: the call, and the provenance of the first argument that came
 * from a variable or local, so that `lower(var.group)` still says where the group came from.
 */
function settle(result: Value, args: readonly Value[], loc: SourceLocation): Value {
  let value = result.site === undefined ? at(result, loc) : result;
  if (value.kind === 'list' && value.items.some((item) => item.site === undefined)) {
    value = { ...value, items: value.items.map((item) => (item.site === undefined ? at(item, loc) : item)) };
  }
  // A result that is one of the arguments (`try`, `lookup`) already says where it came from.
  if (value.via === undefined && value.kind !== 'list' && value.kind !== 'object' && !args.includes(result)) {
    const source = args.find((arg) => arg.via !== undefined && arg.kind !== 'error' && arg.kind !== 'unknown');
    if (source?.via !== undefined) {
      value = source.origin === undefined ? { ...value, via: source.via } : { ...value, via: source.via, origin: source.origin };
    }
  }
  return value;
}

function unknownAt(value: Value, site: SourceLocation): Value {
  if (value.kind === 'error') return value;
  if (value.kind !== 'unknown') return value;
  const result: { kind: 'unknown'; reason: string; site: SourceLocation; via?: string; origin?: SourceLocation } = {
    kind: 'unknown',
    reason: value.reason,
    site,
  };
  if (value.via !== undefined) result.via = value.via;
  if (value.origin !== undefined) result.origin = value.origin;
  return result;
}

/**
 * The elements of list arguments joined, keeping unknown elements. An argument that is unknown
 * as a whole stands for any number of elements.
 */
function joinLists(name: string, args: readonly Value[]): Value[] | Value {
  const items: Value[] = [];
  for (const [position, arg] of args.entries()) {
    if (arg.kind === 'unknown') {
      items.push(spreadUnknown(arg));
      continue;
    }
    const value = needList(name, arg, position + 1);
    if (value.kind !== 'list') return value;
    // go-cty's concat takes lists and tuples only.
    if (value.collection === 'set') return argumentError(name, position + 1, 'all arguments must be lists or tuples; got a set');
    items.push(...value.items);
  }
  return items;
}

/** An argument unknown as a whole, as elements of a result: any number of them. */
function spreadUnknown(arg: Value & { kind: 'unknown' }): Value {
  return { ...unknown(arg.reason, { spread: true }), ...provenanceOf(arg) };
}

function provenanceOf(value: Value): { site?: SourceLocation; via?: string; origin?: SourceLocation } {
  return {
    ...(value.site === undefined ? {} : { site: value.site }),
    ...(value.via === undefined ? {} : { via: value.via }),
    ...(value.origin === undefined ? {} : { origin: value.origin }),
  };
}

/** go-cty's flatten goes through nested lists at any depth; a null element stays. */
function flattenItems(items: readonly Value[], into: Value[], depth = 0): void {
  for (const item of items) {
    if (item.kind === 'list' && depth < 100) flattenItems(item.items, into, depth + 1);
    else if (item.kind === 'unknown') into.push({ ...item, spread: true });
    else into.push(item);
  }
}

function hasSpread(items: readonly Value[]): Value | undefined {
  return items.find((item) => item.kind === 'unknown' && item.spread === true);
}

function numberFunction(name: string, run: (value: number) => number): FunctionSpec {
  return strict(1, 1, ([input]) => (input?.kind === 'number' ? num(run(input.value)) : error(`function ${name}() needs a number`)));
}

function numbersFunction(name: string, run: (values: number[]) => number): FunctionSpec {
  return strict(1, undefined, (args) => {
    const values: number[] = [];
    for (const arg of args) {
      if (arg.kind !== 'number') return error(`function ${name}() needs numbers`);
      values.push(arg.value);
    }
    return num(run(values));
  });
}

/** The functions that are the same in Packer and Terraform, or nearly (see the formats' sets). */
const CORE_FUNCTIONS: ReadonlyMap<string, FunctionSpec> = new Map<string, FunctionSpec>([
  ['concat', {
    minArgs: 1,
    maxArgs: undefined,
    mode: 'lenient',
    run: (args) => {
      const items = joinLists('concat', args);
      if (isValue(items)) return items;
      // Lists alone concatenate to a list of their common element type, anything else to a tuple.
      const element = args.every((arg) => arg.kind === 'list' && arg.collection === 'list') ? unify(args.map((arg) => (arg.kind === 'list' ? (arg.element ?? DYNAMIC) : DYNAMIC))) : undefined;
      if (element === undefined) return list(items);
      const converted = convert(collection('list', items, DYNAMIC), { kind: 'list', element });
      return 'mismatch' in converted ? list(items) : converted.value;
    },
  }],
  ['setunion', {
    minArgs: 1,
    maxArgs: undefined,
    mode: 'lenient',
    run: (args) => {
      const given = setArguments('setunion', args);
      if (!('sets' in given)) return given;
      const pending = args.flatMap((arg) => (arg.kind === 'unknown' ? [spreadUnknown(arg)] : []));
      return collection('set', setOrder([...given.sets.flatMap((set) => set.items), ...pending]), given.element);
    },
  }],
  ['flatten', {
    minArgs: 1,
    maxArgs: 1,
    mode: 'lenient',
    run: ([input]) => {
      const value = needList('flatten', input, 1);
      if (value.kind !== 'list') return value;
      const items: Value[] = [];
      flattenItems(value.items, items);
      return list(items);
    },
  }],
  ['compact', {
    minArgs: 1,
    maxArgs: 1,
    mode: 'lenient',
    run: ([input]) => {
      const given = needList('compact', input, 1);
      if (given.kind !== 'list') return given;
      // Its parameter is a list(string): numbers and bools become strings.
      const value = convert(given, { kind: 'list', element: { kind: 'string' } });
      if ('mismatch' in value) return argumentError('compact', 1, `list of string required: ${value.mismatch}`);
      const items = value.value.kind === 'list' ? value.value.items : [];
      return stringList(items.filter((item) => item.kind !== 'null' && !(item.kind === 'string' && item.value === '')));
    },
  }],
  ['reverse', strict(1, 1, ([input]) => {
    const value = needList('reverse', input, 1);
    if (value.kind !== 'list') return value;
    // A list or a set reverses to a list, a tuple to a tuple.
    const items = [...value.items].reverse();
    return value.collection === undefined ? list(items) : collection('list', items, value.element ?? DYNAMIC);
  })],
  ['length', {
    minArgs: 1,
    maxArgs: 1,
    mode: 'lenient',
    run: ([input]) => {
      if (input === undefined) return error('function length() needs an argument');
      if (input.kind === 'unknown') return input;
      // go-cty counts a string's grapheme clusters, as `substr` does.
      if (input.kind === 'string') return num(graphemeClusters(input.value).length);
      if (input.kind === 'object') return num(input.entries.size);
      if (input.kind !== 'list') return error(`function length() needs a string, list or map, found ${describeKind(input)}`);
      // Unknown elements still count; only an unknown number of them makes the length unknown.
      const spread = hasSpread(input.items);
      return spread === undefined ? num(input.items.length) : spread;
    },
  }],
  ['element', {
    minArgs: 2,
    maxArgs: 2,
    mode: 'lenient',
    run: ([collection, position]) => {
      const value = needList('element', collection, 1);
      if (value.kind !== 'list') return value;
      if (position === undefined || position.kind === 'unknown') return position ?? error('element() needs an index');
      if (position.kind !== 'number' || !Number.isInteger(position.value) || position.value < 0) {
        return error('function element() needs a whole, non-negative index');
      }
      if (value.collection === 'set') return error('function element(): cannot read elements from a set');
      const spread = hasSpread(value.items);
      if (spread !== undefined) return spread;
      if (value.items.length === 0) return error('function element() cannot take an element of an empty list');
      return value.items[position.value % value.items.length] ?? error('element() index out of range');
    },
  }],
  ['lookup', {
    minArgs: 2,
    maxArgs: 3,
    mode: 'lenient',
    run: ([map, key, fallback]) => {
      const value = needObject('lookup', map, 1);
      if (value.kind !== 'object') return value;
      if (key === undefined || key.kind === 'unknown') return key ?? error('lookup() needs a key');
      const name = asString(key);
      if (name === undefined) return error(`function lookup() needs a string key, found ${describeKind(key)}`);
      return value.entries.get(name) ?? fallback ?? error(`function lookup() did not find the key "${name}" and has no default`);
    },
  }],
  ['keys', {
    minArgs: 1,
    maxArgs: 1,
    mode: 'lenient',
    run: ([map]) => {
      const value = needObject('keys', map, 1);
      return value.kind === 'object' ? list(sortedEntries(value).map(([key]) => str(key))) : value;
    },
  }],
  ['values', {
    minArgs: 1,
    maxArgs: 1,
    mode: 'lenient',
    run: ([map]) => {
      const value = needObject('values', map, 1);
      return value.kind === 'object' ? list(sortedEntries(value).map(([, entry]) => entry)) : value;
    },
  }],
  ['merge', {
    minArgs: 0,
    maxArgs: undefined,
    mode: 'lenient',
    run: (args) => {
      const entries = new Map<string, Value>();
      for (const [position, arg] of args.entries()) {
        if (arg.kind === 'null') continue;
        const value = needObject('merge', arg, position + 1);
        if (value.kind !== 'object') return value;
        for (const [key, entry] of value.entries) entries.set(key, entry);
      }
      return object(entries);
    },
  }],
  ['zipmap', strict(2, 2, ([keys, values]) => {
    const names = needList('zipmap', keys, 1);
    const items = needList('zipmap', values, 2);
    if (names.kind !== 'list') return names;
    if (items.kind !== 'list') return items;
    if (names.items.length !== items.items.length) {
      return error(`function zipmap(): number of keys (${names.items.length}) does not match number of values (${items.items.length})`);
    }
    const entries = new Map<string, Value>();
    for (const [position, key] of names.items.entries()) {
      if (key.kind === 'null') return error(`function zipmap(): keys list has null value at index ${position}`);
      const name = asString(key);
      const item = items.items[position];
      if (name === undefined || item === undefined) return error('function zipmap() needs string keys');
      entries.set(name, item);
    }
    return object(entries);
  })],
  ['coalesce', {
    minArgs: 1,
    maxArgs: undefined,
    mode: 'lenient',
    // The arguments take one type first: coalesce(1, "a") is "1", coalesce(1, true) an error.
    run: (args) => {
      const type = unify(args.map(typeOf));
      if (type === undefined) return error('function coalesce(): all arguments must have the same type');
      for (const given of args) {
        const converted = convert(given, type);
        if ('mismatch' in converted) return error(`function coalesce(): ${converted.mismatch}`);
        const arg = converted.value;
        if (arg.kind === 'unknown') return arg;
        if (arg.kind === 'null' || (arg.kind === 'string' && arg.value === '')) continue;
        return arg;
      }
      return error('function coalesce() found no non-null, non-empty argument');
    },
  }],
  ['coalescelist', {
    minArgs: 1,
    maxArgs: undefined,
    mode: 'lenient',
    run: (args) => {
      for (const [position, arg] of args.entries()) {
        const value = needList('coalescelist', arg, position + 1);
        if (value.kind === 'unknown') return value;
        if (value.kind !== 'list') return value;
        if (value.collection === 'set') return error('function coalescelist(): coalescelist arguments must be lists or tuples');
        if (value.items.length > 0) return value;
      }
      return EMPTY_LIST;
    },
  }],
  ['try', {
    minArgs: 1,
    maxArgs: undefined,
    mode: 'lenient',
    // Only an error falls through: an unknown might still succeed, so it is the result.
    run: (args) => args.find((arg) => arg.kind !== 'error') ?? error('function try() found no argument without errors'),
  }],
  ['can', {
    minArgs: 1,
    maxArgs: 1,
    mode: 'lenient',
    run: ([arg]) => (arg === undefined || arg.kind === 'error' ? bool(false) : arg.kind === 'unknown' ? arg : bool(true)),
  }],
  // The evaluator converts `convert(value, type)` itself, its type being an expression and not a
  // value; this is reached only when the type cannot be read (`convert(args...)`): the value stays.
  ['convert', {
    minArgs: 2,
    maxArgs: 2,
    mode: 'lenient',
    run: ([value]) => value ?? error('function convert() needs a value'),
  }],
  ['env', strict(1, 1, ([input], call) => {
    const name = needString('env', input, 1);
    if (typeof name !== 'string') return name;
    if (!call.environment.useEnv) return unknown(`env("${name}") is not read without --use-env`);
    return str(call.environment.env[name] ?? '');
  })],
  ['abs', numberFunction('abs', Math.abs)],
  ['ceil', numberFunction('ceil', Math.ceil)],
  ['floor', numberFunction('floor', Math.floor)],
  ['max', numbersFunction('max', (values) => Math.max(...values))],
  ['min', numbersFunction('min', (values) => Math.min(...values))],
]);

/** Every function amiguard can evaluate, by name; each format picks its set from these. */
export const HCL_FUNCTIONS: ReadonlyMap<string, FunctionSpec> = new Map<string, FunctionSpec>([
  ...CORE_FUNCTIONS,
  ...STRING_FUNCTIONS,
  ...FORMAT_FUNCTIONS,
  ...REGEX_FUNCTIONS,
  ...COLLECTION_FUNCTIONS,
  ...ENCODING_FUNCTIONS,
  ...FILE_FUNCTIONS,
  ...TEMPLATE_FUNCTIONS,
]);
