import type { SourceLocation } from '../../core/index.js';
import type { EvaluationEnvironment } from './evaluate.js';
import {
  asString,
  BUDGET_EXHAUSTED,
  at,
  bool,
  describeKind,
  EMPTY_LIST,
  equal,
  error,
  firstUnknown,
  formatNumber,
  list,
  num,
  object,
  sortedEntries,
  str,
  unknown,
  type ListValue,
  type ObjectValue,
  type Value,
} from './value.js';

export interface CallContext {
  readonly loc: SourceLocation;
  readonly expandFinal: boolean;
  readonly environment: EvaluationEnvironment;
}

type Implementation = (args: readonly Value[], call: CallContext) => Value;

interface FunctionSpec {
  readonly minArgs: number;
  /** Undefined: any number (variadic). */
  readonly maxArgs: number | undefined;
  /**
   * 'strict' functions need every argument fully known; 'lenient' ones look inside lists and
   * objects themselves and keep what is known (`concat([a], unknown)` still holds `a`).
   */
  readonly mode: 'strict' | 'lenient';
  readonly run: Implementation;
}

/**
 * Calls an HCL function of Packer's set. Functions that are not implemented, or that depend on
 * the time or randomness (`timestamp`, `uuidv4`), give an unknown that names them.
 */
export function callFunction(name: string, rawArgs: readonly Value[], call: CallContext): Value {
  const spec = FUNCTIONS.get(name);
  if (spec === undefined) return at(unknown(`function ${name}() is not evaluated`), call.loc);

  const expanded = call.expandFinal ? expandFinal(rawArgs, call.loc) : { args: rawArgs };
  if ('failure' in expanded) return expanded.failure;
  const { args } = expanded;
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

// --- argument helpers ---------------------------------------------------------------------

function text(value: Value | undefined): string | undefined {
  return value === undefined ? undefined : asString(value);
}

function needString(name: string, value: Value | undefined, position: number): string | Value {
  const result = text(value);
  if (result !== undefined) return result;
  return error(`function ${name}() needs a string as argument ${position}, found ${value === undefined ? 'nothing' : describeKind(value)}`);
}

function needList(name: string, value: Value | undefined, position: number): ListValue | Value {
  if (value?.kind === 'list') return value;
  if (value?.kind === 'unknown') return value;
  return error(`function ${name}() needs a list as argument ${position}, found ${value === undefined ? 'nothing' : describeKind(value)}`);
}

function needObject(name: string, value: Value | undefined, position: number): ObjectValue | Value {
  if (value?.kind === 'object') return value;
  if (value?.kind === 'unknown') return value;
  return error(`function ${name}() needs a map or object as argument ${position}, found ${value === undefined ? 'nothing' : describeKind(value)}`);
}

function isValue(candidate: unknown): candidate is Value {
  return typeof candidate === 'object' && candidate !== null && 'kind' in candidate;
}

/** A string function of one string: `lower`, `upper`, `trimspace`. */
function stringFunction(name: string, transform: (input: string) => string): FunctionSpec {
  return {
    minArgs: 1,
    maxArgs: 1,
    mode: 'strict',
    run: ([input]) => {
      const value = needString(name, input, 1);
      return typeof value === 'string' ? str(transform(value)) : value;
    },
  };
}

/** A function of two strings: `trimprefix`, `startswith`. */
function twoStrings(name: string, run: (a: string, b: string) => Value): FunctionSpec {
  return {
    minArgs: 2,
    maxArgs: 2,
    mode: 'strict',
    run: ([first, second]) => {
      const a = needString(name, first, 1);
      if (typeof a !== 'string') return a;
      const b = needString(name, second, 2);
      return typeof b === 'string' ? run(a, b) : b;
    },
  };
}

/**
 * The elements of list arguments joined, keeping unknown elements. An argument that is unknown
 * as a whole stands for any number of elements.
 */
function joinLists(name: string, args: readonly Value[]): Value[] | Value {
  const items: Value[] = [];
  for (const [position, arg] of args.entries()) {
    if (arg.kind === 'unknown') {
      items.push({ ...unknown(arg.reason, { spread: true }), ...provenanceOf(arg) });
      continue;
    }
    const value = needList(name, arg, position + 1);
    if (value.kind !== 'list') return value;
    items.push(...value.items);
  }
  return items;
}

function provenanceOf(value: Value): { site?: SourceLocation; via?: string; origin?: SourceLocation } {
  return {
    ...(value.site === undefined ? {} : { site: value.site }),
    ...(value.via === undefined ? {} : { via: value.via }),
    ...(value.origin === undefined ? {} : { origin: value.origin }),
  };
}

/** Removes repeated known values, keeping the first of each; unknown elements all stay. */
function distinctItems(items: readonly Value[]): Value[] {
  const result: Value[] = [];
  for (const item of items) {
    if (item.kind !== 'unknown' && result.some((kept) => kept.kind !== 'unknown' && equal(kept, item))) continue;
    result.push(item);
  }
  return result;
}

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

/** Go's regexp syntax is close enough to JavaScript's for the patterns templates use. */
function compileRegex(pattern: string): RegExp | undefined {
  try {
    return new RegExp(pattern, 'gu');
  } catch {
    return undefined;
  }
}

/** Go writes `${1}` where JavaScript writes `$1`. */
function goReplacement(replacement: string): string {
  return replacement.replace(/\$\{(\w+)\}/g, (_match, group: string) => (/^\d+$/.test(group) ? `$${group}` : `$<${group}>`));
}

function regexReplace(name: string, input: string, pattern: string, replacement: string): Value {
  const regex = compileRegex(pattern);
  if (regex === undefined) return unknown(`function ${name}() with the pattern ${JSON.stringify(pattern)} is not evaluated`);
  return str(input.replace(regex, goReplacement(replacement)));
}

/** `format()` with the verbs templates use: %s, %d, %v, %q and %%. */
function format(spec: string, args: readonly Value[]): Value {
  let next = 0;
  let failure: Value | undefined;
  const output = spec.replace(/%(?:\[(\d+)\])?([-+# 0]*\d*(?:\.\d+)?)?([a-zA-Z%])/g, (match, explicit: string | undefined, flags: string | undefined, verb: string) => {
    if (verb === '%') return '%';
    if (flags !== undefined && flags !== '') {
      failure ??= unknown(`format() with the verb ${match} is not evaluated`);
      return match;
    }
    const index = explicit === undefined ? next : Number(explicit) - 1;
    next = index + 1;
    const arg = args[index];
    if (arg === undefined) {
      failure ??= error(`format() has too few arguments for ${JSON.stringify(spec)}`);
      return match;
    }
    switch (verb) {
      case 's':
      case 'v': {
        const piece = asString(arg);
        if (piece !== undefined) return piece;
        failure ??= error(`format() cannot print ${describeKind(arg)} with %${verb}`);
        return match;
      }
      case 'd': {
        if (arg.kind === 'number' && Number.isInteger(arg.value)) return formatNumber(arg.value);
        failure ??= error(`format() needs a whole number for %d, found ${describeKind(arg)}`);
        return match;
      }
      case 'q': {
        const piece = asString(arg);
        if (piece !== undefined) return JSON.stringify(piece);
        failure ??= error(`format() cannot quote ${describeKind(arg)}`);
        return match;
      }
      default:
        failure ??= unknown(`format() with the verb %${verb} is not evaluated`);
        return match;
    }
  });
  return failure ?? str(output);
}

/** Strings sort as strings; a mix of kinds keeps its order. */
function sortStrings(items: readonly Value[]): Value[] {
  return [...items].sort((a, b) => {
    const x = asString(a) ?? '';
    const y = asString(b) ?? '';
    return x < y ? -1 : x > y ? 1 : 0;
  });
}

function toSet(items: readonly Value[]): Value[] {
  const distinct = distinctItems(items);
  return distinct.every((item) => item.kind === 'string') ? sortStrings(distinct) : distinct;
}

const FUNCTIONS: ReadonlyMap<string, FunctionSpec> = new Map<string, FunctionSpec>([
  ['lower', stringFunction('lower', (input) => input.toLowerCase())],
  ['upper', stringFunction('upper', (input) => input.toUpperCase())],
  ['trimspace', stringFunction('trimspace', (input) => input.trim())],
  ['chomp', stringFunction('chomp', (input) => input.replace(/(?:\r\n|\r|\n)+$/, ''))],
  ['title', stringFunction('title', (input) => input.replace(/(^|\s)(\p{Ll})/gu, (_m, space: string, letter: string) => space + letter.toUpperCase()))],
  ['tostring', {
    minArgs: 1,
    maxArgs: 1,
    mode: 'strict',
    run: ([input]) => {
      if (input?.kind === 'null') return input;
      const value = text(input);
      return value === undefined ? error(`function tostring() cannot convert ${input === undefined ? 'nothing' : describeKind(input)}`) : str(value);
    },
  }],
  ['trimprefix', twoStrings('trimprefix', (input, prefix) => str(input.startsWith(prefix) ? input.slice(prefix.length) : input))],
  ['trimsuffix', twoStrings('trimsuffix', (input, suffix) => str(suffix !== '' && input.endsWith(suffix) ? input.slice(0, -suffix.length) : input))],
  ['startswith', twoStrings('startswith', (input, prefix) => bool(input.startsWith(prefix)))],
  ['endswith', twoStrings('endswith', (input, suffix) => bool(input.endsWith(suffix)))],
  ['strcontains', twoStrings('strcontains', (input, part) => bool(input.includes(part)))],
  ['split', twoStrings('split', (separator, input) => list(input.split(separator).map((piece) => str(piece))))],
  ['replace', {
    minArgs: 3,
    maxArgs: 3,
    mode: 'strict',
    run: ([input, search, replacement]) => {
      const values = [needString('replace', input, 1), needString('replace', search, 2), needString('replace', replacement, 3)];
      const [a, b, c] = values;
      if (typeof a !== 'string') return a ?? error('replace() needs a string');
      if (typeof b !== 'string') return b ?? error('replace() needs a string');
      if (typeof c !== 'string') return c ?? error('replace() needs a string');
      if (b.length > 1 && b.startsWith('/') && b.endsWith('/')) return regexReplace('replace', a, b.slice(1, -1), c);
      return str(a.replaceAll(b, c));
    },
  }],
  ['regex_replace', {
    minArgs: 3,
    maxArgs: 3,
    mode: 'strict',
    run: ([input, pattern, replacement]) => {
      const [a, b, c] = [text(input), text(pattern), text(replacement)];
      if (a === undefined || b === undefined || c === undefined) return error('function regex_replace() needs three strings');
      return regexReplace('regex_replace', a, b, c);
    },
  }],
  ['format', {
    minArgs: 1,
    maxArgs: undefined,
    mode: 'strict',
    run: ([spec, ...rest]) => {
      const value = needString('format', spec, 1);
      return typeof value === 'string' ? format(value, rest) : value;
    },
  }],
  ['join', {
    minArgs: 2,
    maxArgs: undefined,
    mode: 'strict',
    run: ([separator, ...lists]) => {
      const glue = needString('join', separator, 1);
      if (typeof glue !== 'string') return glue;
      const pieces: string[] = [];
      for (const [position, value] of lists.entries()) {
        const items = needList('join', value, position + 2);
        if (items.kind !== 'list') return items;
        for (const item of items.items) {
          const piece = asString(item);
          if (piece === undefined) return error(`function join() cannot join ${describeKind(item)}`);
          pieces.push(piece);
        }
      }
      return str(pieces.join(glue));
    },
  }],
  ['concat', {
    minArgs: 1,
    maxArgs: undefined,
    mode: 'lenient',
    run: (args) => {
      const items = joinLists('concat', args);
      return isValue(items) ? items : list(items);
    },
  }],
  ['setunion', {
    minArgs: 1,
    maxArgs: undefined,
    mode: 'lenient',
    run: (args) => {
      const items = joinLists('setunion', args);
      return isValue(items) ? items : list(toSet(items));
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
  ['distinct', {
    minArgs: 1,
    maxArgs: 1,
    mode: 'lenient',
    run: ([input]) => {
      const value = needList('distinct', input, 1);
      return value.kind === 'list' ? list(distinctItems(value.items)) : value;
    },
  }],
  ['compact', {
    minArgs: 1,
    maxArgs: 1,
    mode: 'lenient',
    run: ([input]) => {
      const value = needList('compact', input, 1);
      if (value.kind !== 'list') return value;
      return list(value.items.filter((item) => item.kind !== 'null' && !(item.kind === 'string' && item.value === '')));
    },
  }],
  ['tolist', {
    minArgs: 1,
    maxArgs: 1,
    mode: 'lenient',
    run: ([input]) => needList('tolist', input, 1),
  }],
  ['toset', {
    minArgs: 1,
    maxArgs: 1,
    mode: 'lenient',
    run: ([input]) => {
      const value = needList('toset', input, 1);
      return value.kind === 'list' ? list(toSet(value.items)) : value;
    },
  }],
  ['sort', {
    minArgs: 1,
    maxArgs: 1,
    mode: 'strict',
    run: ([input]) => {
      const value = needList('sort', input, 1);
      return value.kind === 'list' ? list(sortStrings(value.items)) : value;
    },
  }],
  ['reverse', {
    minArgs: 1,
    maxArgs: 1,
    mode: 'strict',
    run: ([input]) => {
      const value = needList('reverse', input, 1);
      return value.kind === 'list' ? list([...value.items].reverse()) : value;
    },
  }],
  ['length', {
    minArgs: 1,
    maxArgs: 1,
    mode: 'lenient',
    run: ([input]) => {
      if (input === undefined) return error('function length() needs an argument');
      if (input.kind === 'unknown') return input;
      if (input.kind === 'string') return num([...input.value].length);
      if (input.kind === 'object') return num(input.entries.size);
      if (input.kind !== 'list') return error(`function length() needs a string, list or map, found ${describeKind(input)}`);
      // Unknown elements still count; only an unknown number of them makes the length unknown.
      const spread = hasSpread(input.items);
      return spread === undefined ? num(input.items.length) : spread;
    },
  }],
  ['contains', {
    minArgs: 2,
    maxArgs: 2,
    mode: 'lenient',
    run: ([collection, needle]) => {
      const value = needList('contains', collection, 1);
      if (value.kind !== 'list') return value;
      if (needle === undefined || needle.kind === 'unknown') return needle ?? error('contains() needs a value');
      if (value.items.some((item) => item.kind !== 'unknown' && firstUnknown(item) === undefined && equal(item, needle))) return bool(true);
      const pending = value.items.find((item) => firstUnknown(item) !== undefined);
      return pending === undefined ? bool(false) : (firstUnknown(pending) ?? pending);
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
      const spread = hasSpread(value.items);
      if (spread !== undefined) return spread;
      if (value.items.length === 0) return error('function element() cannot take an element of an empty list');
      return value.items[position.value % value.items.length] ?? error('element() index out of range');
    },
  }],
  ['index', {
    minArgs: 2,
    maxArgs: 2,
    mode: 'strict',
    run: ([collection, needle]) => {
      const value = needList('index', collection, 1);
      if (value.kind !== 'list' || needle === undefined) return value;
      const found = value.items.findIndex((item) => equal(item, needle));
      return found === -1 ? error('function index() did not find the value') : num(found);
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
  ['zipmap', {
    minArgs: 2,
    maxArgs: 2,
    mode: 'strict',
    run: ([keys, values]) => {
      const names = needList('zipmap', keys, 1);
      const items = needList('zipmap', values, 2);
      if (names.kind !== 'list') return names;
      if (items.kind !== 'list') return items;
      if (names.items.length !== items.items.length) return error('function zipmap() needs lists of the same length');
      const entries = new Map<string, Value>();
      for (const [position, key] of names.items.entries()) {
        const name = asString(key);
        const item = items.items[position];
        if (name === undefined || item === undefined) return error('function zipmap() needs string keys');
        entries.set(name, item);
      }
      return object(entries);
    },
  }],
  ['coalesce', {
    minArgs: 1,
    maxArgs: undefined,
    mode: 'lenient',
    run: (args) => {
      for (const arg of args) {
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
  ['env', {
    minArgs: 1,
    maxArgs: 1,
    mode: 'strict',
    run: ([input], call) => {
      const name = needString('env', input, 1);
      if (typeof name !== 'string') return name;
      if (!call.environment.useEnv) return unknown(`env("${name}") is not read without --use-env`);
      return str(call.environment.env[name] ?? '');
    },
  }],
  ['substr', {
    minArgs: 3,
    maxArgs: 3,
    mode: 'strict',
    run: ([input, offset, length]) => {
      const value = text(input);
      if (value === undefined || offset?.kind !== 'number' || length?.kind !== 'number') return error('function substr() needs a string and two numbers');
      const characters = [...value];
      const start = offset.value < 0 ? characters.length + offset.value : offset.value;
      const end = length.value < 0 ? characters.length : start + length.value;
      return str(characters.slice(start, end).join(''));
    },
  }],
  ['abs', numberFunction('abs', Math.abs)],
  ['ceil', numberFunction('ceil', Math.ceil)],
  ['floor', numberFunction('floor', Math.floor)],
  ['max', numbersFunction('max', (values) => Math.max(...values))],
  ['min', numbersFunction('min', (values) => Math.min(...values))],
]);

function numberFunction(name: string, run: (value: number) => number): FunctionSpec {
  return {
    minArgs: 1,
    maxArgs: 1,
    mode: 'strict',
    run: ([input]) => (input?.kind === 'number' ? num(run(input.value)) : error(`function ${name}() needs a number`)),
  };
}

function numbersFunction(name: string, run: (values: number[]) => number): FunctionSpec {
  return {
    minArgs: 1,
    maxArgs: undefined,
    mode: 'strict',
    run: (args) => {
      const values: number[] = [];
      for (const arg of args) {
        if (arg.kind !== 'number') return error(`function ${name}() needs numbers`);
        values.push(arg.value);
      }
      return num(run(values));
    },
  };
}
