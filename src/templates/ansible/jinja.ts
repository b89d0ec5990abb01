import type { SourceLocation } from '../../core/index.js';
import { parseYaml, type YNode } from './yaml-tree.js';
import { ansibleBool, pythonString, relocate, scalar, stringsOf, unknown, type Known, type Value } from './values.js';

/** What a template can reference: variables in Ansible's precedence, and how to read a YAML node. */
export interface Scope {
  /** The variable's value, or an unknown naming why it has none. */
  lookup(name: string, at: SourceLocation): Value;
}

/**
 * Evaluates a YAML node as Ansible templates it: strings holding `{{ }}` are rendered; a string that
 * is one `{{ expression }}` keeps the expression's type (a list stays a list).
 */
export function evaluateNode(node: YNode, scope: Scope): Value {
  switch (node.kind) {
    case 'scalar':
      return typeof node.value === 'string' ? renderString(node.value, node.location, scope) : scalar(node.value, node.location);
    case 'seq':
      return { kind: 'list', items: node.items.map((item) => evaluateNode(item, scope)), location: node.location };
    case 'map': {
      const entries = new Map<string, Value>();
      for (const pair of node.pairs) entries.set(pair.key, evaluateNode(pair.value, scope));
      return { kind: 'map', entries, location: node.location };
    }
  }
}

/** Renders a string with Jinja expressions in it. */
export function renderString(text: string, location: SourceLocation, scope: Scope): Value {
  if (!text.includes('{{') && !text.includes('{%')) return scalar(text, location);
  if (text.includes('{%')) return unknown(`the Jinja statement in "${clip(text)}" is not evaluated by amiguard`, location);
  const parts = splitTemplate(text);
  if (parts === undefined) return unknown(`"${clip(text)}" is not a complete Jinja expression`, location);
  const only = parts.length === 1 ? parts[0] : undefined;
  if (only !== undefined && typeof only !== 'string') {
    const value = evaluateExpression(only.expression, location, scope);
    const native = value.kind === 'scalar' && typeof value.value === 'string' ? literalData(value.value, value.location) : value;
    return relocate(native, location, `{{ ${only.expression.trim()} }}`);
  }
  let rendered = '';
  for (const part of parts) {
    if (typeof part === 'string') {
      rendered += part;
      continue;
    }
    const value = evaluateExpression(part.expression, location, scope);
    if (value.kind === 'unknown') return relocate(value, location, `{{ ${part.expression.trim()} }}`);
    if (value.kind !== 'scalar') return unknown(`"{{ ${part.expression.trim()} }}" renders a ${value.kind} inside a string`, location);
    rendered += pythonString(value.value);
  }
  return scalar(rendered, location);
}

/**
 * Ansible turns a rendered string that looks like a list or a mapping back into data
 * (`[...]`, `{...}`), as when a variable holds `"['111122223333']"`.
 */
export function literalData(text: string, location: SourceLocation): Value {
  const trimmed = text.trim();
  if (!(trimmed.startsWith('[') && trimmed.endsWith(']')) && !(trimmed.startsWith('{') && trimmed.endsWith('}'))) return scalar(text, location);
  const parsed = parseYaml(location.file, trimmed);
  if (parsed.root === undefined) return scalar(text, location);
  return placed(parsed.root, location);
}

function placed(node: YNode, location: SourceLocation): Known {
  switch (node.kind) {
    case 'scalar':
      return scalar(node.value, location);
    case 'seq':
      return { kind: 'list', items: node.items.map((item) => placed(item, location)), location };
    case 'map': {
      const entries = new Map<string, Value>();
      for (const pair of node.pairs) entries.set(pair.key, placed(pair.value, location));
      return { kind: 'map', entries, location };
    }
  }
}

type TemplatePart = string | { readonly expression: string };

function splitTemplate(text: string): TemplatePart[] | undefined {
  const parts: TemplatePart[] = [];
  let index = 0;
  while (index < text.length) {
    const open = text.indexOf('{{', index);
    if (open < 0) {
      parts.push(text.slice(index));
      break;
    }
    if (open > index) parts.push(text.slice(index, open));
    const close = findClose(text, open + 2);
    if (close < 0) return undefined;
    parts.push({ expression: text.slice(open + 2, close) });
    index = close + 2;
  }
  return parts;
}

function findClose(text: string, from: number): number {
  let quote: string | undefined;
  for (let index = from; index < text.length - 1; index += 1) {
    const char = text[index];
    if (quote !== undefined) {
      if (char === '\\') index += 1;
      else if (char === quote) quote = undefined;
    } else if (char === '"' || char === "'") quote = char;
    else if (char === '}' && text[index + 1] === '}') return index;
  }
  return -1;
}

function clip(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

// ---------------------------------------------------------------------------------------------
// Expressions: the part of Jinja that configuration data uses. Anything else is an unknown that
// names the expression, never a guess.

type Token =
  | { readonly type: 'name'; readonly text: string }
  | { readonly type: 'string'; readonly text: string }
  | { readonly type: 'number'; readonly value: number }
  | { readonly type: 'op'; readonly text: string };

class Unsupported extends Error {}

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let index = 0;
  while (index < source.length) {
    const char = source[index] ?? '';
    if (/\s/.test(char)) {
      index += 1;
      continue;
    }
    const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(source.slice(index));
    if (name !== null) {
      tokens.push({ type: 'name', text: name[0] });
      index += name[0].length;
      continue;
    }
    const number = /^\d+(\.\d+)?/.exec(source.slice(index));
    if (number !== null) {
      tokens.push({ type: 'number', value: Number(number[0]) });
      index += number[0].length;
      continue;
    }
    if (char === '"' || char === "'") {
      let end = index + 1;
      let text = '';
      while (end < source.length && source[end] !== char) {
        if (source[end] === '\\' && end + 1 < source.length) end += 1;
        text += source[end];
        end += 1;
      }
      if (end >= source.length) throw new Unsupported('an unterminated string');
      tokens.push({ type: 'string', text });
      index = end + 1;
      continue;
    }
    const op = ['==', '!=', '<=', '>='].find((candidate) => source.startsWith(candidate, index)) ?? char;
    if (!'.[](),|~+-*/<>:{}=!%'.includes(op[0] ?? '')) throw new Unsupported(`the character "${char}"`);
    tokens.push({ type: 'op', text: op });
    index += op.length;
  }
  return tokens;
}

/** Evaluates one `{{ }}` expression; what amiguard does not evaluate is an unknown naming it. */
export function evaluateExpression(source: string, location: SourceLocation, scope: Scope): Value {
  try {
    const parser = new ExpressionParser(tokenize(source), location, scope, source.trim());
    const value = parser.parse();
    return value;
  } catch (error) {
    if (error instanceof Unsupported) return unknown(`"{{ ${source.trim()} }}" is not evaluated by amiguard (${error.message})`, location);
    throw error;
  }
}

const RUNTIME_FUNCTIONS = new Set(['lookup', 'query', 'q', 'range', 'now', 'undef']);

class ExpressionParser {
  private index = 0;

  constructor(
    private readonly tokens: readonly Token[],
    private readonly location: SourceLocation,
    private readonly scope: Scope,
    private readonly source: string,
  ) {}

  parse(): Value {
    const value = this.conditional();
    if (this.index < this.tokens.length) throw new Unsupported(`unexpected "${describe(this.tokens[this.index])}"`);
    return value;
  }

  private conditional(): Value {
    const value = this.or();
    if (!this.acceptName('if')) return value;
    const test = this.or();
    const otherwise = this.acceptName('else') ? this.conditional() : unknown('an inline if with no else is undefined when false', this.location);
    const truth = truthOf(test);
    if (truth === true) return value;
    if (truth === false) return otherwise;
    return unknown(`"{{ ${this.source} }}" depends on ${describeUnknown(test)}`, this.location, { mayInclude: [...stringsOf(value), ...stringsOf(otherwise)] });
  }

  private or(): Value {
    let left = this.and();
    while (this.acceptName('or')) {
      const right = this.and();
      left = logical(left, right, 'or', this.location);
    }
    return left;
  }

  private and(): Value {
    let left = this.not();
    while (this.acceptName('and')) {
      const right = this.not();
      left = logical(left, right, 'and', this.location);
    }
    return left;
  }

  private not(): Value {
    if (this.acceptName('not')) {
      const value = this.not();
      const truth = truthOf(value);
      return truth === undefined ? value : scalar(!truth, this.location);
    }
    return this.comparison();
  }

  private comparison(): Value {
    const left = this.concat();
    const token = this.tokens[this.index];
    if (token?.type === 'op' && ['==', '!='].includes(token.text)) {
      this.index += 1;
      const right = this.concat();
      if (left.kind === 'unknown') return left;
      if (right.kind === 'unknown') return right;
      if (left.kind !== 'scalar' || right.kind !== 'scalar') throw new Unsupported('a comparison of lists or mappings');
      return scalar(token.text === '==' ? left.value === right.value : left.value !== right.value, this.location);
    }
    if (token?.type === 'op' && ['<', '>', '<=', '>='].includes(token.text)) throw new Unsupported(`the operator ${token.text}`);
    if (this.acceptName('is')) return this.test(left);
    const negated = this.tokens[this.index]?.type === 'name' && describe(this.tokens[this.index]) === 'not' && describe(this.tokens[this.index + 1]) === 'in';
    if (negated) this.index += 1;
    if (this.acceptName('in')) {
      const found = contains(this.concat(), left, this.location);
      return negated && found.kind === 'scalar' ? scalar(found.value !== true, this.location) : found;
    }
    return left;
  }

  /** `x is [not] defined | undefined | none`. */
  private test(value: Value): Value {
    const negate = this.acceptName('not');
    const name = this.expectName();
    let result: boolean | undefined;
    if (name === 'defined' || name === 'undefined') {
      const defined = value.kind === 'unknown' ? (value.undefinedName === undefined ? undefined : false) : true;
      result = defined === undefined ? undefined : name === 'defined' ? defined : !defined;
    } else if (name === 'none') {
      result = value.kind === 'unknown' ? undefined : value.kind === 'scalar' && value.value === null;
    } else throw new Unsupported(`the test "is ${name}"`);
    if (result === undefined) return value.kind === 'unknown' ? value : unknown(`"is ${name}" cannot be decided`, this.location);
    return scalar(negate ? !result : result, this.location);
  }

  private concat(): Value {
    let left = this.postfix();
    for (;;) {
      const token = this.tokens[this.index];
      if (token?.type !== 'op' || (token.text !== '~' && token.text !== '+')) return left;
      this.index += 1;
      const right = this.postfix();
      left = combine(left, right, token.text, this.location);
    }
  }

  private postfix(): Value {
    let value = this.primary();
    for (;;) {
      const token = this.tokens[this.index];
      if (token?.type !== 'op') return value;
      if (token.text === '.') {
        this.index += 1;
        const name = this.expectName();
        if (this.peekOp('(')) throw new Unsupported(`the method call .${name}()`);
        value = member(value, name, this.location);
      } else if (token.text === '[') {
        this.index += 1;
        const key = this.conditional();
        this.expectOp(']');
        value = index(value, key, this.location);
      } else if (token.text === '|') {
        this.index += 1;
        const name = this.expectName();
        const args = this.peekOp('(') ? this.arguments() : [];
        value = applyFilter(name, value, args, this.location);
      } else return value;
    }
  }

  private primary(): Value {
    const token = this.tokens[this.index];
    if (token === undefined) throw new Unsupported('an incomplete expression');
    this.index += 1;
    switch (token.type) {
      case 'string':
        return scalar(token.text, this.location);
      case 'number':
        return scalar(token.value, this.location);
      case 'name': {
        const literal = LITERALS.get(token.text);
        if (literal !== undefined) return scalar(literal.value, this.location);
        if (this.peekOp('(')) {
          this.arguments();
          if (RUNTIME_FUNCTIONS.has(token.text)) return unknown(`${token.text}() in "{{ ${this.source} }}" is evaluated at run time`, this.location);
          throw new Unsupported(`the function ${token.text}()`);
        }
        return this.scope.lookup(token.text, this.location);
      }
      case 'op':
        return this.compound(token.text);
    }
  }

  private compound(open: string): Value {
    if (open === '(') {
      const value = this.conditional();
      this.expectOp(')');
      return value;
    }
    if (open === '[') {
      const items: Value[] = [];
      while (!this.acceptOp(']')) {
        items.push(this.conditional());
        if (!this.acceptOp(',')) {
          this.expectOp(']');
          break;
        }
      }
      return { kind: 'list', items, location: this.location };
    }
    if (open === '{') {
      const entries = new Map<string, Value>();
      while (!this.acceptOp('}')) {
        const key = this.conditional();
        this.expectOp(':');
        const value = this.conditional();
        if (key.kind !== 'scalar') throw new Unsupported('a mapping key that is not a literal');
        entries.set(pythonString(key.value), value);
        if (!this.acceptOp(',')) {
          this.expectOp('}');
          break;
        }
      }
      return { kind: 'map', entries, location: this.location };
    }
    if (open === '-') {
      const value = this.postfix();
      if (value.kind === 'scalar' && typeof value.value === 'number') return scalar(-value.value, this.location);
    }
    throw new Unsupported(`"${open}"`);
  }

  private arguments(): Value[] {
    this.expectOp('(');
    const args: Value[] = [];
    while (!this.acceptOp(')')) {
      const token = this.tokens[this.index];
      const next = this.tokens[this.index + 1];
      // Keyword arguments (`default(x, true)` has none; `join(d=',')` is rare): skip the name.
      if (token?.type === 'name' && next?.type === 'op' && next.text === '=') this.index += 2;
      args.push(this.conditional());
      if (!this.acceptOp(',')) {
        this.expectOp(')');
        break;
      }
    }
    return args;
  }

  private acceptName(name: string): boolean {
    const token = this.tokens[this.index];
    if (token?.type === 'name' && token.text === name) {
      this.index += 1;
      return true;
    }
    return false;
  }

  private peekOp(op: string): boolean {
    const token = this.tokens[this.index];
    return token?.type === 'op' && token.text === op;
  }

  private acceptOp(op: string): boolean {
    if (!this.peekOp(op)) return false;
    this.index += 1;
    return true;
  }

  private expectOp(op: string): void {
    if (!this.acceptOp(op)) throw new Unsupported(`a missing "${op}"`);
  }

  private expectName(): string {
    const token = this.tokens[this.index];
    if (token?.type !== 'name') throw new Unsupported('a missing name');
    this.index += 1;
    return token.text;
  }
}

const LITERALS = new Map<string, { value: boolean | null }>([
  ['true', { value: true }],
  ['True', { value: true }],
  ['false', { value: false }],
  ['False', { value: false }],
  ['none', { value: null }],
  ['None', { value: null }],
]);

function describe(token: Token | undefined): string {
  if (token === undefined) return 'end';
  return token.type === 'number' ? String(token.value) : token.text;
}

function describeUnknown(value: Value): string {
  return value.kind === 'unknown' ? value.reason : 'a value amiguard cannot test';
}

/** Jinja truthiness; undefined when the value is not known. */
export function truthOf(value: Value): boolean | undefined {
  switch (value.kind) {
    case 'unknown':
      return undefined;
    case 'scalar':
      return typeof value.value === 'string' ? value.value !== '' : value.value !== null && value.value !== false && value.value !== 0;
    case 'list':
      return value.items.length > 0;
    case 'map':
      return value.entries.size > 0;
  }
}

function logical(left: Value, right: Value, op: 'and' | 'or', location: SourceLocation): Value {
  const l = truthOf(left);
  if (op === 'or' && l === true) return left;
  if (op === 'and' && l === false) return left;
  if (l === undefined) return left.kind === 'unknown' ? left : unknown(`an "${op}" amiguard cannot evaluate`, location);
  return right;
}

function combine(left: Value, right: Value, op: string, location: SourceLocation): Value {
  if (left.kind === 'unknown') return left;
  if (right.kind === 'unknown') return right;
  if (op === '~') {
    if (left.kind !== 'scalar' || right.kind !== 'scalar') throw new Unsupported('~ of a list or mapping');
    return scalar(pythonString(left.value) + pythonString(right.value), location);
  }
  if (left.kind === 'list' && right.kind === 'list') return { kind: 'list', items: [...left.items, ...right.items], location };
  if (left.kind === 'scalar' && right.kind === 'scalar') {
    if (typeof left.value === 'string' && typeof right.value === 'string') return scalar(left.value + right.value, location);
    if (typeof left.value === 'number' && typeof right.value === 'number') return scalar(left.value + right.value, location);
  }
  throw new Unsupported('+ of values of different types');
}

/** `needle in haystack` for a list of scalars or a string. */
function contains(haystack: Value, needle: Value, location: SourceLocation): Value {
  if (haystack.kind === 'unknown') return haystack;
  if (needle.kind === 'unknown') return needle;
  if (needle.kind !== 'scalar') throw new Unsupported('"in" with a list or mapping on its left');
  if (haystack.kind === 'scalar' && typeof haystack.value === 'string') return scalar(haystack.value.includes(pythonString(needle.value)), location);
  if (haystack.kind === 'map') return scalar(haystack.entries.has(pythonString(needle.value)), location);
  if (haystack.kind !== 'list') throw new Unsupported('"in" of a value that is not a list');
  let unsure: Value | undefined;
  for (const item of haystack.items) {
    if (item.kind === 'scalar' && item.value === needle.value) return scalar(true, location);
    if (item.kind === 'unknown') unsure ??= item;
  }
  return unsure ?? scalar(false, location);
}

function member(value: Value, name: string, location: SourceLocation): Value {
  if (value.kind === 'unknown') return value;
  if (value.kind === 'map') {
    const entry = value.entries.get(name);
    if (entry !== undefined) return entry;
    return unknown(`the mapping has no key "${name}"`, location, { undefinedName: name });
  }
  throw new Unsupported(`.${name} of a ${value.kind}`);
}

function index(value: Value, key: Value, location: SourceLocation): Value {
  if (value.kind === 'unknown') return value;
  if (key.kind === 'unknown') return key;
  if (key.kind !== 'scalar') throw new Unsupported('an index that is not a literal');
  if (value.kind === 'list' && typeof key.value === 'number') {
    const position = key.value < 0 ? value.items.length + key.value : key.value;
    const item = value.items[position];
    return item ?? unknown(`index ${key.value} is past the end of the list`, location);
  }
  if (value.kind === 'map') return member(value, pythonString(key.value), location);
  throw new Unsupported(`[${pythonString(key.value)}] of a ${value.kind}`);
}

function applyFilter(name: string, value: Value, args: readonly Value[], location: SourceLocation): Value {
  switch (name) {
    case 'default':
    case 'd': {
      const fallback = args[0] ?? scalar('', location);
      if (value.kind === 'unknown') return value.undefinedName === undefined ? value : fallback;
      const onFalse = args[1];
      if (onFalse !== undefined && truthOf(onFalse) === true && truthOf(value) === false) return fallback;
      return value;
    }
    case 'list':
      if (value.kind === 'list' || value.kind === 'unknown') return value;
      if (value.kind === 'scalar' && typeof value.value === 'string') return { kind: 'list', items: [...value.value].map((char) => scalar(char, value.location)), location: value.location };
      break;
    case 'string':
      if (value.kind === 'scalar') return scalar(pythonString(value.value), value.location);
      if (value.kind === 'unknown') return value;
      break;
    case 'lower':
    case 'upper':
    case 'trim':
      if (value.kind === 'unknown') return value;
      if (value.kind === 'scalar') {
        const text = pythonString(value.value);
        return scalar(name === 'lower' ? text.toLowerCase() : name === 'upper' ? text.toUpperCase() : text.trim(), value.location);
      }
      break;
    case 'bool':
      if (value.kind === 'unknown') return value;
      if (value.kind === 'scalar') {
        const truth = ansibleBool(value.value);
        if (truth !== undefined) return scalar(truth, value.location);
      }
      break;
    case 'unique':
    case 'flatten':
      if (value.kind === 'unknown') return value;
      if (value.kind === 'list') return name === 'flatten' ? { ...value, items: value.items.flatMap((item) => (item.kind === 'list' ? item.items : [item])) } : value;
      break;
    case 'join': {
      if (value.kind === 'unknown') return value;
      const separator = args[0];
      if (value.kind === 'list' && (separator === undefined || separator.kind === 'scalar')) {
        const parts: string[] = [];
        for (const item of value.items) {
          if (item.kind === 'unknown') return item;
          if (item.kind !== 'scalar') throw new Unsupported('join of nested lists');
          parts.push(pythonString(item.value));
        }
        return scalar(parts.join(separator === undefined ? '' : pythonString(separator.value)), location);
      }
      break;
    }
    case 'split': {
      if (value.kind === 'unknown') return value;
      const separator = args[0];
      if (value.kind === 'scalar' && typeof value.value === 'string' && (separator === undefined || separator.kind === 'scalar')) {
        const parts = separator === undefined ? value.value.trim().split(/\s+/) : value.value.split(pythonString(separator.value));
        return { kind: 'list', items: parts.map((part) => scalar(part, value.location)), location: value.location };
      }
      break;
    }
    default:
      break;
  }
  if (value.kind === 'unknown') return value;
  throw new Unsupported(`the filter "${name}"`);
}
