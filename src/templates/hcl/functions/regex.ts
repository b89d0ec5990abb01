/**
 * `regex`, `regexall` and `regex_replace` with Go's RE2 syntax and semantics (go-cty
 * `function/stdlib/regexp.go`). A pattern is translated to a JavaScript RegExp; what Go rejects
 * (look-around, back-references) is an error as in Packer, and what JavaScript cannot run
 * faithfully or safely is an unknown that names the function.
 *
 * Go's regexp runs in linear time; JavaScript's backtracking engine does not, and a template
 * could hang the linter with `(a+)+$`. V8's linear-time engine (the `l` flag) runs the patterns
 * it supports, which are those RE2 accepts but without `u` mode or case folding; the rest run
 * on the backtracking engine, refusing nested unbounded repetition and long inputs.
 */
import { setV8Flag } from '../../../core/v8-flags.js';
import { error, list, NULL, object, str, unknown, type Value } from '../value.js';
import { needStrings, strict, type FunctionSpec } from './spec.js';

interface Translated {
  /** Valid with or without the `u` flag unless `unicode` says it needs it. */
  readonly source: string;
  readonly flags: string;
  readonly unicode: boolean;
  /** Nested unbounded repetition: exponential on the backtracking engine. */
  readonly risky: boolean;
  readonly groups: readonly (string | undefined)[];
}

interface Compiled {
  readonly regex: RegExp;
  /** The capture groups in order: a name, or undefined for an unnamed group. */
  readonly groups: readonly (string | undefined)[];
}

/** Longer inputs are not matched: JavaScript's backtracking has no linear-time guarantee. */
const MAX_REGEX_INPUT = 100_000;

/** The linear engine's flag, held in a variable: ESLint knows no `l` flag. */
const LINEAR = 'l';
let linearEngine: boolean | undefined;

/**
 * Whether V8's linear-time engine runs, turned on at the first regex a template calls, not when
 * this module loads: setting a V8 flag makes Node compile each built-in module it loads after
 * that without its code cache, a cost every lint of an HCL file paid (issue 11).
 */
function hasLinearEngine(): boolean {
  if (linearEngine === undefined) {
    setV8Flag('--enable-experimental-regexp-engine');
    try {
      linearEngine = new RegExp('a', LINEAR).flags.includes(LINEAR);
    } catch {
      linearEngine = false;
    }
  }
  return linearEngine;
}

const POSIX_CLASSES: Readonly<Record<string, string>> = {
  alnum: '0-9A-Za-z',
  alpha: 'A-Za-z',
  ascii: '\\x00-\\x7f',
  blank: '\\t ',
  cntrl: '\\x00-\\x1f\\x7f',
  digit: '0-9',
  graph: '!-~',
  lower: 'a-z',
  print: ' -~',
  punct: '!-\\/:-@\\[-`{-~',
  space: '\\t\\n\\v\\f\\r ',
  upper: 'A-Z',
  word: '0-9A-Za-z_',
  xdigit: '0-9A-Fa-f',
};

/** Characters JavaScript lets a `u` pattern escape as themselves. */
const JS_SYNTAX = new Set('^$\\.*+?()[]{}|/');
const SIMPLE_ESCAPES = new Set('dDwWbBtnrfv');
const GO_SPACE_CLASS = '\\t\\n\\f\\r ';

type Translation = { readonly ok: true; readonly translated: Translated } | { readonly ok: false; readonly failure: Value };

function goError(name: string, message: string): Translation {
  return { ok: false, failure: error(`function ${name}(): error parsing regexp: ${message}`) };
}

function notEvaluatedValue(name: string, pattern: string, why: string): Value {
  return unknown(`function ${name}() with the pattern ${JSON.stringify(pattern)} is not evaluated: ${why}`);
}

function notEvaluated(name: string, pattern: string, why: string): Translation {
  return { ok: false, failure: notEvaluatedValue(name, pattern, why) };
}

function hex(c: string): string {
  return `\\x${(c.codePointAt(0) ?? 0).toString(16).padStart(2, '0')}`;
}

/** Translates Go RE2 syntax to a JavaScript pattern. */
function translateRegex(name: string, pattern: string): Translation {
  let flags = '';
  let unicode = /[\u{10000}-\u{10FFFF}]/u.test(pattern);
  let position = 0;
  const leading = /^\(\?([ims]+)\)/.exec(pattern);
  if (leading !== null) {
    flags += leading[1] ?? '';
    position = leading[0].length;
  }
  const groups: (string | undefined)[] = [];
  /** Per open group: whether it holds a quantifier or an alternation (nested repetition). */
  const open: boolean[] = [];
  let risky = false;
  let inClass = false;
  let lastGroupRepeats = false;
  let out = '';
  while (position < pattern.length) {
    const c = pattern[position] ?? '';
    const rest = pattern.slice(position);
    let closedGroup = false;
    if (c === '\\') {
      const next = pattern[position + 1];
      if (next === undefined) return goError(name, 'trailing backslash at end of expression: ``');
      if (next === 'Q') {
        const end = pattern.indexOf('\\E', position + 2);
        const literal = pattern.slice(position + 2, end === -1 ? undefined : end);
        out += [...literal].map((x) => (/[0-9A-Za-z_\s]/.test(x) || (x.codePointAt(0) ?? 0) > 0x7f ? x : hex(x))).join('');
        position = end === -1 ? pattern.length : end + 2;
        continue;
      }
      if (next === 'z' || next === 'A') {
        if (inClass) return goError(name, `invalid escape sequence: \`\\${next}\``);
        // Without the m flag, JavaScript's ^ and $ are Go's \A and \z.
        if (flags.includes('m')) out += next === 'z' ? '(?![\\s\\S])' : '(?<![\\s\\S])';
        else out += next === 'z' ? '$' : '^';
      } else if (next === 's' || next === 'S') {
        if (inClass && next === 'S') return notEvaluated(name, pattern, '\\S inside a character class');
        out += inClass ? GO_SPACE_CLASS : next === 's' ? `[${GO_SPACE_CLASS}]` : `[^${GO_SPACE_CLASS}]`;
      } else if (next === 'p' || next === 'P') {
        const property = /^\\[pP](?:\{(\^?)([A-Za-z_]+)\}|([A-Za-z]))/.exec(rest);
        if (property === null) return goError(name, `invalid character class range: \`${rest.slice(0, 4)}\``);
        const negated = (next === 'P') !== (property[1] === '^');
        const propertyName = property[2] ?? property[3] ?? '';
        const jsName = propertyName.length <= 2 || propertyName === 'Any' ? propertyName : `Script=${propertyName}`;
        if (propertyName === 'Any') out += negated ? '[^\\s\\S]' : '[\\s\\S]';
        else {
          out += `\\${negated ? 'P' : 'p'}{${jsName}}`;
          unicode = true;
        }
        position += property[0].length;
        continue;
      } else if (next === 'x') {
        const code = /^\\x(?:\{([0-9A-Fa-f]{1,6})\}|([0-9A-Fa-f]{2}))/.exec(rest);
        if (code === null) return goError(name, `invalid escape sequence: \`${rest.slice(0, 4)}\``);
        const point = Number.parseInt(code[1] ?? code[2] ?? '0', 16);
        if (point > 0xffff) unicode = true;
        out += point > 0xffff ? `\\u{${point.toString(16)}}` : `\\u${point.toString(16).padStart(4, '0')}`;
        position += code[0].length;
        continue;
      } else if (next === 'a') {
        out += '\\x07';
      } else if (SIMPLE_ESCAPES.has(next) && !(inClass && (next === 'b' || next === 'B'))) {
        out += `\\${next}`;
      } else if (/[0-9]/.test(next)) {
        return /[1-9]/.test(next) ? goError(name, `invalid escape sequence: \`\\${next}\``) : notEvaluated(name, pattern, 'octal escapes');
      } else if ((next.codePointAt(0) ?? 0) <= 0x7f && !/[0-9A-Za-z]/.test(next)) {
        out += JS_SYNTAX.has(next) ? `\\${next}` : hex(next);
      } else {
        return goError(name, `invalid escape sequence: \`\\${next}\``);
      }
      position += 2;
      continue;
    }
    if (inClass) {
      const posix = /^\[:(\^?)([a-z]+):\]/.exec(rest);
      if (posix !== null) {
        const range = POSIX_CLASSES[posix[2] ?? ''];
        if (range === undefined) return goError(name, `invalid character class range: \`${posix[0]}\``);
        if (posix[1] === '^') return notEvaluated(name, pattern, 'a negated POSIX class inside a class');
        out += range;
        position += posix[0].length;
        continue;
      }
      if (c === ']') inClass = false;
      out += c === '[' ? '\\[' : c;
      position += 1;
      continue;
    }
    switch (c) {
      case '[': {
        inClass = true;
        const negated = pattern[position + 1] === '^';
        out += negated ? '[^' : '[';
        position += negated ? 2 : 1;
        // Go takes a `]` right after `[` or `[^` as a literal.
        if (pattern[position] === ']') {
          out += '\\]';
          position += 1;
        }
        continue;
      }
      case '(': {
        if (rest.startsWith('(?P<') || rest.startsWith('(?<')) {
          const named = /^\(\?P?<([A-Za-z0-9_]+)>/.exec(rest);
          if (named === null || named[1] === undefined) return goError(name, `invalid named capture: \`${rest.slice(0, 12)}\``);
          if (/^[0-9]/.test(named[1])) return notEvaluated(name, pattern, 'a group name starting with a digit');
          groups.push(named[1]);
          out += `(?<${named[1]}>`;
          position += named[0].length;
        } else if (rest.startsWith('(?:')) {
          out += '(?:';
          position += 3;
        } else if (/^\(\?(?:=|!|<=|<!)/.test(rest)) {
          return goError(name, `invalid or unsupported Perl syntax: \`${rest.slice(0, rest.startsWith('(?<') ? 4 : 3)}\``);
        } else if (rest.startsWith('(?')) {
          return notEvaluated(name, pattern, 'flags inside the pattern');
        } else {
          groups.push(undefined);
          out += '(';
          position += 1;
        }
        open.push(false);
        continue;
      }
      case ')': {
        const repeats = open.pop();
        if (repeats === undefined) return goError(name, `unexpected ): \`${pattern}\``);
        if (repeats && open.length > 0) open[open.length - 1] = true;
        lastGroupRepeats = repeats;
        closedGroup = true;
        out += ')';
        break;
      }
      case '|':
        if (open.length > 0) open[open.length - 1] = true;
        out += '|';
        break;
      case '{': {
        const repeat = /^\{(\d+)(,(\d*))?\}/.exec(rest);
        if (repeat === null) {
          out += '\\{';
          break;
        }
        if (Number(repeat[1]) > 1000 || Number(repeat[3] ?? 0) > 1000) return goError(name, `invalid repeat count: \`${repeat[0]}\``);
        // Only an open-ended repeat ({2,}) of a repeating group backtracks exponentially.
        if (repeat[3] === '') risky ||= quantifies(out, lastGroupRepeats);
        if (open.length > 0) open[open.length - 1] = true;
        out += repeat[0];
        position += repeat[0].length;
        lastGroupRepeats = false;
        continue;
      }
      case '}':
        out += '\\}';
        break;
      case '*':
      case '+':
      case '?': {
        // `??`, `*?`: a lazy marker, not a second quantifier.
        const lazy = c === '?' && /[*+?}]$/.test(out) && !out.endsWith('\\?') && !out.endsWith('\\}');
        if (!lazy) {
          // `?` repeats at most once: only * and + of a repeating group backtrack exponentially.
          if (c !== '?') risky ||= quantifies(out, lastGroupRepeats);
          if (open.length > 0) open[open.length - 1] = true;
        }
        out += c;
        break;
      }
      default:
        out += c;
    }
    if (!closedGroup) lastGroupRepeats = false;
    position += 1;
  }
  if (inClass) return goError(name, `missing closing ]: \`${pattern}\``);
  if (open.length > 0) return goError(name, `missing closing ): \`${pattern}\``);
  return { ok: true, translated: { source: out, flags, unicode, risky, groups } };
}

/** The RegExp to run on `input`: linear-time where V8 can, else backtracking if it is safe. */
function compile(name: string, pattern: string, translated: Translated, input: string): Compiled | Value {
  const { source, flags, groups } = translated;
  // Without `u`, JavaScript matches UTF-16 units: the same as Go's code points only without surrogates.
  if (!translated.unicode && hasLinearEngine() && !flags.includes('i') && !/[\uD800-\uDFFF]/.test(input)) {
    try {
      return { regex: new RegExp(source, `${flags}g${LINEAR}`), groups };
    } catch {
      // Not linear-capable: the backtracking engine below decides.
    }
  }
  if (translated.risky) return notEvaluatedValue(name, pattern, 'a repeated group that itself repeats or alternates can take exponential time in JavaScript');
  if (input.length > MAX_REGEX_INPUT) return unknown(`function ${name}() is not evaluated on a string of over ${MAX_REGEX_INPUT} characters`);
  try {
    return { regex: new RegExp(source, `${flags}gu`), groups };
  } catch {
    return notEvaluatedValue(name, pattern, 'JavaScript cannot express it');
  }
}

/** A quantifier applied to a group that repeats or alternates inside: nested repetition. */
function quantifies(out: string, lastGroupRepeats: boolean): boolean {
  return out.endsWith(')') && lastGroupRepeats;
}

/** Go's FindAll: an empty match right after the previous match is skipped. */
function findAll(regex: RegExp, input: string): RegExpExecArray[] {
  const matches: RegExpExecArray[] = [];
  let previousEnd = -1;
  let position = 0;
  while (position <= input.length) {
    regex.lastIndex = position;
    const match = regex.exec(input);
    if (match === null) break;
    const start = match.index;
    const end = start + match[0].length;
    if (!(end === start && start === previousEnd)) {
      matches.push(match);
      previousEnd = end;
    }
    position = end > start ? end : end + ((input.codePointAt(end) ?? 0) > 0xffff ? 2 : 1);
  }
  return matches;
}

/** Go's Regexp.Expand: `$1`, `$name`, `${name}`, `$$`; an unknown group is empty. */
function expand(template: string, match: RegExpExecArray, groups: readonly (string | undefined)[]): string {
  return template.replace(/\$(?:\$|\{([A-Za-z0-9_]+)\}|([A-Za-z0-9_]+))/g, (whole, braced: string | undefined, bare: string | undefined) => {
    const reference = braced ?? bare;
    if (reference === undefined) return '$';
    if (/^[0-9]+$/.test(reference)) return match[Number(reference)] ?? '';
    const index = groups.indexOf(reference);
    return index === -1 ? '' : (match[index + 1] ?? '');
  });
}

function captures(match: RegExpExecArray, groups: readonly (string | undefined)[]): Value {
  if (groups.length === 0) return str(match[0]);
  const value = (index: number): Value => {
    const captured = match[index + 1];
    return captured === undefined ? NULL : str(captured);
  };
  if (groups.every((group) => group === undefined)) return list(groups.map((_group, index) => value(index)));
  const entries = new Map<string, Value>();
  groups.forEach((group, index) => entries.set(group ?? '', value(index)));
  return object(entries);
}

function compileFor(name: string, pattern: string, input: string, forCaptures: boolean): Compiled | Value {
  const translation = translateRegex(name, pattern);
  if (!translation.ok) return translation.failure;
  const { groups } = translation.translated;
  if (forCaptures && groups.some((group) => group === undefined) && groups.some((group) => group !== undefined)) {
    return error(`function ${name}(): invalid regexp pattern: cannot mix both named and unnamed capture groups`);
  }
  return compile(name, pattern, translation.translated, input);
}

export const REGEX_FUNCTIONS: ReadonlyMap<string, FunctionSpec> = new Map<string, FunctionSpec>([
  ['regex', strict(2, 2, (args) => {
    const values = needStrings('regex', args);
    if (!Array.isArray(values)) return values;
    const [pattern = '', input = ''] = values;
    const compiled = compileFor('regex', pattern, input, true);
    if (!('regex' in compiled)) return compiled;
    const [match] = findAll(compiled.regex, input);
    return match === undefined ? error('function regex(): pattern did not match any part of the given string') : captures(match, compiled.groups);
  })],
  ['regexall', strict(2, 2, (args) => {
    const values = needStrings('regexall', args);
    if (!Array.isArray(values)) return values;
    const [pattern = '', input = ''] = values;
    const compiled = compileFor('regexall', pattern, input, true);
    if (!('regex' in compiled)) return compiled;
    return list(findAll(compiled.regex, input).map((match) => captures(match, compiled.groups)));
  })],
  ['regex_replace', strict(3, 3, (args) => {
    const values = needStrings('regex_replace', args);
    if (!Array.isArray(values)) return values;
    const [input = '', pattern = '', replacement = ''] = values;
    const compiled = compileFor('regex_replace', pattern, input, false);
    if (!('regex' in compiled)) return compiled;
    let output = '';
    let last = 0;
    for (const match of findAll(compiled.regex, input)) {
      output += input.slice(last, match.index) + expand(replacement, match, compiled.groups);
      last = match.index + match[0].length;
    }
    return str(output + input.slice(last));
  })],
]);
