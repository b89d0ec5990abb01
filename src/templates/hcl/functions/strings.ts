/**
 * Packer's string functions (go-cty `function/stdlib/string.go` and Packer's own
 * `startswith`, `endswith`, `strcontains`), with Go's semantics where JavaScript differs:
 * simple (one code point) case mapping, grapheme clusters for `substr` and `strrev`,
 * `strings.Title` word boundaries, `strings.TrimSpace` white space.
 */
import { bool, error, str, stringList, type Value } from '../value.js';
import { argumentError, needInteger, needList, needString, needStrings, strict, text, type FunctionSpec } from './spec.js';

/** Made on first use: creating a Segmenter loads ICU's break rules (~17 ms), which most runs never need. */
let graphemes: Intl.Segmenter | undefined;

export function graphemeClusters(input: string): string[] {
  graphemes ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  return Array.from(graphemes.segment(input), (segment) => segment.segment);
}

/** Go's `unicode.ToUpper` and friends map one code point to one: "ß" stays "ß". */
function mapCodePoints(input: string, map: (c: string) => string): string {
  let output = '';
  for (const c of input) {
    const mapped = map(c);
    output += [...mapped].length === 1 ? mapped : c;
  }
  return output;
}

/** `strings.Title`'s isSeparator: ASCII letters, digits and `_` are word characters; so is any non-ASCII letter or digit. */
function isSeparator(c: string): boolean {
  const code = c.codePointAt(0) ?? 0;
  if (code <= 0x7f) return !/[0-9A-Za-z_]/.test(c);
  if (/[\p{L}\p{Nd}]/u.test(c)) return false;
  return /\s/u.test(c);
}

/** Go's unicode.ToTitle differs from upper case only for these digraphs. */
const TITLE_CASE: Readonly<Record<string, string>> = {
  '\u01c4': '\u01c5', '\u01c5': '\u01c5', '\u01c6': '\u01c5',
  '\u01c7': '\u01c8', '\u01c8': '\u01c8', '\u01c9': '\u01c8',
  '\u01ca': '\u01cb', '\u01cb': '\u01cb', '\u01cc': '\u01cb',
  '\u01f1': '\u01f2', '\u01f2': '\u01f2', '\u01f3': '\u01f2',
};

function title(input: string): string {
  let previous = ' ';
  let output = '';
  for (const c of input) {
    output += isSeparator(previous) ? (TITLE_CASE[c] ?? mapCodePoints(c, (x) => x.toUpperCase())) : c;
    previous = c;
  }
  return output;
}

/** Go's `unicode.IsSpace`: JavaScript's `trim` also removes U+FEFF and keeps U+0085. */
const GO_SPACE = '\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const LEADING_SPACE = new RegExp(`^[${GO_SPACE}]+`, 'u');
const TRAILING_SPACE = new RegExp(`[${GO_SPACE}]+$`, 'u');

function trimCutset(input: string, cutset: string): string {
  const cut = new Set(cutset);
  const characters = [...input];
  let start = 0;
  let end = characters.length;
  while (start < end && cut.has(characters[start] ?? '')) start += 1;
  while (end > start && cut.has(characters[end - 1] ?? '')) end -= 1;
  return characters.slice(start, end).join('');
}

/**
 * go-cty's `substr` counts grapheme clusters. A negative offset counts from the end (and then
 * a length of 0 keeps the rest, a quirk of its implementation); an offset past the end is "".
 */
function substr(input: string, offset: number, length: number): string {
  const clusters = graphemeClusters(input);
  if (offset >= 0 && length === 0) return '';
  const rest = clusters.slice(Math.max(offset < 0 ? offset + clusters.length : offset, 0));
  return (length <= 0 ? rest : rest.slice(0, length)).join('');
}

function oneString(name: string, transform: (input: string) => string): FunctionSpec {
  return strict(1, 1, ([input]) => {
    const value = needString(name, input, 1);
    return typeof value === 'string' ? str(transform(value)) : value;
  });
}

function twoStrings(name: string, run: (a: string, b: string) => Value): FunctionSpec {
  return strict(2, 2, (args) => {
    const values = needStrings(name, args);
    if (!Array.isArray(values)) return values;
    const [a = '', b = ''] = values;
    return run(a, b);
  });
}

export const STRING_FUNCTIONS: ReadonlyMap<string, FunctionSpec> = new Map<string, FunctionSpec>([
  ['lower', oneString('lower', (input) => mapCodePoints(input, (c) => c.toLowerCase()))],
  ['upper', oneString('upper', (input) => mapCodePoints(input, (c) => c.toUpperCase()))],
  ['title', oneString('title', title)],
  ['trimspace', oneString('trimspace', (input) => input.replace(LEADING_SPACE, '').replace(TRAILING_SPACE, ''))],
  ['chomp', oneString('chomp', (input) => input.replace(/(?:\r\n?|\n)*$/, ''))],
  ['strrev', oneString('strrev', (input) => graphemeClusters(input).reverse().join(''))],
  ['trim', twoStrings('trim', (input, cutset) => str(trimCutset(input, cutset)))],
  ['trimprefix', twoStrings('trimprefix', (input, prefix) => str(input.startsWith(prefix) ? input.slice(prefix.length) : input))],
  ['trimsuffix', twoStrings('trimsuffix', (input, suffix) => str(input.endsWith(suffix) ? input.slice(0, input.length - suffix.length) : input))],
  ['startswith', twoStrings('startswith', (input, prefix) => bool(input.startsWith(prefix)))],
  ['endswith', twoStrings('endswith', (input, suffix) => bool(input.endsWith(suffix)))],
  ['strcontains', twoStrings('strcontains', (input, part) => bool(input.includes(part)))],
  // Go's strings.Split with "" splits between code points, not UTF-16 units.
  ['split', twoStrings('split', (separator, input) => stringList((separator === '' ? [...input] : input.split(separator)).map((piece) => str(piece))))],
  // Packer's replace is literal: the `/regex/` form is Terraform's, not go-cty's.
  ['replace', strict(3, 3, (args) => {
    const values = needStrings('replace', args);
    if (!Array.isArray(values)) return values;
    const [input = '', search = '', replacement = ''] = values;
    return str(goReplaceAll(input, search, replacement));
  })],
  ['indent', strict(2, 2, ([spaces, input]) => {
    const count = needInteger('indent', spaces, 1);
    if (typeof count !== 'number') return count;
    const value = needString('indent', input, 2);
    if (typeof value !== 'string') return value;
    if (count < 0) return argumentError('indent', 1, 'value must not be negative');
    return str(value.replaceAll('\n', `\n${' '.repeat(count)}`));
  })],
  ['substr', strict(3, 3, ([input, offset, length]) => {
    const value = needString('substr', input, 1);
    if (typeof value !== 'string') return value;
    const start = needInteger('substr', offset, 2);
    if (typeof start !== 'number') return start;
    const count = needInteger('substr', length, 3);
    if (typeof count !== 'number') return count;
    return str(substr(value, start, count));
  })],
  ['join', strict(2, undefined, ([separator, ...lists]) => {
    const glue = needString('join', separator, 1);
    if (typeof glue !== 'string') return glue;
    const pieces: string[] = [];
    for (const [position, value] of lists.entries()) {
      const items = needList('join', value, position + 2);
      if (items.kind !== 'list') return items;
      for (const [index, item] of items.items.entries()) {
        if (item.kind === 'null') return argumentError('join', position + 2, `element ${index} is null; cannot concatenate null values`);
        const piece = text(item);
        if (piece === undefined) return error(`function join() cannot join ${item.kind === 'list' ? 'a list' : 'an object'}: the list must hold strings`);
        pieces.push(piece);
      }
    }
    return str(pieces.join(glue));
  })],
]);

/** Go's strings.Replace with an empty search string inserts between code points. */
function goReplaceAll(input: string, search: string, replacement: string): string {
  if (search !== '') return input.split(search).join(replacement);
  const characters = [...input];
  return replacement + characters.map((c) => c + replacement).join('');
}
