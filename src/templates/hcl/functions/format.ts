/**
 * `format` and `formatlist` as go-cty implements them (`function/stdlib/format.go`): Go's fmt
 * verbs with flags, width and precision, `%[n]` argument indexes, `%v` printing numbers the way
 * big.Float's shortest `%g` does (`format("%v", 123456789012)` is "1.23456789012e+11") and
 * collections as JSON, and too many arguments an error.
 */
import { describeKind, error, firstUnknown, str, stringList, type Value } from '../value.js';
import { jsonEncode } from './encoding.js';
import { needString, type FunctionSpec } from './spec.js';
import { graphemeClusters } from './strings.js';

const VERB = /%([-+# 0]*)(?:\[(\d+)\])?(\d+)?(?:\.(\d*))?(?:\[(\d+)\])?([a-zA-Z%])?/g;

interface Verb {
  readonly raw: string;
  readonly offset: number;
  readonly minus: boolean;
  readonly plus: boolean;
  readonly space: boolean;
  readonly zero: boolean;
  readonly sharp: boolean;
  readonly width: number | undefined;
  readonly precision: number | undefined;
  readonly mode: string;
}

class FormatError {
  constructor(readonly message: string) {}
}

/** Go's %e exponent has at least two digits: 1.2e+03. */
function goExponent(text: string): string {
  return text.replace(/e([+-])(\d)$/, 'e$10$2');
}

/** Decimal digits (no trailing zeros) and the position of the point: 1.5e-7 is "15", -6. */
function decimalDigits(text: string): { digits: string; point: number } {
  const [mantissa = '0', exponent = '0'] = text.replace(/^-/, '').split('e');
  return { digits: mantissa.replace('.', '').replace(/0+$/, '') || '0', point: Number(exponent) + 1 };
}

function fixedFromDigits(digits: string, point: number): string {
  if (point <= 0) return `0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return digits + '0'.repeat(point - digits.length);
  return `${digits.slice(0, point)}.${digits.slice(point)}`;
}

/** Go's %g (strconv and big.Float): %e form when the exponent is < -4 or >= the precision (6 when shortest). */
function goG(value: number, precision?: number): string {
  if (value === 0) return '0';
  if (!Number.isFinite(value)) return value > 0 ? '+Inf' : '-Inf';
  const prec = precision === undefined ? undefined : Math.max(precision, 1);
  const { digits, point } = decimalDigits(prec === undefined ? value.toExponential() : value.toExponential(prec - 1));
  const exponent = point - 1;
  let limit = prec ?? 6;
  if (prec !== undefined && limit > digits.length && digits.length >= point) limit = digits.length;
  const negative = value < 0 ? '-' : '';
  if (exponent < -4 || exponent >= limit) {
    const mantissa = digits.length > 1 ? `${digits[0] ?? ''}.${digits.slice(1)}` : digits;
    return `${negative}${mantissa}e${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  return negative + fixedFromDigits(digits, point);
}

/** cty converts a number to a string with big.Float's %f and the shortest digits: 1.5e-7 is "0.00000015". */
function numberToString(value: number): string {
  if (!Number.isFinite(value)) return value > 0 ? '+Inf' : '-Inf';
  if (value === 0) return '0';
  const { digits, point } = decimalDigits(value.toExponential());
  return (value < 0 ? '-' : '') + fixedFromDigits(digits, point);
}

function pad(verb: Verb, text: string, numeric = false): string {
  if (verb.width === undefined) return text;
  const length = graphemeClusters(text).length;
  if (length >= verb.width) return text;
  const count = verb.width - length;
  if (verb.minus) return text + ' '.repeat(count);
  if (verb.zero && numeric && /^[+\- ]/.test(text)) return text[0] + '0'.repeat(count) + text.slice(1);
  return (verb.zero ? '0'.repeat(count) : ' '.repeat(count)) + text;
}

function toNumber(verb: Verb, arg: Value): number {
  if (arg.kind === 'number') return arg.value;
  if (arg.kind === 'string' && arg.value.trim() !== '' && Number.isFinite(Number(arg.value))) return Number(arg.value);
  throw new FormatError(`unsupported value for "${verb.raw}" at ${verb.offset}: a number is required`);
}

function sign(verb: Verb, negative: boolean): string {
  return negative ? '-' : verb.plus ? '+' : verb.space ? ' ' : '';
}

function formatNumber(verb: Verb, arg: Value): string {
  const value = toNumber(verb, arg);
  const magnitude = Math.abs(value);
  let body: string;
  switch (verb.mode) {
    case 'b':
    case 'd':
    case 'o':
    case 'x':
    case 'X': {
      if (!Number.isInteger(value)) throw new FormatError(`unsupported value for "${verb.raw}" at ${verb.offset}: an integer is required`);
      const radix = { b: 2, d: 10, o: 8, x: 16, X: 16 }[verb.mode] ?? 10;
      body = BigInt(magnitude).toString(radix);
      if (verb.mode === 'X') body = body.toUpperCase();
      if (verb.precision !== undefined) body = body.padStart(verb.precision, '0');
      if (verb.sharp) body = { b: '0b', d: '', o: '0', x: '0x', X: '0X' }[verb.mode] + body;
      break;
    }
    case 'e':
    case 'E':
      body = goExponent(magnitude.toExponential(verb.precision ?? 6));
      if (verb.mode === 'E') body = body.toUpperCase();
      break;
    case 'f':
      body = magnitude.toFixed(verb.precision ?? 6);
      break;
    default:
      body = goG(magnitude, verb.precision);
      if (verb.mode === 'G') body = body.toUpperCase();
  }
  return pad(verb, sign(verb, value < 0) + body, true);
}

function asIs(verb: Verb, arg: Value): string {
  if (!verb.sharp && arg.kind === 'string') return pad(verb, arg.value);
  if (!verb.sharp && arg.kind === 'number') return pad(verb, goG(arg.value));
  const encoded = jsonEncode(arg);
  if (typeof encoded !== 'string') throw new FormatError(`unsupported value for "${verb.raw}" at ${verb.offset}: ${describeKind(arg)}`);
  return pad(verb, encoded);
}

function stringOf(verb: Verb, arg: Value): string {
  const text = arg.kind === 'string' ? arg.value : arg.kind === 'number' ? numberToString(arg.value) : arg.kind === 'bool' ? String(arg.value) : undefined;
  if (text === undefined) throw new FormatError(`unsupported value for "${verb.raw}" at ${verb.offset}: string required, found ${describeKind(arg)}`);
  const cut = verb.precision !== undefined && verb.precision > 0 ? graphemeClusters(text).slice(0, verb.precision).join('') : text;
  if (verb.mode === 's') return pad(verb, cut);
  const quoted = jsonEncode(str(cut));
  return pad(verb, typeof quoted === 'string' ? quoted : JSON.stringify(cut));
}

function formatOne(verb: Verb, arg: Value): string {
  if (verb.mode !== 'v' && arg.kind === 'null') throw new FormatError(`unsupported value for "${verb.raw}" at ${verb.offset}: null value cannot be formatted`);
  switch (verb.mode) {
    case 'v':
      return asIs(verb, arg);
    case 't': {
      const truth = arg.kind === 'bool' ? arg.value : arg.kind === 'string' && (arg.value === 'true' || arg.value === 'false') ? arg.value === 'true' : undefined;
      if (truth === undefined) throw new FormatError(`unsupported value for "${verb.raw}" at ${verb.offset}: a bool is required`);
      return String(truth);
    }
    case 's':
    case 'q':
      return stringOf(verb, arg);
    default:
      if ('bdoxXeEfgG'.includes(verb.mode)) return formatNumber(verb, arg);
      throw new FormatError(`unsupported format verb "${verb.mode}" in "${verb.raw}" at offset ${verb.offset}`);
  }
}

/** Formats `spec`; throws FormatError as go-cty would fail. */
function formatValues(spec: string, args: readonly Value[]): string {
  let next = 0;
  let used = 0;
  let output = '';
  let last = 0;
  for (const match of spec.matchAll(VERB)) {
    output += spec.slice(last, match.index);
    last = match.index + match[0].length;
    const [raw, flags = '', before, width, precision, after, mode] = match;
    if (mode === undefined) throw new FormatError(`unterminated format verb at offset ${match.index}`);
    if (mode === '%' && raw === '%%') {
      output += '%';
      continue;
    }
    const explicit = after ?? before;
    const index = explicit === undefined ? next : Number(explicit) - 1;
    next = index + 1;
    used = Math.max(used, next);
    const verb: Verb = {
      raw,
      offset: match.index,
      minus: flags.includes('-'),
      plus: flags.includes('+'),
      space: flags.includes(' '),
      zero: flags.includes('0') && !flags.includes('-'),
      sharp: flags.includes('#'),
      width: width === undefined ? undefined : Number(width),
      precision: precision === undefined ? undefined : Number(precision === '' ? 0 : precision),
      mode,
    };
    const arg = args[index];
    if (arg === undefined) throw new FormatError(`not enough arguments for "${raw}" at ${match.index}: need index ${index + 1} but have ${args.length} total`);
    output += formatOne(verb, arg);
  }
  if (used < args.length) throw new FormatError(`too many arguments; only ${used} used by format string`);
  return output + spec.slice(last);
}

function formatted(name: string, spec: string, args: readonly Value[]): Value {
  try {
    return str(formatValues(spec, args));
  } catch (caught) {
    if (caught instanceof FormatError) return error(`function ${name}(): ${caught.message}`);
    throw caught;
  }
}

export const FORMAT_FUNCTIONS: ReadonlyMap<string, FunctionSpec> = new Map<string, FunctionSpec>([
  ['format', { minArgs: 1, maxArgs: undefined, mode: 'strict', run: ([spec, ...rest]) => {
    const value = needString('format', spec, 1);
    return typeof value === 'string' ? formatted('format', value, rest) : value;
  } }],
  // Lenient: an unknown element makes only its own line unknown.
  ['formatlist', { minArgs: 1, maxArgs: undefined, mode: 'lenient', run: ([spec, ...rest]) => {
    if (spec?.kind === 'unknown') return spec;
    const value = needString('formatlist', spec, 1);
    if (typeof value !== 'string') return value;
    let length: number | undefined;
    for (const [index, arg] of rest.entries()) {
      if (arg.kind === 'unknown') return arg;
      if (arg.kind !== 'list') continue;
      if (arg.items.some((item) => item.kind === 'unknown' && item.spread === true)) return arg.items.find((item) => item.kind === 'unknown') ?? arg;
      if (length === undefined) length = arg.items.length;
      else if (arg.items.length !== length) return error(`function formatlist(): argument ${index + 2} has length ${arg.items.length}, which is inconsistent with the lists before it of length ${length}`);
    }
    const lines: Value[] = [];
    for (let line = 0; line < (length ?? 1); line += 1) {
      const args = rest.map((arg) => (arg.kind === 'list' ? (arg.items[line] ?? arg) : arg));
      const pending = args.map(firstUnknown).find((found) => found !== undefined);
      if (pending !== undefined) {
        lines.push(pending);
        continue;
      }
      const text = formatted('formatlist', value, args);
      if (text.kind === 'error') return { ...text, message: text.message.replace('formatlist(): ', `formatlist(): error on format iteration ${line}: `) };
      lines.push(text);
    }
    return stringList(lines);
  } }],
]);
